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

/*
 * Move the words that start with @prefix and stand after the first `--` to
 * just before it, keeping the order of the others: QEMU's microvm appends
 * its virtio_mmio.device= words at the very end of whatever line it was
 * given, so after the application's `--`. Returns how many moved.
 */
int cmdline_hoist(char **words, int n, const char *prefix);

/*
 * kmain(): remember the kernel's words (those before `--`) for
 * cmdline_each(); @words must stay valid for the kernel's lifetime.
 */
void cmdline_set_kernel_words(char *const *words, int n);

/*
 * Call @fn(value, @arg) for every kernel word `name=value` (in order: a
 * name may repeat, as virtio_mmio.device= does). Returns how many matched.
 */
int cmdline_each(const char *name, void (*fn)(const char *value, void *arg), void *arg);

/*
 * Which of the bare kernel words @a and @b (e.g. "ro" and "rw") comes last:
 * returns 0 for @a, 1 for @b, -1 if neither is there.
 */
int cmdline_last_word(const char *a, const char *b);

#endif
