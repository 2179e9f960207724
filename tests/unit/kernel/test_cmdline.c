/* test_cmdline.c - splitting and searching the kernel command line. */
#include <string.h>
#include "harness.h"
#include <kernel/cmdline.h>
#include <kernel/errno.h>

static void test_split_blanks_and_quotes(void)
{
	char buf[] = "  loglevel=7\troot=vda1  -- one \"two words\" x\"y z\"w  ";
	char *w[8];
	int n = cmdline_split(buf, w, 8);

	CHECK_EQ(n, 6);
	CHECK_STREQ(w[0], "loglevel=7");
	CHECK_STREQ(w[1], "root=vda1");
	CHECK_STREQ(w[2], "--");
	CHECK_STREQ(w[3], "one");
	CHECK_STREQ(w[4], "two words");
	CHECK_STREQ(w[5], "xy zw");
}

static void test_split_empty_and_too_many(void)
{
	char empty[] = "   ";
	char many[] = "a b c d";
	char *w[3];

	CHECK_EQ(cmdline_split(empty, w, 3), 0);
	CHECK_EQ(cmdline_split(many, w, 3), -E2BIG);
}

static void test_split_unterminated_quote(void)
{
	char buf[] = "a \"b c";
	char *w[4];

	CHECK_EQ(cmdline_split(buf, w, 4), 2);
	CHECK_STREQ(w[1], "b c");
}

static void test_find(void)
{
	char buf[] = "loglevel=3 quiet loglevelx=9 loglevel=5 empty=";
	char *w[8];
	int n = cmdline_split(buf, w, 8);

	CHECK_STREQ(cmdline_find(w, n, "loglevel"), "5"); /* last wins */
	CHECK_STREQ(cmdline_find(w, n, "quiet"), "");
	CHECK_STREQ(cmdline_find(w, n, "empty"), "");
	CHECK(cmdline_find(w, n, "log") == NULL); /* no prefix matches */
	CHECK(cmdline_find(w, n, "root") == NULL);
}

int main(void)
{
	test_split_blanks_and_quotes();
	test_split_empty_and_too_many();
	test_split_unterminated_quote();
	test_find();
	return harness_report();
}
