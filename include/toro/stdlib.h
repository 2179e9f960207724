/* SPDX-License-Identifier: MIT */
/*
 * <toro/stdlib.h> - number conversion and integer helpers of the Toro C library.
 *
 * Implemented in lib/stdlib.c. There is no errno yet: on overflow the strto*()
 * functions clamp to the limit of their type (LONG_MAX, LONG_MIN, ULONG_MAX, ...) and
 * do not set errno; an invalid base returns 0 with *endptr = nptr. No heap functions.
 */
#ifndef TORO_STDLIB_H
#define TORO_STDLIB_H

#include <stddef.h>

/**
 * strtol() - parse a long in @base (0 or 2..36) after optional white space and sign.
 * Base 0 picks 16 for "0x"/"0X", 8 for a leading "0", else 10; base 16 accepts "0x".
 * If @endptr is not NULL it gets the first unparsed byte (@nptr when there are no digits).
 * Returns the value, 0 when there are no digits, LONG_MAX/LONG_MIN on overflow.
 */
long strtol(const char *restrict nptr, char **restrict endptr, int base);

/** strtoll() - strtol() for long long. Returns LLONG_MAX/LLONG_MIN on overflow. */
long long strtoll(const char *restrict nptr, char **restrict endptr, int base);

/**
 * strtoul() - strtol() for unsigned long; a leading '-' negates the result in unsigned
 * arithmetic, as ISO C says. Returns ULONG_MAX when the magnitude overflows.
 */
unsigned long strtoul(const char *restrict nptr, char **restrict endptr, int base);

/** strtoull() - strtoul() for unsigned long long. Returns ULLONG_MAX on overflow. */
unsigned long long strtoull(const char *restrict nptr, char **restrict endptr, int base);

/** atoi() - returns (int)strtol(@nptr, NULL, 10); out-of-range values are truncated. */
int atoi(const char *nptr);

/** atol() - returns strtol(@nptr, NULL, 10). */
long atol(const char *nptr);

/** atoll() - returns strtoll(@nptr, NULL, 10). */
long long atoll(const char *nptr);

/** abs() - returns the absolute value of @n; abs(INT_MIN) is undefined, as in ISO C. */
int abs(int n);

/** labs() - abs() for long. */
long labs(long n);

/** llabs() - abs() for long long. */
long long llabs(long long n);

#endif /* TORO_STDLIB_H */
