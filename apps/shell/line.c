// SPDX-License-Identifier: MIT
/*
 * line.c - the shell's line input and word splitting.
 *
 * shell_read_line() is a small line editor for a serial terminal, which
 * neither echoes nor edits: it echoes what it reads, erases on Backspace
 * (DEL 0x7f or BS 0x08) with "\b \b", drops the line on Ctrl-C and Ctrl-U,
 * and ignores other control bytes and ANSI escape sequences (arrow keys).
 * CR, LF and CR LF each end one line, so a terminal's Enter and a piped
 * script both work. Input comes from getchar(), which sleeps until a byte
 * arrives (the UART's interrupt), so waiting costs no CPU.
 */
#include <stdbool.h>
#include <toro/errno.h>
#include <toro/stdio.h>
#include "shell.h"

#define KEY_CTRL_C 0x03
#define KEY_BS 0x08
#define KEY_CTRL_U 0x15
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

/* ECMA-48 §5.4: CSI is ESC '['; its final byte is 0x40..0x7e. */
enum escape_state { ESC_NONE, ESC_SEEN, ESC_CSI };

struct line_state {
	bool last_was_cr; /* a LF right after CR ends nothing: the same Enter */
	enum escape_state escape;
};

static struct line_state state;

static void erase_chars(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		printf("\b \b");
	}
}

/* True when @c belongs to an escape sequence (and is swallowed). */
static bool in_escape(int c)
{
	switch (state.escape) {
	case ESC_SEEN:
		state.escape = c == '[' ? ESC_CSI : ESC_NONE;
		return true;
	case ESC_CSI:
		if (c >= 0x40 && c <= 0x7e) {
			state.escape = ESC_NONE;
		}
		return true;
	default:
		if (c == KEY_ESC) {
			state.escape = ESC_SEEN;
			return true;
		}
		return false;
	}
}

int shell_read_line(char *buf, size_t size)
{
	size_t len = 0;
	bool too_long = false;

	for (;;) {
		int c = getchar();
		bool after_cr = state.last_was_cr;

		if (c == EOF) {
			return -ENODEV;
		}
		state.last_was_cr = c == '\r';
		if (in_escape(c)) {
			continue;
		}
		if (c == '\n' && after_cr) {
			continue;
		}
		if (c == '\r' || c == '\n') {
			putchar('\n');
			break;
		}
		if (c == KEY_DEL || c == KEY_BS) {
			if (len) {
				len--;
				erase_chars(1);
			}
		} else if (c == KEY_CTRL_C || c == KEY_CTRL_U) {
			erase_chars(len);
			len = 0;
			too_long = false;
		} else if (c == '\t' || (c >= ' ' && c < KEY_DEL) || c > KEY_DEL) {
			if (len + 1 < size) {
				buf[len++] = c == '\t' ? ' ' : (char)c;
				putchar(c == '\t' ? ' ' : c);
			} else {
				too_long = true;
			}
		}
	}
	buf[len] = '\0';
	return too_long ? -E2BIG : (int)len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Copy one word starting at @in to @out (unquoting); returns where it ended, or NULL. */
static char *take_word(char *in, char *out, char **end_out)
{
	bool quoted = false;

	while (*in && (quoted || !is_blank(*in))) {
		if (*in == '"') {
			quoted = !quoted;
			in++;
		} else if (*in == '\\') {
			if (!in[1]) {
				return NULL;
			}
			*out++ = in[1];
			in += 2;
		} else {
			*out++ = *in++;
		}
	}
	if (quoted) {
		return NULL;
	}
	*end_out = out;
	return in;
}

int shell_split(char *line, char **argv, int max)
{
	char *in = line, *out = line;
	int argc = 0;

	for (;;) {
		char *word_end;

		while (is_blank(*in)) {
			in++;
		}
		if (!*in) {
			return argc;
		}
		if (argc == max) {
			return -E2BIG;
		}
		/* The output never overtakes the input: unquoting only shortens. */
		argv[argc++] = out;
		in = take_word(in, out, &word_end);
		if (!in) {
			return -EINVAL;
		}
		out = word_end;
		/* The byte after the word is a blank or the end: safe to overwrite. */
		if (*in) {
			in++;
		}
		*out++ = '\0';
	}
}
