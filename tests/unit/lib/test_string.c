/* SPDX-License-Identifier: MIT */
/*
 * test_string.c - lib/string.c against glibc's <string.h> as the oracle.
 *
 * Copies and fills run over every length 0..MEM_MAX at every alignment inside guarded
 * buffers, so an off-by-one shows as a changed guard byte (and ASan catches reads).
 * Comparisons check the sign of the result, which is all ISO C promises. strlcpy() is
 * not in Debian 12's glibc, so its results are spelled out.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "harness.h"
#include "host_rename.h"
#include <toro/string.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

#define MEM_MAX 80 /* longer than any unrolled or chunked path */
#define ALIGN_MAX 8
#define GUARD 0x5a
#define BUF_SIZE (MEM_MAX + 2 * ALIGN_MAX + 16)

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Fills @buf with a pattern that differs at every offset and from GUARD. */
static void fill_pattern(unsigned char *buf, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++) {
		buf[i] = (unsigned char)(seed + i * 7 + 1);
		if (buf[i] == GUARD) {
			buf[i]++;
		}
	}
}

static void test_memcpy_memset(void)
{
	unsigned char src[BUF_SIZE], want[BUF_SIZE], got[BUF_SIZE];

	for (size_t dst_off = 0; dst_off < ALIGN_MAX; dst_off++) {
		for (size_t src_off = 0; src_off < ALIGN_MAX; src_off++) {
			bool ok = true;

			for (size_t n = 0; n <= MEM_MAX; n++) {
				fill_pattern(src, sizeof(src), (unsigned char)n);
				memset(want, GUARD, sizeof(want));
				memset(got, GUARD, sizeof(got));
				memcpy(want + dst_off, src + src_off, n);
				ok = toro_memcpy(got + dst_off, src + src_off, n) ==
					     got + dst_off &&
				     ok;
				ok = memcmp(want, got, sizeof(got)) == 0 && ok;
			}
			CHECK_MSG(ok, "memcpy dst_off %zu src_off %zu", dst_off, src_off);
		}
	}
	for (size_t off = 0; off < ALIGN_MAX; off++) {
		static const int values[] = {0, 0xff, 0x5a, 0x1ab, -1};

		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			bool ok = true;

			for (size_t n = 0; n <= MEM_MAX; n++) {
				memset(want, GUARD, sizeof(want));
				memset(got, GUARD, sizeof(got));
				memset(want + off, values[v], n);
				ok = toro_memset(got + off, values[v], n) == got + off && ok;
				ok = memcmp(want, got, sizeof(got)) == 0 && ok;
			}
			CHECK_MSG(ok, "memset off %zu value %#x", off, values[v]);
		}
	}
}

static void test_memmove(void)
{
	unsigned char want[BUF_SIZE], got[BUF_SIZE];
	const size_t base = ALIGN_MAX;

	/* Every overlap: destination from 8 bytes below to 8 above the source. */
	for (size_t dst = base - ALIGN_MAX; dst <= base + ALIGN_MAX; dst++) {
		bool ok = true;

		for (size_t n = 0; n <= MEM_MAX; n++) {
			fill_pattern(want, sizeof(want), 3);
			fill_pattern(got, sizeof(got), 3);
			memmove(want + dst, want + base, n);
			ok = toro_memmove(got + dst, got + base, n) == got + dst && ok;
			ok = memcmp(want, got, sizeof(got)) == 0 && ok;
		}
		CHECK_MSG(ok, "memmove dst %zu src %zu", dst, base);
	}
}

