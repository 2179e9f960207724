/* SPDX-License-Identifier: MIT */
/*
 * test_stdlib.c - lib/stdlib.c against glibc's strto*() as the oracle.
 *
 * Each input is parsed in each valid base by both; the value and where *endptr points
 * must agree. Overflow must clamp exactly where glibc returns ERANGE. Invalid bases,
 * where glibc leaves *endptr alone, are checked against Toro's documented behaviour.
 */
#include <limits.h>
#include <stdlib.h>

#include "harness.h"
#include "host_rename.h"
#include <toro/stdlib.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

static const char *const inputs[] = {
	"",
	" ",
	"0",
	"-0",
	"+0",
	"7",
	"42",
	"  -42abc",
	"\t\n\v\f\r +17 ",
	"+-1",
	"-+1",
	"- 1",
	"--1",
	"1e5",
	"0x",
	"0X",
	"0x1g",
	"0xg",
	"0X1F",
	"-0x10",
	"  0x7fffffff",
	"0777",
	"08",
	"09",
	"0b101",
	"101",
	"z",
	"Z",
	"zz",
	"Zz!",
	"123456789abcdefghijklmnopqrstuvwxyz",
	"9223372036854775807",
	"9223372036854775808",
	"-9223372036854775808",
	"-9223372036854775809",
	"18446744073709551615",
	"18446744073709551616",
	"-18446744073709551615",
	"-18446744073709551616",
	"-1",
	"99999999999999999999999999999999",
	"-99999999999999999999999999999999",
	"0x7fffffffffffffff",
	"0x8000000000000000",
	"-0x8000000000000000",
	"0xffffffffffffffff",
	"0x10000000000000000",
	"01777777777777777777777",
	"02000000000000000000000",
	"1111111111111111111111111111111111111111111111111111111111111111",
	"10000000000000000000000000000000000000000000000000000000000000000",
	"3w5e11264sgsf",
	"3w5e11264sgsg",
	"\x80"
	"1",
	"1\x80",
};

static const int bases[] = {0, 2, 3, 8, 10, 16, 17, 35, 36};

#define NINPUTS (sizeof(inputs) / sizeof(inputs[0]))
#define NBASES (sizeof(bases) / sizeof(bases[0]))

static void test_strtol_family(void)
{
	for (size_t i = 0; i < NINPUTS; i++) {
		const char *s = inputs[i];

		for (size_t b = 0; b < NBASES; b++) {
			int base = bases[b];
			char *want_end, *got_end;

			CHECK_MSG(toro_strtol(s, &got_end, base) == strtol(s, &want_end, base) &&
					  got_end == want_end,
				  "strtol(\"%s\", %d)", s, base);
			CHECK_MSG(toro_strtoll(s, &got_end, base) == strtoll(s, &want_end, base) &&
					  got_end == want_end,
				  "strtoll(\"%s\", %d)", s, base);
			CHECK_MSG(toro_strtoul(s, &got_end, base) == strtoul(s, &want_end, base) &&
					  got_end == want_end,
				  "strtoul(\"%s\", %d)", s, base);
			CHECK_MSG(toro_strtoull(s, &got_end, base) ==
						  strtoull(s, &want_end, base) &&
					  got_end == want_end,
				  "strtoull(\"%s\", %d)", s, base);
			/* A NULL endptr is allowed. */
			CHECK_EQ(toro_strtol(s, NULL, base), strtol(s, NULL, base));
		}
	}
}

static void test_invalid_base(void)
{
	static const int bad[] = {-1, 1, 37, 100, INT_MIN};
	const char *s = "  123";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *end = NULL;

		CHECK_EQ(toro_strtol(s, &end, bad[i]), 0);
		CHECK(end == s);
		CHECK_EQ(toro_strtoull(s, &end, bad[i]), 0);
		CHECK(end == s);
	}
}

static void test_ato(void)
{
	static const char *const in_range[] = {
		"0", "12", "-12", " +7x", "2147483647", "-2147483648", "junk", "", "  -00099"};

	for (size_t i = 0; i < sizeof(in_range) / sizeof(in_range[0]); i++) {
		const char *s = in_range[i];

		CHECK_MSG(toro_atoi(s) == atoi(s), "atoi(\"%s\")", s);
		CHECK_MSG(toro_atol(s) == atol(s), "atol(\"%s\")", s);
		CHECK_MSG(toro_atoll(s) == atoll(s), "atoll(\"%s\")", s);
	}
	CHECK_EQ(toro_atol("-9223372036854775808"), LONG_MIN);
	CHECK_EQ(toro_atoll("99999999999999999999"), LLONG_MAX);
}

static void test_abs(void)
{
	CHECK_EQ(toro_abs(0), 0);
	CHECK_EQ(toro_abs(-5), 5);
	CHECK_EQ(toro_abs(5), 5);
	CHECK_EQ(toro_abs(-INT_MAX), INT_MAX);
	CHECK_EQ(toro_labs(LONG_MIN + 1), LONG_MAX);
	CHECK_EQ(toro_labs(-3L), 3L);
	CHECK_EQ(toro_llabs(LLONG_MIN + 1), LLONG_MAX);
	CHECK_EQ(toro_llabs(42LL), 42LL);
}

int main(void)
{
	test_strtol_family();
	test_invalid_base();
	test_ato();
	test_abs();
	return harness_report();
}
