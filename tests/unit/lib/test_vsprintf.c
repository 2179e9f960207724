/* SPDX-License-Identifier: MIT */
/*
 * test_vsprintf.c - lib/vsprintf.c against glibc's snprintf() as the oracle.
 *
 * Every integer conversion is run through the cross product of flags, widths,
 * precisions and length modifiers over a set of edge values; hand-written tables cover
 * %s, %c, %p, '*', literal text and several directives in one format, each also checked
 * at every truncated buffer size. Where Toro deliberately differs from glibc (NULL %p,
 * unknown conversions, no floating point) the expected text is spelled out.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "host_rename.h"
#include <toro/stdio.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

#define OUT_MAX 512
#define CANARY 0xa5

/*
 * Checks that Toro's vsnprintf() with every size from 0 to @len + 1 returns @len, writes
 * the first size - 1 bytes of @want and a NUL, and nothing past size.
 */
static void check_truncation(const char *file, int line, const char *fmt, const char *want, int len,
			     va_list ap)
{
	unsigned char buf[OUT_MAX + 8];

	for (size_t size = 0; size <= (size_t)len + 1; size++) {
		size_t kept = size == 0 ? 0 : ((size_t)len < size - 1 ? (size_t)len : size - 1);
		bool ok;
		va_list aq;
		int ret;

		memset(buf, CANARY, sizeof(buf));
		va_copy(aq, ap);
		ret = toro_vsnprintf(size == 0 ? NULL : (char *)buf, size, fmt, aq);
		va_end(aq);
		ok = ret == len && memcmp(buf, want, kept) == 0;
		if (size > 0) {
			ok = ok && buf[kept] == '\0';
		}
		for (size_t i = size; i < sizeof(buf); i++) {
			ok = ok && buf[i] == CANARY;
		}
		harness_check(ok, file, line, "format \"%s\" truncated to size %zu (returned %d)",
			      fmt, size, ret);
	}
}

/* Both outputs of one format, for comparing and for showing a difference. */
struct comparison {
	char want[OUT_MAX]; /* glibc's */
	char got[OUT_MAX];  /* Toro's */
	int want_len;
	int got_len;
};

/* Formats with glibc and with Toro. Returns whether text and return value agree. */
static bool compare_with_glibc(struct comparison *c, const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	c->want_len = vsnprintf(c->want, sizeof(c->want), fmt, aq);
	va_end(aq);
	va_copy(aq, ap);
	c->got_len = toro_vsnprintf(c->got, sizeof(c->got), fmt, aq);
	va_end(aq);
	return c->want_len == c->got_len && c->want_len >= 0 && c->want_len < OUT_MAX &&
	       memcmp(c->want, c->got, (size_t)c->want_len + 1) == 0;
}

/* One counted check: Toro agrees with glibc, in full and at every truncated size. */
static void check_against_glibc(const char *file, int line, const char *fmt, va_list ap)
{
	struct comparison c;
	bool ok = compare_with_glibc(&c, fmt, ap);

	if (!harness_check(ok, file, line, "format \"%s\": glibc returned %d, toro %d", fmt,
			   c.want_len, c.got_len)) {
		harness_show_bytes_pair(c.got, c.want, strnlen(c.want, OUT_MAX - 1));
		return;
	}
	check_truncation(file, line, fmt, c.want, c.want_len, ap);
}

/* One comparison of a literal format (so -Wformat checks the arguments). */
__attribute__((format(__printf__, 3, 4))) static void check_fmt(const char *file, int line,
								const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_against_glibc(file, line, fmt, ap);
	va_end(ap);
}

#define FMT(...) check_fmt(__FILE__, __LINE__, __VA_ARGS__)

/* check_fmt() for formats -Wformat rejects but glibc defines, e.g. a precision on %p. */
static void check_fmt_odd(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_against_glibc(file, line, fmt, ap);
	va_end(ap);
}

#define FMT_ODD(...) check_fmt_odd(__FILE__, __LINE__, __VA_ARGS__)

/* A comparison that is not counted: the caller counts a whole group. */
static bool same_as_glibc(struct comparison *c, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = compare_with_glibc(c, fmt, ap);
	va_end(ap);
	return ok;
}

