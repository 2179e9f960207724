/* SPDX-License-Identifier: MIT */
/*
 * test_ctype.c - <toro/ctype.h> against glibc's <ctype.h> in the "C" locale.
 *
 * Every argument from EOF (-1) through 255 is classified by both; Toro also takes
 * any other int (negative plain chars, values above 255) and must put it in no class.
 */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>

#include "harness.h"
#include "host_rename.h"
#include <toro/ctype.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

struct class_pair {
	const char *name;
	int (*toro)(int c);
	int (*glibc)(int c);
};

/* glibc's functions (not its macros), so they can sit in a table. */
static const struct class_pair classes[] = {
	{"isalnum", toro_isalnum, isalnum}, {"isalpha", toro_isalpha, isalpha},
	{"isdigit", toro_isdigit, isdigit}, {"isxdigit", toro_isxdigit, isxdigit},
	{"isspace", toro_isspace, isspace}, {"isupper", toro_isupper, isupper},
	{"islower", toro_islower, islower}, {"isprint", toro_isprint, isprint},
	{"ispunct", toro_ispunct, ispunct}, {"iscntrl", toro_iscntrl, iscntrl},
	{"isgraph", toro_isgraph, isgraph},
};

static void test_classes(void)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		const struct class_pair *cls = &classes[i];
		bool ok = true;

		for (int c = EOF; c <= UCHAR_MAX; c++) {
			if (!cls->toro(c) != !cls->glibc(c)) {
				CHECK_MSG(false, "%s(%d)", cls->name, c);
				ok = false;
			}
		}
		CHECK_MSG(ok, "%s agrees with glibc on EOF..255", cls->name);
		/* Outside EOF..255 glibc is undefined; Toro says "no class". */
		CHECK_MSG(!cls->toro(-200) && !cls->toro(256 + 'a') && !cls->toro(INT_MIN) &&
				  !cls->toro(INT_MAX),
			  "%s outside the unsigned char range", cls->name);
	}
}

static void test_case_mapping(void)
{
	for (int c = EOF; c <= UCHAR_MAX; c++) {
		CHECK_MSG(toro_toupper(c) == toupper(c), "toupper(%d)", c);
		CHECK_MSG(toro_tolower(c) == tolower(c), "tolower(%d)", c);
	}
	CHECK_EQ(toro_toupper(-200), -200);
	CHECK_EQ(toro_tolower(256 + 'A'), 256 + 'A');
	/* A plain char holding 0xe9 is negative on x86: no class, unchanged. */
	CHECK_EQ(toro_toupper((char)0xe9), (char)0xe9);
	CHECK(!toro_isalpha((char)0xe9));
}

int main(void)
{
	test_classes();
	test_case_mapping();
	return harness_report();
}
