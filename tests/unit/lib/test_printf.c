/* SPDX-License-Identifier: MIT */
/*
 * test_printf.c - lib/printf.c over a fake console_write() that records every call.
 *
 * What matters here is what reaches the console and in how many writes: the text must
 * be exactly what vsnprintf() gives, a line shorter than the buffer must go out in one
 * write, and long output in a few large ones, in order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "harness.h"
#include "host_rename.h"
#include <toro/stdio.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

#define CONSOLE_MAX 4096

static struct {
	char text[CONSOLE_MAX];
	size_t len;
	int writes;
	size_t largest;
} console;

/* The fake the kernel's console normally provides (see lib/printf.c). */
void console_write(const char *s, size_t n);

void console_write(const char *s, size_t n)
{
	CHECK(n > 0);
	CHECK(console.len + n <= sizeof(console.text));
	if (console.len + n <= sizeof(console.text)) {
		memcpy(console.text + console.len, s, n);
		console.len += n;
	}
	console.writes++;
	if (n > console.largest) {
		console.largest = n;
	}
}

static void console_reset(void)
{
	memset(&console, 0, sizeof(console));
}

/* The console holds exactly @want, as a string. */
#define CHECK_CONSOLE(want)                                                                        \
	do {                                                                                       \
		CHECK_EQ(console.len, strlen(want));                                               \
		CHECK_MEMEQ(console.text, want, strlen(want));                                     \
	} while (0)

static int call_vprintf(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = toro_vprintf(fmt, ap);
	va_end(ap);
	return ret;
}

static void test_printf_one_line(void)
{
	console_reset();
	CHECK_EQ(toro_printf("cpu%d: %s at %#x\n", 1, "online", 0x1000U), 23);
	CHECK_CONSOLE("cpu1: online at 0x1000\n");
	CHECK_EQ(console.writes, 1);

	console_reset();
	CHECK_EQ(toro_printf("%s", ""), 0);
	CHECK_EQ(console.writes, 0);

	console_reset();
	CHECK_EQ(call_vprintf("[%5d|%-3s]", 42, "ab"), 11);
	CHECK_CONSOLE("[   42|ab ]");
	CHECK_EQ(console.writes, 1);
}

static void test_printf_long(void)
{
	char want[1024];
	char arg[600];
	int len;

	memset(arg, 'x', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';

	/* Many small pieces: flushed in full buffers, so few writes. */
	console_reset();
	len = snprintf(want, sizeof(want), "%s %d %s %d", arg + 400, 1, arg + 450, 2);
	CHECK_EQ(toro_printf("%s %d %s %d", arg + 400, 1, arg + 450, 2), len);
	CHECK_CONSOLE(want);
	CHECK(console.writes <= 3);

	/* One huge piece skips the buffer, and the order is kept around it. */
	console_reset();
	len = snprintf(want, sizeof(want), "head %s tail %d", arg, 77);
	CHECK_EQ(toro_printf("head %s tail %d", arg, 77), len);
	CHECK_CONSOLE(want);
	CHECK(console.largest > strlen(arg) - 128);
	CHECK(console.writes <= 3);

	/* Width padding longer than the buffer. */
	console_reset();
	len = snprintf(want, sizeof(want), "%300d|%-300s|", 5, "left");
	CHECK_EQ(toro_printf("%300d|%-300s|", 5, "left"), len);
	CHECK_CONSOLE(want);
	CHECK(console.writes <= 6);
}

static void test_puts_putchar(void)
{
	char line[300];

	console_reset();
	CHECK(toro_puts("hello") >= 0);
	CHECK_CONSOLE("hello\n");
	CHECK_EQ(console.writes, 1);

	console_reset();
	CHECK(toro_puts("") >= 0);
	CHECK_CONSOLE("\n");

	console_reset();
	memset(line, 'y', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	CHECK(toro_puts(line) >= 0);
	CHECK_EQ(console.len, sizeof(line));
	CHECK_MEMEQ(console.text, line, sizeof(line) - 1);
	CHECK_EQ(console.text[sizeof(line) - 1], '\n');

	console_reset();
	CHECK_EQ(toro_putchar('A'), 'A');
	CHECK_EQ(toro_putchar(0x1ff), 0xff);
	CHECK_EQ(toro_putchar(-1), 0xff);
	CHECK_EQ(console.len, 3);
	CHECK_MEMEQ(console.text, "A\xff\xff", 3);
}

int main(void)
{
	test_printf_one_line();
	test_printf_long();
	test_puts_putchar();
	return harness_report();
}