static void test_memcmp_memchr(void)
{
	unsigned char a[MEM_MAX], b[MEM_MAX];

	fill_pattern(a, sizeof(a), 9);
	for (size_t n = 0; n <= MEM_MAX; n++) {
		CHECK_EQ(toro_memcmp(a, a, n), 0);
	}
	/* A difference at each position, both ways, with bytes above 0x7f (unsigned!). */
	for (size_t i = 0; i < MEM_MAX; i++) {
		static const unsigned char pairs[][2] = {{1, 2}, {0x7f, 0x80}, {0, 0xff}};

		for (size_t p = 0; p < 3; p++) {
			memcpy(b, a, sizeof(b));
			a[i] = pairs[p][0];
			b[i] = pairs[p][1];
			CHECK_EQ(sign(toro_memcmp(a, b, MEM_MAX)), sign(memcmp(a, b, MEM_MAX)));
			CHECK_EQ(sign(toro_memcmp(b, a, MEM_MAX)), sign(memcmp(b, a, MEM_MAX)));
			CHECK_EQ(toro_memcmp(a, b, i), 0);
		}
	}
	fill_pattern(a, sizeof(a), 0);
	for (int c = -1; c <= 0x100; c++) {
		for (size_t n = 0; n <= MEM_MAX; n += 13) {
			CHECK_MSG(toro_memchr(a, c, n) == memchr(a, c, n), "c %#x n %zu", c, n);
		}
	}
}

/* Strings that exercise empties, prefixes, case and bytes above 0x7f. */
static const char *const words[] = {
	"",	 "a",	   "A",	    "ab",   "abc",	"abd",	    "ABC",	 "aBc",
	"abcd",	 "b",	   "ba",    "\x80", "\xff",	"a\x80",    "a\x7f",	 "hello world",
	"hello", "Hello",  "HELLO", "help", "[",	"_",	    "`",	 "{",
	"@",	 "a b\tc", "zz",    "zZ",   "aaaaaaaa", "aaaaaaab", "tail\x80x", "12345",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static void test_lengths_and_compares(void)
{
	for (size_t i = 0; i < NWORDS; i++) {
		const char *a = words[i];

		CHECK_EQ(toro_strlen(a), strlen(a));
		for (size_t max = 0; max < 14; max++) {
			CHECK_EQ(toro_strnlen(a, max), strnlen(a, max));
		}
		for (size_t j = 0; j < NWORDS; j++) {
			const char *b = words[j];

			CHECK_MSG(sign(toro_strcmp(a, b)) == sign(strcmp(a, b)),
				  "strcmp \"%s\" \"%s\"", a, b);
			CHECK_MSG(sign(toro_strcasecmp(a, b)) == sign(strcasecmp(a, b)),
				  "strcasecmp \"%s\" \"%s\"", a, b);
			for (size_t n = 0; n < 6; n++) {
				CHECK_MSG(sign(toro_strncmp(a, b, n)) == sign(strncmp(a, b, n)),
					  "strncmp \"%s\" \"%s\" %zu", a, b, n);
				CHECK_MSG(sign(toro_strncasecmp(a, b, n)) ==
						  sign(strncasecmp(a, b, n)),
					  "strncasecmp \"%s\" \"%s\" %zu", a, b, n);
			}
		}
	}
	/* strnlen must not read past max, even without a NUL. */
	CHECK_EQ(toro_strnlen((const char[3]){'a', 'b', 'c'}, 3), 3);
}

static void test_copies(void)
{
	char want[32], got[32];

	for (size_t i = 0; i < NWORDS; i++) {
		const char *s = words[i];

		memset(want, GUARD, sizeof(want));
		memset(got, GUARD, sizeof(got));
		strcpy(want, s);
		CHECK(toro_strcpy(got, s) == got);
		CHECK_MEMEQ(got, want, sizeof(got));

		for (size_t n = 0; n < 16; n++) {
			memset(want, GUARD, sizeof(want));
			memset(got, GUARD, sizeof(got));
			strncpy(want, s, n);
			CHECK(toro_strncpy(got, s, n) == got);
			CHECK_MSG(memcmp(got, want, sizeof(got)) == 0, "strncpy \"%s\" %zu", s, n);
		}

		memset(want, GUARD, sizeof(want));
		memset(got, GUARD, sizeof(got));
		strcpy(want, "pre-");
		strcpy(got, "pre-");
		strcat(want, s);
		CHECK(toro_strcat(got, s) == got);
		CHECK_MEMEQ(got, want, sizeof(got));

		for (size_t n = 0; n < 14; n++) {
			memset(want, GUARD, sizeof(want));
			memset(got, GUARD, sizeof(got));
			strcpy(want, "x");
			strcpy(got, "x");
			strncat(want, s, n);
			CHECK(toro_strncat(got, s, n) == got);
			CHECK_MSG(memcmp(got, want, sizeof(got)) == 0, "strncat \"%s\" %zu", s, n);
		}
	}
}

static void test_strlcpy(void)
{
	char buf[8];

	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(toro_strlcpy(buf, "hello", 0), 5);
	CHECK_EQ((unsigned char)buf[0], GUARD);
	CHECK_EQ(toro_strlcpy(NULL, "hello", 0), 5);

	CHECK_EQ(toro_strlcpy(buf, "hello", 1), 5);
	CHECK_STREQ(buf, "");
	CHECK_EQ(toro_strlcpy(buf, "hello", 5), 5);
	CHECK_STREQ(buf, "hell");
	CHECK_EQ(toro_strlcpy(buf, "hello", 6), 5);
	CHECK_STREQ(buf, "hello");
	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(toro_strlcpy(buf, "hi", sizeof(buf)), 2);
	CHECK_MEMEQ(buf, "hi\0\x5a\x5a\x5a\x5a\x5a", sizeof(buf));
	CHECK_EQ(toro_strlcpy(buf, "much too long", sizeof(buf)), 13);
	CHECK_STREQ(buf, "much to");
}

static void test_searches(void)
{
	static const char *const needles[] = {"",     "a",    "ab",    "abc",	      "bc",
					      "c",    "lo w", "world", "worlds",      "l",
					      "\x80", "aaab", "zz",    "hello world!"};
	static const char *const sets[] = {"", "a", "ab", " \t", "lo", "helo", "\x80\xff", "xyz"};

	for (size_t i = 0; i < NWORDS; i++) {
		const char *s = words[i];

		for (int c = -1; c <= 0x100; c++) {
			CHECK_MSG(toro_strchr(s, c) == strchr(s, c), "strchr \"%s\" %#x", s, c);
			CHECK_MSG(toro_strrchr(s, c) == strrchr(s, c), "strrchr \"%s\" %#x", s, c);
		}
		for (size_t n = 0; n < sizeof(needles) / sizeof(needles[0]); n++) {
			CHECK_MSG(toro_strstr(s, needles[n]) == strstr(s, needles[n]),
				  "strstr \"%s\" \"%s\"", s, needles[n]);
		}
		for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
			CHECK_EQ(toro_strspn(s, sets[k]), strspn(s, sets[k]));
			CHECK_EQ(toro_strcspn(s, sets[k]), strcspn(s, sets[k]));
		}
	}
}

