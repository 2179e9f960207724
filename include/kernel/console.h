/* SPDX-License-Identifier: MIT */
/*
 * console.h - where kernel and app output goes. A driver registers a
 * console; until one does, output is kept in a small buffer and replayed.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

struct console {
	const char *name;
	/* Write @n bytes; "\n" is sent as-is (the driver adds "\r" if needed). */
	void (*write)(const char *s, size_t n);
};

/* Make @con the console and replay what was written before it existed. */
void console_register(const struct console *con);

/* Write @n bytes to the console (buffered if none is registered yet). */
void console_write(const char *s, size_t n);

#endif
