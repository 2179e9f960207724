/* SPDX-License-Identifier: MIT */
/*
 * console.c - the console switch (console.h). Output written before a console
 * driver registers is kept in a small buffer and replayed on registration,
 * so nothing printed early is lost.
 */
#include <toro/string.h>
#include <kernel/console.h>

#define EARLY_BUF_SIZE 1024

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
		console->write(s, n);
		return;
	}
	if (n > EARLY_BUF_SIZE - early_len) {
		n = EARLY_BUF_SIZE - early_len;
	}
	memcpy(early_buf + early_len, s, n);
	early_len += n;
}
