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

/* QEMU microvm's words appended after the app's `--` go back to the kernel's side. */
static void test_hoist(void)
{
	char buf[] = "loglevel=7 -- one v=1 two v=2";
	char none[] = "v=1 two";
	char *w[8];
	int n = cmdline_split(buf, w, 8);

	CHECK_EQ(cmdline_hoist(w, n, "v="), 2);
	CHECK_STREQ(w[0], "loglevel=7");
	CHECK_STREQ(w[1], "v=1");
	CHECK_STREQ(w[2], "v=2");
	CHECK_STREQ(w[3], "--");
	CHECK_STREQ(w[4], "one");
	CHECK_STREQ(w[5], "two");
	n = cmdline_split(none, w, 8);
	CHECK_EQ(cmdline_hoist(w, n, "v="), 0);
	CHECK_STREQ(w[0], "v=1");
}

static int each_count;
static char each_seen[64];

static void each_fn(const char *value, void *arg)
{
	CHECK(arg == &each_count);
	each_count++;
	strcat(each_seen, value);
	strcat(each_seen, ";");
}

static void test_each(void)
{
	char buf[] = "dev=a devx=b dev=c dev";
	char *w[8];
	int n = cmdline_split(buf, w, 8);

	cmdline_set_kernel_words(w, n);
	CHECK_EQ(cmdline_each("dev", each_fn, &each_count), 2);
	CHECK_EQ(each_count, 2);
	CHECK_STREQ(each_seen, "a;c;");
	CHECK_EQ(cmdline_each("root", each_fn, &each_count), 0);
	cmdline_set_kernel_words(w, 0);
}

int main(void)
{
	test_hoist();
	test_each();
	test_split_blanks_and_quotes();
	test_split_empty_and_too_many();
	test_split_unterminated_quote();
	test_find();
	return harness_report();
}
