/* SPDX-License-Identifier: MIT */
/*
 * console.h - where kernel and app output goes, and where input comes from.
 * A driver registers a console; until one does, output is kept in a small
 * buffer and replayed. Input (console_read(), getchar()) is blocking and
 * only for threads: the calling thread sleeps until a byte arrives.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

struct console {
	const char *name;
	/* Write @n bytes; "\n" is sent as-is (the driver adds "\r" if needed). */
	void (*write)(const char *s, size_t n);
	/*
	 * Input, NULL if the console has none: wait (blocking the calling
	 * thread, never spinning) until at least one byte has arrived, then
	 * copy up to @n (>= 1) bytes into @buf. Returns how many.
	 */
	size_t (*read)(char *buf, size_t n);
};

/* Make @con the console and replay what was written before it existed. */
void console_register(const struct console *con);

/* Write @n bytes to the console (buffered if none is registered yet). */
void console_write(const char *s, size_t n);

/*
 * Read up to @n bytes of console input into @buf, blocking the calling
 * thread until at least one is there (bytes as they come: "\r" for Enter on
 * a serial terminal). Call from a thread. Returns the count (> 0 when @n is),
 * or -ENODEV when the console has no input.
 */
long console_read(char *buf, size_t n);

#endif
