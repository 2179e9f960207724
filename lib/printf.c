/* SPDX-License-Identifier: MIT */
/*
 * printf.c - printf(), vprintf(), puts() and putchar(): formatted output to the console.
 *
 * Output is gathered in a small buffer on the caller's stack and handed to
 * console_write() when it fills up and at the end of the call, so a typical line goes
 * out in one call (one lock round trip, one burst on the serial port). A long run
 * tops up the buffer and the rest goes out directly, so output of n bytes takes about
 * n / 128 + 1 calls. No global state: reentrant as long as console_write() is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <toro/stdio.h>
#include <toro/string.h>

/*
 * <limits.h> cannot be used: with -nostdinc, Debian's GCC copy chains to glibc's. The
 * compiler's predefined macros give the same limits.
 */
#define INT_MAX __INT_MAX__

/*
 * Provided by the kernel's console (declared in <kernel/console.h>, which lib/ does not
 * include to stay independent of the kernel headers): writes @n bytes of @s, in order.
 */
extern void console_write(const char *s, size_t n);

/* Long enough for most log lines, short enough to live on any kernel stack. */
#define CONSOLE_BUF_SIZE 128

struct console_buf {
	size_t len;
	char data[CONSOLE_BUF_SIZE];
};

static void console_buf_flush(struct console_buf *b)
{
	if (b->len > 0) {
		console_write(b->data, b->len);
		b->len = 0;
	}
}

/* format_emit_fn that appends to a struct console_buf, flushing when it is full. */
static void console_buf_emit(void *ctx, const char *s, size_t n)
{
	struct console_buf *b = ctx;

	while (n > 0) {
		size_t chunk = sizeof(b->data) - b->len;

		if (b->len == 0 && n >= sizeof(b->data)) {
			/* Nothing waits in front of it: a long run goes out directly. */
			console_write(s, n);
			return;
		}
		if (chunk > n) {
			chunk = n;
		}
		memcpy(b->data + b->len, s, chunk);
		b->len += chunk;
		s += chunk;
		n -= chunk;
		if (b->len == sizeof(b->data)) {
			console_buf_flush(b);
		}
	}
}

int vprintf(const char *restrict fmt, va_list ap)
{
	struct console_buf b = {.len = 0};
	int ret = vformat(console_buf_emit, &b, fmt, ap);

	console_buf_flush(&b);
	return ret;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vprintf(fmt, ap);
	va_end(ap);
	return ret;
}

int puts(const char *s)
{
	struct console_buf b = {.len = 0};
	size_t len = strlen(s);

	console_buf_emit(&b, s, len);
	console_buf_emit(&b, "\n", 1);
	console_buf_flush(&b);
	return len < INT_MAX ? (int)len + 1 : INT_MAX;
}

int putchar(int c)
{
	char ch = (char)(unsigned char)c;

	console_write(&ch, 1);
	return (unsigned char)c;
}
