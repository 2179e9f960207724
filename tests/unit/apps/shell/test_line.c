/* SPDX-License-Identifier: MIT */
/*
 * test_line.c - the shell's input (apps/shell/line.c).
 *
 * shell_split(): blanks separate, "..." groups, a backslash takes the next byte as
 * it is, and an open quote, a trailing backslash or too many words are errors.
 * shell_read_line(): keystrokes come from a file put on stdin (line.c's getchar()
 * is glibc's here); the echo goes to console_write(), which this test provides.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "host_rename.h"
#include <toro/errno.h>
#include "../../../../apps/shell/shell.h"
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

#define MAX_WORDS 8

static char echo[1024];
static size_t echo_len;

/* lib/printf.c's output: the echo, captured. */
void console_write(const char *s, size_t n);
void console_write(const char *s, size_t n)
{
	if (echo_len + n <= sizeof(echo)) {
		memcpy(echo + echo_len, s, n);
		echo_len += n;
	}
}

/* Split @line; check the count and, when it is >= 0, each word. */
static void check_split(const char *line, int want_count, const char *const *want)
{
	char buf[256];
	char *argv[MAX_WORDS];
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = shell_split(buf, argv, MAX_WORDS);
	if (!CHECK_MSG(n == want_count, "\"%s\": %d words, want %d", line, n, want_count)) {
		return;
	}
	for (int i = 0; i < n; i++) {
		CHECK_MSG(strcmp(argv[i], want[i]) == 0, "\"%s\" word %d: \"%s\", want \"%s\"",
			  line, i, argv[i], want[i]);
	}
}

/* Type @keys; check the lines read, the echo, and -ENODEV at the end of input. */
static void test_read_line(void)
{
	static const char keys[] = "ab\x7f"
				   "c\r\n"	     /* Backspace, CR LF */
				   "\x08\x08xy\tz\n" /* BS on an empty line, Tab */
				   "junk\x03ok\r"    /* Ctrl-C drops the line */
				   "\x1b[Aup\n"	     /* an arrow key is ignored */
				   "0123456789abc\n" /* too long for the buffer */
				   "\r";	     /* an empty line */
	static const char want_echo[] = "ab\b \bc\nxy z\njunk\b \b\b \b\b \b\b \bok\nup\n"
					"0123456789\n\n";
	char line[11];
	FILE *f = tmpfile();

	fwrite(keys, 1, sizeof(keys) - 1, f);
	rewind(f);
	dup2(fileno(f), 0);
	CHECK_EQ(shell_read_line(line, sizeof(line)), 2);
	CHECK_STREQ(line, "ac");
	CHECK_EQ(shell_read_line(line, sizeof(line)), 4);
	CHECK_STREQ(line, "xy z");
	CHECK_EQ(shell_read_line(line, sizeof(line)), 2);
	CHECK_STREQ(line, "ok");
	CHECK_EQ(shell_read_line(line, sizeof(line)), 2);
	CHECK_STREQ(line, "up");
	CHECK_EQ(shell_read_line(line, sizeof(line)), -E2BIG);
	CHECK_EQ(shell_read_line(line, sizeof(line)), 0);
	CHECK_EQ(shell_read_line(line, sizeof(line)), -ENODEV);
	CHECK_MEMEQ(echo, want_echo, sizeof(want_echo) - 1);
	CHECK_EQ(echo_len, sizeof(want_echo) - 1);
	fclose(f);
}

int main(void)
{
	test_read_line();
	check_split("", 0, NULL);
	check_split("   \t ", 0, NULL);
	check_split("ls", 1, (const char *const[]){"ls"});
	check_split("  ls   -l\t/ ", 3, (const char *const[]){"ls", "-l", "/"});
	check_split("write /a \"big  world\" x", 4,
		    (const char *const[]){"write", "/a", "big  world", "x"});
	check_split("a\"b c\"d e", 2, (const char *const[]){"ab cd", "e"});
	check_split("fr\\ ob \\\"q\\\\", 2, (const char *const[]){"fr ob", "\"q\\"});
	check_split("\"\" x \"\"", 3, (const char *const[]){"", "x", ""});
	check_split("\"a \\\" b\"", 1, (const char *const[]){"a \" b"});
	check_split("cat \"open", -EINVAL, NULL);
	check_split("cat x\\", -EINVAL, NULL);
	check_split("1 2 3 4 5 6 7 8", 8,
		    (const char *const[]){"1", "2", "3", "4", "5", "6", "7", "8"});
	check_split("1 2 3 4 5 6 7 8 9", -E2BIG, NULL);
	return harness_report();
}
