/* SPDX-License-Identifier: MIT */
/*
 * printk.c - the kernel log. A message is formatted into a buffer on the
 * caller's stack and handed to the console in one write (longer ones in
 * PRINTK_CHUNK pieces), so messages from several CPUs do not interleave
 * character by character. No allocation.
 */
#include <toro/stdio.h>
#include <toro/string.h>
#include <kernel/compiler.h>
#include <kernel/console.h>
#include <kernel/printk.h>

static int console_level = CONFIG_LOGLEVEL;

void printk_set_level(int level)
{
	if (level >= 0 && level <= LOGLEVEL_DEBUG + 1) {
		console_level = level;
	}
}

#define PRINTK_CHUNK 256

struct printk_buf {
	size_t len;
	char text[PRINTK_CHUNK];
};

static void flush(struct printk_buf *b)
{
	if (b->len) {
		console_write(b->text, b->len);
		b->len = 0;
	}
}

static void emit(void *ctx, const char *s, size_t n)
{
	struct printk_buf *b = ctx;

	while (n) {
		size_t take = MIN(n, PRINTK_CHUNK - b->len);

		memcpy(b->text + b->len, s, take);
		b->len += take;
		s += take;
		n -= take;
		if (b->len == PRINTK_CHUNK) {
			flush(b);
		}
	}
}

int vprintk(int level, const char *fmt, va_list ap)
{
	struct printk_buf b;
	int n;

	if (level >= console_level) {
		return 0;
	}
	b.len = 0;
	n = vformat(emit, &b, fmt, ap);
	flush(&b);
	return n;
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
