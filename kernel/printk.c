/* SPDX-License-Identifier: MIT */
/*
 * printk.c - the kernel log: format with vformat() straight to the console,
 * in runs, with no intermediate buffer and no allocation.
 */
#include <toro/stdio.h>
#include <kernel/console.h>
#include <kernel/printk.h>

static int console_level = CONFIG_LOGLEVEL;

void printk_set_level(int level)
{
	if (level >= 0 && level <= LOGLEVEL_DEBUG + 1) {
		console_level = level;
	}
}

static void emit(void *ctx, const char *s, size_t n)
{
	console_write(s, n);
}

int vprintk(int level, const char *fmt, va_list ap)
{
	if (level >= console_level) {
		return 0;
	}
	return vformat(emit, NULL, fmt, ap);
}

int printk(int level, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(level, fmt, ap);
	va_end(ap);
	return n;
}
