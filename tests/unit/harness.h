/* SPDX-License-Identifier: MIT */
/*
 * harness.h - the checks every host unit test uses (tests/unit/<subsys>/test_*.c).
 *
 * A test is a plain program: main() calls its test functions, which use the CHECK*()
 * macros, and ends with "return harness_report();". A failed check prints its file,
 * line, expression and values and the test carries on, so one run shows every failure.
 * harness_report() prints the line unit.mk sums up:
 *
 *	unit-result: <passed> passed, <failed> failed
 *
 * and returns the exit status (non-zero if anything failed). A binary that crashes
 * before printing that line counts as failed; see unit.mk.
 */
#ifndef TORO_UNIT_HARNESS_H
#define TORO_UNIT_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* After this many failures only the count goes on, so a broken engine stays readable. */
#define HARNESS_SHOWN_MAX 30

struct harness_state {
	unsigned long passed;
	unsigned long failed;
};

static struct harness_state harness;

/* Counts one check; on failure prints "file:line: what" and the printf-style details. */
__attribute__((format(__printf__, 4, 5), unused)) static bool
harness_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		harness.passed++;
		return true;
	}
	if (++harness.failed <= HARNESS_SHOWN_MAX) {
		printf("FAIL %s:%d: ", file, line);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	} else if (harness.failed == HARNESS_SHOWN_MAX + 1) {
		printf("(further failures are counted but not shown)\n");
	}
	return false;
}

/* Prints @s (@n bytes) as a C string literal, so NULs and control bytes are visible. */
__attribute__((unused)) static void harness_print_bytes(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			printf("\\%c", c);
		} else if (c >= 0x20 && c < 0x7f) {
			putchar(c);
		} else {
			printf("\\x%02x", c);
		}
	}
	putchar('"');
}

/* Called last from main(). Returns the exit status: 0 if every check passed. */
__attribute__((unused)) static int harness_report(void)
{
	printf("unit-result: %lu passed, %lu failed\n", harness.passed, harness.failed);
	fflush(stdout);
	return harness.failed ? 1 : 0;
}

/* CHECK(cond): @cond must be true. */
#define CHECK(cond) harness_check(!!(cond), __FILE__, __LINE__, "CHECK(%s)", #cond)

/* CHECK_MSG(cond, fmt, ...): CHECK() that also prints a printf-style context on failure. */
#define CHECK_MSG(cond, fmt, ...)                                                                  \
	harness_check(!!(cond), __FILE__, __LINE__, "CHECK(%s): " fmt, #cond, __VA_ARGS__)

/*
 * CHECK_EQ(a, b): integers (or pointers cast to uintptr_t) compare equal. Both are
 * converted to long long, which is exact for every integer type up to 64 bits.
 */
#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long a_ = (long long)(a);                                                     \
		long long b_ = (long long)(b);                                                     \
		harness_check(a_ == b_, __FILE__, __LINE__,                                        \
			      "CHECK_EQ(%s, %s): %lld (%#llx) != %lld (%#llx)", #a, #b, a_,        \
			      (unsigned long long)a_, b_, (unsigned long long)b_);                 \
	} while (0)

/* CHECK_STREQ(a, b): two NUL-terminated strings are equal; either may be NULL. */
#define CHECK_STREQ(a, b)                                                                          \
	do {                                                                                       \
		const char *a_ = (a);                                                              \
		const char *b_ = (b);                                                              \
		bool eq_ = a_ == b_ || (a_ && b_ && strcmp(a_, b_) == 0);                          \
		if (!harness_check(eq_, __FILE__, __LINE__, "CHECK_STREQ(%s, %s)", #a, #b)) {      \
			harness_show_pair(a_, b_);                                                 \
		}                                                                                  \
	} while (0)

/* CHECK_MEMEQ(a, b, n): @n bytes at @a and @b are equal. */
#define CHECK_MEMEQ(a, b, n)                                                                       \
	do {                                                                                       \
		const char *a_ = (const char *)(a);                                                \
		const char *b_ = (const char *)(b);                                                \
		size_t n_ = (n);                                                                   \
		if (!harness_check(memcmp(a_, b_, n_) == 0, __FILE__, __LINE__,                    \
				   "CHECK_MEMEQ(%s, %s, %zu)", #a, #b, n_)) {                      \
			harness_show_bytes_pair(a_, b_, n_);                                       \
		}                                                                                  \
	} while (0)

/* Prints the two sides of a failed string check, if this failure is being shown. */
__attribute__((unused)) static void harness_show_bytes_pair(const char *a, const char *b, size_t n)
{
	if (harness.failed > HARNESS_SHOWN_MAX) {
		return;
	}
	printf("    left:  ");
	harness_print_bytes(a, n);
	printf("\n    right: ");
	harness_print_bytes(b, n);
	putchar('\n');
}

__attribute__((unused)) static void harness_show_pair(const char *a, const char *b)
{
	if (harness.failed > HARNESS_SHOWN_MAX) {
		return;
	}
	printf("    left:  ");
	if (a) {
		harness_print_bytes(a, strlen(a));
	} else {
		printf("NULL");
	}
	printf("\n    right: ");
	if (b) {
		harness_print_bytes(b, strlen(b));
	} else {
		printf("NULL");
	}
	putchar('\n');
}

#endif /* TORO_UNIT_HARNESS_H */
