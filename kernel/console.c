/* SPDX-License-Identifier: MIT */
/*
 * console.c - the console switch (console.h). Output written before a console
 * driver registers is kept in a small buffer and replayed on registration,
 * so nothing printed early is lost.
 */
#include <stdbool.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include <kernel/console.h>
#include <kernel/errno.h>

#define EARLY_BUF_SIZE 1024

/*
 * One writer at a time, so each console_write() (a printk message, a printf
 * flush) comes out whole. A test-and-set lock (XCHG) on output only - never
 * on the scheduler's path. A CPU that panics while another holds it (or
 * died holding it) waits a bounded time, then writes anyway: a report
 * matters more than tidy output.
 */
#define CONSOLE_SPIN_MAX 20000000

static bool console_busy;

static void console_lock(void)
{
	for (long i = 0; i < CONSOLE_SPIN_MAX; i++) {
		if (!__atomic_exchange_n(&console_busy, true, __ATOMIC_ACQUIRE)) {
			return;
		}
		__asm__ __volatile__("pause");
	}
}

static void console_unlock(void)
{
	__atomic_store_n(&console_busy, false, __ATOMIC_RELEASE);
}

static const struct console *console;
static char early_buf[EARLY_BUF_SIZE];
static size_t early_len;

void console_register(const struct console *con)
{
	console = con;
	if (early_len) {
		con->write(early_buf, early_len);
		early_len = 0;
	}
}

void console_write(const char *s, size_t n)
{
	if (console) {
		console_lock();
		console->write(s, n);
		console_unlock();
		return;
	}
	if (n > EARLY_BUF_SIZE - early_len) {
		n = EARLY_BUF_SIZE - early_len;
	}
	memcpy(early_buf + early_len, s, n);
	early_len += n;
}

long console_read(char *buf, size_t n)
{
	const struct console *con = console;

	if (!con || !con->read) {
		return -ENODEV;
	}
	return n ? (long)con->read(buf, n) : 0;
}

/* <toro/stdio.h>: one byte of console input, blocking; EOF when there is no input. */
int getchar(void)
{
	char c;

	return console_read(&c, 1) == 1 ? (unsigned char)c : EOF;
}
