/* SPDX-License-Identifier: MIT */
/*
 * <toro/errno.h> - error numbers (the Linux values) and errno, which is per thread.
 * Calls of <toro/fs.h> return -1 and set errno; strerror() names a number.
 */
#ifndef TORO_ERRNO_H
#define TORO_ERRNO_H

#include <kernel/errno.h>

/* The calling thread's errno. */
int *__errno_location(void);
#define errno (*__errno_location())

/* A short English description of @err ("No such file or directory"); never NULL. */
const char *strerror(int err);

#endif /* TORO_ERRNO_H */
