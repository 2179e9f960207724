/* SPDX-License-Identifier: MIT */
/*
 * cmdline.h - the kernel command line, Linux style: `key=value` words for the
 * kernel, then `--`, then the application's arguments. Portable (unit-tested).
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stddef.h>

#define CMDLINE_WORDS_MAX 64

/*
 * Split @buf in place into words separated by blanks; a word may be quoted
 * with "..." to hold blanks. Stores up to @max pointers in @words.
 * Returns the number of words, or -E2BIG if there are more than @max.
 */
int cmdline_split(char *buf, char **words, int max);

/*
 * Look @name up among @words[0..n) as `name=value` or a bare `name`.
 * Returns the value ("" for a bare name), or NULL if absent. The last
 * occurrence wins, as in Linux.
 */
const char *cmdline_find(char *const *words, int n, const char *name);

#endif