/* Formats with Toro only, for behaviour glibc does not share. */
static void check_toro(const char *file, int line, const char *want, const char *fmt, ...)
{
	char got[OUT_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = toro_vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (!harness_check(ret == (int)strlen(want) && strcmp(got, want) == 0, file, line,
			   "format \"%s\" returned %d", fmt, ret)) {
		harness_show_pair(got, want);
	}
}

#define TORO(want, ...) check_toro(__FILE__, __LINE__, want, __VA_ARGS__)

static const long long edge_values[] = {
	0,     1,     -1,      7,	8,	  10,	     15,	16,
	127,   128,   255,     256,	-128,	  -129,	     32767,	32768,
	65535, 65536, INT_MAX, INT_MIN, UINT_MAX, LLONG_MAX, LLONG_MIN, 0x123456789abcdefLL,
};

/* Passes @v as the argument type that @length ("hh" ... "j") expects. */
static bool compare_integer(struct comparison *c, const char *fmt, const char *length, long long v)
{
	if (!strcmp(length, "l")) {
		return same_as_glibc(c, fmt, (long)v);
	}
	if (!strcmp(length, "ll")) {
		return same_as_glibc(c, fmt, v);
	}
	if (!strcmp(length, "z")) {
		return same_as_glibc(c, fmt, (size_t)v);
	}
	if (!strcmp(length, "t")) {
		return same_as_glibc(c, fmt, (ptrdiff_t)v);
	}
	if (!strcmp(length, "j")) {
		return same_as_glibc(c, fmt, (intmax_t)v);
	}
	return same_as_glibc(c, fmt, (int)v); /* "", "h" and "hh" take a promoted int */
}

/* One counted check: @fmt agrees with glibc for every edge value. */
static void check_integer_format(const char *fmt, const char *length)
{
	struct comparison c;

	for (size_t v = 0; v < sizeof(edge_values) / sizeof(edge_values[0]); v++) {
		if (!compare_integer(&c, fmt, length, edge_values[v])) {
			CHECK_MSG(false,
				  "format \"%s\" of %lld: glibc \"%s\" (%d), toro \"%s\" (%d)", fmt,
				  edge_values[v], c.want, c.want_len, c.got, c.got_len);
			return;
		}
	}
	CHECK(true);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The cross product: one counted check per format, over every edge value. */
static void test_integer_matrix(void)
{
	static const char *const flags[] = {"",	  "-",	"0",  "+",  " ",  "#",	"-0",
					    "+ ", "-+", "0+", "# ", "#0", "-#", "-+ #0"};
	static const char *const widths[] = {"", "1", "5", "23"};
	static const char *const precisions[] = {"", ".", ".0", ".1", ".4", ".21"};
	static const char *const lengths[] = {"hh", "h", "", "l", "ll", "z", "t", "j"};
	static const char conversions[] = "diuxXo";
	const size_t nconversions = sizeof(conversions) - 1;
	const size_t total = ARRAY_SIZE(flags) * ARRAY_SIZE(widths) * ARRAY_SIZE(precisions) *
			     ARRAY_SIZE(lengths) * nconversions;

	/* One index walks all combinations, like the digits of a mixed-radix number. */
	for (size_t i = 0; i < total; i++) {
		size_t k = i;
		const char *flag = flags[k % ARRAY_SIZE(flags)];
		const char *width = widths[(k /= ARRAY_SIZE(flags)) % ARRAY_SIZE(widths)];
		const char *precision =
			precisions[(k /= ARRAY_SIZE(widths)) % ARRAY_SIZE(precisions)];
		const char *length = lengths[(k /= ARRAY_SIZE(precisions)) % ARRAY_SIZE(lengths)];
		char conversion = conversions[(k /= ARRAY_SIZE(lengths)) % nconversions];
		char fmt[64];

		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flag, width, precision, length,
			 conversion);
		check_integer_format(fmt, length);
	}
}

static void test_integers(void)
{
	FMT("%d", 0);
	FMT("%d", INT_MIN);
	FMT("%i", INT_MAX);
	FMT("%u", UINT_MAX);
	FMT("%x %X %o", 0xdeadbeefU, 0xdeadbeefU, 0777U);
	FMT("%#x %#X %#o", 0xbeefU, 0xbeefU, 8U);
	FMT("%#x %#o %#.0o %#.0x", 0U, 0U, 0U, 0U);
	FMT("%.0d|%.0u|%.0x|%5.0d|%-5.0d|", 0, 0U, 0U, 0, 0);
	FMT("%lld %lld", LLONG_MIN, LLONG_MAX);
	FMT("%llu %llx", ULLONG_MAX, ULLONG_MAX);
	FMT("%ld %lu", LONG_MIN, ULONG_MAX);
	FMT("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	FMT("%zu %zx %zd", SIZE_MAX, SIZE_MAX, (size_t)-5);
	FMT("%td %tu", PTRDIFF_MIN, (ptrdiff_t)-1);
	FMT("%hhd %hhu %hhx", 300, 300, -1);
	FMT("%hd %hu %hx", 0x12345, 0x18000, -2);
	FMT("%+d % d %+d % d", 5, 5, -5, -5);
	FMT_ODD("%+ d % +d", 7, 7);
	FMT("%08d|%-8d", -42, -42);
	FMT_ODD("%08.3d|%-08d", -42, -42);
	FMT("%#010x|%#-10x|%#10.4x", 0x1fU, 0x1fU, 0x1fU);
	FMT("%0+6d|%0 6d|%+.3d", 12, 12, 1);
	FMT("%.30d", -1);
	FMT("%45lld", LLONG_MIN);
}

static void test_star(void)
{
	FMT("%*d|%-*d|%*d", 6, 42, 6, 42, -6, 42);
	FMT("%.*d|%.*d|%.*d", 4, 7, 0, 0, -1, 0);
	FMT("%*.*x|%-*.*X", 10, 5, 0xabU, 10, 5, 0xabU);
	FMT("%0*d|%0*d", 8, -3, -8, -3);
	FMT("%.*s|%*s|%-*s|", 2, "abcdef", 5, "ab", 5, "ab");
	FMT("%*c|%-*c|", 4, 'x', 4, 'y');
}

static void test_strings(void)
{
	static const char unterminated[3] = {'a', 'b', 'c'};
	const char *null = NULL;

	FMT("%s", "");
	FMT("%s", "hello");
	FMT("[%10s][%-10s][%.3s][%10.3s][%-10.3s][%.0s][%.20s]", "hello", "hello", "hello", "hello",
	    "hello", "hello", "hello");
	FMT("%3s|%1s", "longer than width", "x");
	/* The precision bounds the read: ASan fails the test if we look past 3 bytes. */
	FMT("%.3s|%.2s", unterminated, unterminated);
	FMT_ODD("%s|%10s|%-10s|%.6s|%.3s|%.0s", null, null, null, null, null, null);
	FMT("%s and %s", "one", "two");
}

static void test_chars(void)
{
	char got[8];

	FMT("%c%c%c", 'a', 'b', 'c');
	FMT("[%3c][%-3c][%1c]", 'x', 'y', 'z');
	FMT("%c", 255);
	FMT("%c", 'a' + 256);
	/* %c of 0 writes a NUL inside the output; compare the raw bytes. */
	CHECK_EQ(toro_snprintf(got, sizeof(got), "a%cb", 0), 3);
	CHECK_MEMEQ(got, "a\0b", 4);
}

static void test_pointers(void)
{
	int object;

	FMT("%p", (void *)&object);
	FMT("%p", (void *)1);
	FMT("%p", (void *)UINTPTR_MAX);
	FMT("[%30p][%-30p][%5p]", (void *)&object, (void *)&object, (void *)0x1234);
	FMT_ODD("[%.20p][%010p][%#p][%-#20.10p]", (void *)0x1234, (void *)0x1234, (void *)0x1234,
		(void *)0x1234);
	/* glibc prints "(nil)"; Toro prints the value like any other. */
	TORO("0x0", "%p", NULL);
	TORO("[     0x0]", "[%8p]", NULL);
	TORO("0xabcdef", "%p", (void *)0xabcdef);
}

static void test_literal_text(void)
{
	FMT("%s", "");
	FMT("plain text without directives");
	FMT("100%% sure, %d%%", 99);
	FMT("%%%%%%");
	FMT("a%db%sc%xd%%e", 1, "two", 3U);
	FMT("%d %d %d %d %d %d %d %d %d %d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	FMT("tabs\tand\nnewlines %d\n", -1);
	FMT("%s", "a string longer than the sixty-four bytes of one padding chunk, to be sure");
	FMT("[%100d]", 5);
	FMT("[%-70s]", "x");
	FMT("[%.80d]", 5);
}

/* A format that is not a literal, so -Wformat leaves deliberately odd ones alone. */
__attribute__((noinline)) static const char *odd(const char *fmt)
{
	return fmt;
}

static void test_unknown_conversions(void)
{
	TORO("%q", odd("%q"), 0);
	TORO("a%qb", odd("a%qb"), 0);
	TORO("[%5.2q]", odd("[%5.2q]"), 0);
	TORO("%f %e %g %a", odd("%f %e %g %a"), 0);
	TORO("%.2f", odd("%.2f"), 0);
	TORO("%Lf", odd("%Lf"), 0);
	TORO("%n", odd("%n"), 0);
	TORO("%ls %lc %hp", odd("%ls %lc %hp"), 0);
	TORO("abc%", odd("abc%"), 0);
	TORO("%", odd("%"), 0);
	TORO("%-08.3l", odd("%-08.3l"), 0);
	/* An unknown directive does not disturb the ones after it. */
	TORO("%y 7 ok", odd("%y %d %s"), 7, "ok");
	/* '*' in an unknown directive still takes its int. */
	TORO("%*q 9", odd("%*q %d"), 5, 9);
	/* '%' with flags still prints one '%'. */
	TORO("%", odd("%5%"), 0);
}

static void test_sizes(void)
{
	char buf[16];

	CHECK_EQ(toro_snprintf(NULL, 0, "%d", 12345), 5);
	CHECK_EQ(toro_snprintf(buf, SIZE_MAX, "%s-%d", "big", 1), 5);
	CHECK_STREQ(buf, "big-1");
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(toro_snprintf(buf, 1, "%s", "abc"), 3);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], 'x');
	CHECK_EQ(toro_snprintf(buf, 4, "%s", "abc"), 3);
	CHECK_STREQ(buf, "abc");
	CHECK_EQ(toro_snprintf(buf, 3, "%s", "abc"), 3);
	CHECK_STREQ(buf, "ab");
	/* Absurd widths from the format clamp instead of overflowing int. */
	CHECK_EQ(toro_snprintf(buf, sizeof(buf), odd("%99999999999999999999d"), 1), INT_MAX);
}

struct emit_log {
	int calls;
	size_t bytes;
	size_t first_len;
	char text[OUT_MAX];
};

static void log_emit(void *ctx, const char *s, size_t n)
{
	struct emit_log *log = ctx;

	CHECK(n > 0);
	if (log->calls++ == 0) {
		log->first_len = n;
	}
	if (log->bytes + n < sizeof(log->text)) {
		memcpy(log->text + log->bytes, s, n);
	}
	log->bytes += n;
	log->text[log->bytes < sizeof(log->text) ? log->bytes : 0] = '\0';
}

static int format_to_log(struct emit_log *log, const char *fmt, ...)
{
	va_list ap;
	int ret;

	memset(log, 0, sizeof(*log));
	va_start(ap, fmt);
	ret = toro_vformat(log_emit, log, fmt, ap);
	va_end(ap);
	return ret;
}

/* Counts bytes and drops them, to measure outputs too large for any buffer. */
static void null_emit(void *ctx, const char *s, size_t n)
{
	(void)s;
	*(size_t *)ctx += n;
}

static int format_to_null(size_t *total, const char *fmt, ...)
{
	va_list ap;
	int ret;

	*total = 0;
	va_start(ap, fmt);
	ret = toro_vformat(null_emit, total, fmt, ap);
	va_end(ap);
	return ret;
}

static void test_vformat(void)
{
	struct emit_log log;
	size_t total;

	/* Literal text comes in one call, however long. */
	CHECK_EQ(format_to_log(&log, "a literal run of forty-two bytes, no more."), 42);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.first_len, 42);

	CHECK_EQ(format_to_log(&log, "Hello, %s! You are %d.\n", "world", 42), 26);
	CHECK_STREQ(log.text, "Hello, world! You are 42.\n");
	CHECK_EQ(log.first_len, strlen("Hello, "));
	CHECK(log.calls <= 5);

	CHECK_EQ(format_to_log(&log, ""), 0);
	CHECK_EQ(log.calls, 0);

	/* The count saturates at INT_MAX instead of overflowing. */
	CHECK_EQ(format_to_null(&total, "%*d%*d", INT_MAX, 1, 2, 3), INT_MAX);
	CHECK_EQ(total, (size_t)INT_MAX + 2);
}

int main(void)
{
	test_integers();
	test_integer_matrix();
	test_star();
	test_strings();
	test_chars();
	test_pointers();
	test_literal_text();
	test_unknown_conversions();
	test_sizes();
	test_vformat();
	return harness_report();
}
