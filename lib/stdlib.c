/* SPDX-License-Identifier: MIT */
/*
 * stdlib.c - string-to-number conversion and abs() of the Toro C library.
 *
 * All strto*() functions share parse_integer(), which follows ISO C11 7.22.1.4: white
 * space, an optional sign, an optional "0x" prefix (base 0 or 16), then the longest run
 * of digits valid in the base. It returns the magnitude; the callers clamp it to their
 * type. There is no errno yet, so overflow only clamps (LONG_MAX, ULONG_MAX, ...).
 */
#include <stdbool.h>
#include <toro/ctype.h>
#include <toro/stdlib.h>

/*
 * <limits.h> cannot be used: with -nostdinc, Debian's GCC copy chains to glibc's. The
 * compiler's predefined macros give the same limits.
 */
#define LONG_MAX __LONG_MAX__
#define LLONG_MAX __LONG_LONG_MAX__
#define ULONG_MAX (__LONG_MAX__ * 2UL + 1UL)
#define ULLONG_MAX (__LONG_LONG_MAX__ * 2ULL + 1ULL)

#define BASE_MAX 36 /* digits 0-9 then letters a-z */

struct parsed_integer {
	unsigned long long magnitude; /* meaningless if overflow */
	bool negative;
	bool overflow; /* the magnitude does not fit in unsigned long long */
};

/* Returns the value of digit @c, or BASE_MAX (too big for any base) if it is none. */
static int digit_value(int c)
{
	if (isdigit(c)) {
		return c - '0';
	}
	if (isalpha(c)) {
		return tolower(c) - 'a' + 10;
	}
	return BASE_MAX;
}

/* Skips an optional "0x"/"0X" and settles base 0. Returns where the digits start. */
static const char *parse_prefix(const char *s, int *base)
{
	bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit(s[2]);

	if ((*base == 0 || *base == 16) && hex_prefix) {
		*base = 16;
		return s + 2;
	}
	if (*base == 0) {
		*base = s[0] == '0' ? 8 : 10;
	}
	return s;
}

static struct parsed_integer parse_integer(const char *nptr, char **endptr, int base)
{
	struct parsed_integer r = {0, false, false};
	const char *s = nptr;
	const char *digits;
	int d;

	if (base < 0 || base == 1 || base > BASE_MAX) {
		goto out_no_digits;
	}
	while (isspace(*s)) {
		s++;
	}
	if (*s == '-' || *s == '+') {
		r.negative = *s++ == '-';
	}
	s = digits = parse_prefix(s, &base);
	for (; (d = digit_value(*s)) < base; s++) {
		if (r.magnitude > (ULLONG_MAX - (unsigned)d) / (unsigned)base) {
			r.overflow = true;
		}
		r.magnitude = r.magnitude * (unsigned)base + (unsigned)d;
	}
	if (s == digits) {
		goto out_no_digits;
	}
	if (endptr) {
		*endptr = (char *)s;
	}
	return r;

out_no_digits:
	if (endptr) {
		*endptr = (char *)nptr;
	}
	return (struct parsed_integer){0, false, false};
}

/* Clamps @r to [-@max - 1, @max] and negates without overflowing. */
static long long to_signed(struct parsed_integer r, long long max)
{
	unsigned long long limit = (unsigned long long)max;

	if (!r.negative) {
		return r.overflow || r.magnitude > limit ? max : (long long)r.magnitude;
	}
	if (r.overflow || r.magnitude > limit) {
		return -max - 1;
	}
	return -(long long)r.magnitude;
}

/* Clamps @r to @max; a negative number wraps as ISO C asks ("-1" is @max). */
static unsigned long long to_unsigned(struct parsed_integer r, unsigned long long max)
{
	if (r.overflow || r.magnitude > max) {
		return max;
	}
	return r.negative ? (0 - r.magnitude) & max : r.magnitude;
}

long strtol(const char *restrict nptr, char **restrict endptr, int base)
{
	return (long)to_signed(parse_integer(nptr, endptr, base), LONG_MAX);
}

long long strtoll(const char *restrict nptr, char **restrict endptr, int base)
{
	return to_signed(parse_integer(nptr, endptr, base), LLONG_MAX);
}

unsigned long strtoul(const char *restrict nptr, char **restrict endptr, int base)
{
	return (unsigned long)to_unsigned(parse_integer(nptr, endptr, base), ULONG_MAX);
}

unsigned long long strtoull(const char *restrict nptr, char **restrict endptr, int base)
{
	return to_unsigned(parse_integer(nptr, endptr, base), ULLONG_MAX);
}

int atoi(const char *nptr)
{
	return (int)strtol(nptr, NULL, 10);
}

long atol(const char *nptr)
{
	return strtol(nptr, NULL, 10);
}

long long atoll(const char *nptr)
{
	return strtoll(nptr, NULL, 10);
}

int abs(int n)
{
	return n < 0 ? -n : n;
}

long labs(long n)
{
	return n < 0 ? -n : n;
}

long long llabs(long long n)
{
	return n < 0 ? -n : n;
}