/* Splits @input with both implementations and compares every token and the end. */
static void check_strtok(const char *input, const char *delim)
{
	char a[64], b[64];
	char *save_a = NULL, *save_b = NULL;
	char *ta, *tb;
	bool first = true;

	strcpy(a, input);
	strcpy(b, input);
	do {
		ta = strtok_r(first ? a : NULL, delim, &save_a);
		tb = toro_strtok_r(first ? b : NULL, delim, &save_b);
		first = false;
		CHECK_MSG((ta == NULL) == (tb == NULL), "strtok_r \"%s\" \"%s\"", input, delim);
		if (ta && tb) {
			CHECK_EQ(tb - b, ta - a);
			CHECK_STREQ(tb, ta);
		}
	} while (ta && tb);
	/* Asking again after the end keeps returning NULL. */
	CHECK(toro_strtok_r(NULL, delim, &save_b) == NULL);
	CHECK_MEMEQ(a, b, strlen(input) + 1);
}

static void test_strtok_r(void)
{
	check_strtok("", " ");
	check_strtok("   ", " ");
	check_strtok("one", " ");
	check_strtok("one two  three", " ");
	check_strtok("  lead and trail  ", " ");
	check_strtok("a,b;;c,", ",;");
	check_strtok("GET /index.html HTTP/1.1", " ");
	check_strtok("no delimiters here", "");
	check_strtok("key=value&k2=v2", "=&");
}

int main(void)
{
	test_memcpy_memset();
	test_memmove();
	test_memcmp_memchr();
	test_lengths_and_compares();
	test_copies();
	test_strlcpy();
	test_searches();
	test_strtok_r();
	return harness_report();
}
