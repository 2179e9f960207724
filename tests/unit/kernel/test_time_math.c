/*
 * test_time_math.c - kernel/time_math.c: calendar conversions against a table
 * of known dates and against glibc's timegm()/gmtime_r() over random times;
 * the mul/shift scales and the 128-bit multiply-divide against exact 128-bit
 * arithmetic over random inputs; the pvclock scale; counter unwrapping.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "harness.h"
#include <kernel/errno.h>
#include <kernel/time.h>

#define UNIX_MAX 253402300799LL /* 9999-12-31 23:59:59 */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: reproducible, so a failure can be replayed. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_range(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

struct known_date {
	int y, mo, d, h, mi, s;
	int64_t t;
	int weekday;
};

static const struct known_date known[] = {
	{1970, 1, 1, 0, 0, 0, 0, 4},
	{1972, 2, 29, 0, 0, 0, 68169600, 2},
	{1999, 12, 31, 23, 59, 59, 946684799, 5},
	{2000, 1, 1, 0, 0, 0, 946684800, 6},
	{2000, 2, 29, 12, 0, 0, 951825600, 2},
	{2000, 3, 1, 0, 0, 0, 951868800, 3},
	{2004, 2, 29, 0, 0, 0, 1078012800, 0},
	{2024, 12, 31, 23, 59, 59, 1735689599, 2},
	{2031, 5, 6, 7, 8, 9, 1935817689, 2},
	{2038, 1, 19, 3, 14, 7, 2147483647, 2},
	{2038, 1, 19, 3, 14, 8, 2147483648, 2},
	{2100, 2, 28, 23, 59, 59, 4107542399, 0},
	{2100, 3, 1, 0, 0, 0, 4107542400, 1},
	{2106, 2, 7, 6, 28, 16, 4294967296, 0},
	{2400, 2, 29, 0, 0, 0, 13574563200, 2},
	{9999, 12, 31, 23, 59, 59, UNIX_MAX, 5},
};

static void test_known_dates(void)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct known_date *k = &known[i];
		struct time_date d = {k->y, k->mo, k->d, k->h, k->mi, k->s, 0, 0};
		struct time_date back;
		int64_t t = -1;

		CHECK_EQ(time_date_to_unix(&d, &t), 0);
		CHECK_MSG(t == k->t, "%04d-%02d-%02d: %lld, want %lld", k->y, k->mo, k->d,
			  (long long)t, (long long)k->t);
		CHECK_EQ(time_unix_to_date(k->t, &back), 0);
		CHECK_EQ(back.year, k->y);
		CHECK_EQ(back.month, k->mo);
		CHECK_EQ(back.day, k->d);
		CHECK_EQ(back.hour, k->h);
		CHECK_EQ(back.minute, k->mi);
		CHECK_EQ(back.second, k->s);
		CHECK_EQ(back.weekday, k->weekday);
	}
}

static void test_invalid_dates(void)
{
	static const struct time_date bad[] = {
		{2100, 2, 29, 0, 0, 0, 0, 0}, /* 2100 is not a leap year */
		{2023, 2, 29, 0, 0, 0, 0, 0}, {2024, 2, 30, 0, 0, 0, 0, 0},
		{2024, 4, 31, 0, 0, 0, 0, 0}, {2024, 13, 1, 0, 0, 0, 0, 0},
		{2024, 0, 1, 0, 0, 0, 0, 0},  {2024, 1, 0, 0, 0, 0, 0, 0},
		{2024, 1, 1, 24, 0, 0, 0, 0}, {2024, 1, 1, 0, 60, 0, 0, 0},
		{2024, 1, 1, 0, 0, 60, 0, 0}, {1969, 12, 31, 23, 59, 59, 0, 0},
		{10000, 1, 1, 0, 0, 0, 0, 0}, {2024, 1, 1, -1, 0, 0, 0, 0},
	};
	struct time_date d;
	int64_t t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_MSG(time_date_to_unix(&bad[i], &t) == -EINVAL, "entry %zu accepted", i);
	}
	CHECK_EQ(time_unix_to_date(-1, &d), -EINVAL);
	CHECK_EQ(time_unix_to_date(UNIX_MAX + 1, &d), -EINVAL);
	CHECK_EQ(time_unix_to_date(INT64_MAX, &d), -EINVAL);
}

/* Every field against glibc, and the round trip back to the same second. */
static void check_against_glibc(int64_t t)
{
	time_t gt = (time_t)t;
	struct tm tm;
	struct time_date d;
	int64_t back = -1;

	gmtime_r(&gt, &tm);
	CHECK_EQ(time_unix_to_date(t, &d), 0);
	if (d.year != tm.tm_year + 1900 || d.month != tm.tm_mon + 1 || d.day != tm.tm_mday ||
	    d.hour != tm.tm_hour || d.minute != tm.tm_min || d.second != tm.tm_sec ||
	    d.weekday != tm.tm_wday || d.yearday != tm.tm_yday) {
		CHECK_MSG(0, "t=%lld: %04d-%02d-%02d %02d:%02d:%02d wd %d yd %d", (long long)t,
			  d.year, d.month, d.day, d.hour, d.minute, d.second, d.weekday, d.yearday);
		return;
	}
	CHECK_EQ(time_date_to_unix(&d, &back), 0);
	CHECK_EQ(back, t);
	CHECK_EQ((int64_t)timegm(&tm), t);
}

static void test_random_dates_against_glibc(void)
{
	for (int i = 0; i < 200000; i++) {
		check_against_glibc((int64_t)rnd_range(0, UNIX_MAX));
	}
	/* Around every new year and leap day of 1970..2500, to the second. */
	for (int y = 1970; y <= 2500; y++) {
		struct time_date d = {y, 1, 1, 0, 0, 0, 0, 0};
		int64_t t;

		CHECK_EQ(time_date_to_unix(&d, &t), 0);
		check_against_glibc(t);
		if (t > 0) {
			check_against_glibc(t - 1);
		}
		d.month = 3;
		CHECK_EQ(time_date_to_unix(&d, &t), 0);
		check_against_glibc(t - 1);
		check_against_glibc(t);
	}
}

static void test_mul_div(void)
{
	CHECK_EQ(time_mul_div(10, 20, 3), 66);
	CHECK_EQ(time_mul_div(1, 1, 0), UINT64_MAX);
	CHECK(time_mul_div(UINT64_MAX, UINT64_MAX, UINT64_MAX) == UINT64_MAX);
	CHECK(time_mul_div(UINT64_MAX, 2, 1) == UINT64_MAX); /* overflows */
	for (int i = 0; i < 200000; i++) {
		uint64_t a = rnd() >> (rnd() % 64), b = rnd() >> (rnd() % 64);
		uint64_t c = (rnd() >> (rnd() % 64)) | 1;
		unsigned __int128 q = (unsigned __int128)a * b / c;
		uint64_t want = q >> 64 ? UINT64_MAX : (uint64_t)q;
		uint64_t got = time_mul_div(a, b, c);

		if (got != want) {
			CHECK_MSG(0, "%llu * %llu / %llu = %llu, want %llu", (unsigned long long)a,
				  (unsigned long long)b, (unsigned long long)c,
				  (unsigned long long)got, (unsigned long long)want);
		}
	}
}

/*
 * A scale from @from to @to Hz against x * to / from exactly: the error must
 * stay below 2^-27 of the value (7 ppb) plus the final truncation (the scale
 * is far better than that, but the bound is what callers rely on).
 */
static void check_scale(uint64_t from, uint64_t to, uint64_t x)
{
	struct time_scale s;
	unsigned __int128 exact;
	uint64_t got, want, err;

	if (!CHECK(time_scale_init(&s, from, to) == 0)) {
		return;
	}
	exact = (unsigned __int128)x * to / from;
	want = exact >> 64 ? UINT64_MAX : (uint64_t)exact;
	got = time_scale_apply(&s, x);
	err = got > want ? got - want : want - got;
	if ((unsigned __int128)err << 27 > (unsigned __int128)want + (1u << 28)) {
		CHECK_MSG(0, "%llu ticks at %llu Hz -> %llu Hz: %llu, want %llu",
			  (unsigned long long)x, (unsigned long long)from, (unsigned long long)to,
			  (unsigned long long)got, (unsigned long long)want);
	}
}

static void test_scale_random(void)
{
	for (int i = 0; i < 200000; i++) {
		uint64_t hz = rnd_range(100000000ULL, 20000000000ULL); /* 100 MHz..20 GHz */
		uint64_t x = rnd() >> (rnd() % 64);

		check_scale(hz, NSEC_PER_SEC, x);
		/* ns -> ticks: up to ~29 years of ns, so the ticks still fit in 64 bits */
		check_scale(NSEC_PER_SEC, hz, x >> 4);
	}
}

static void test_scale_edges(void)
{
	struct time_scale s;
	/* Ten years at 3 GHz: the product needs more than 64 bits. */
	uint64_t ten_years = 10ULL * 365 * SEC_PER_DAY * 3000000000ULL;

	CHECK_EQ(time_scale_init(&s, 0, 1), -EINVAL);
	CHECK_EQ(time_scale_init(&s, 1, 0), -EINVAL);
	CHECK_EQ(time_scale_init(&s, 1, UINT64_MAX), -EINVAL); /* ratio does not fit */
	CHECK_EQ(time_scale_init(&s, 3000000000ULL, NSEC_PER_SEC), 0);
	/* mult is truncated, so the result may be 1 ns short after ten years */
	CHECK(10ULL * 365 * SEC_PER_DAY * NSEC_PER_SEC - time_scale_apply(&s, ten_years) <= 1);
	CHECK_EQ(time_scale_apply(&s, 0), 0);
	CHECK_EQ(time_scale_source_hz(&s), 3000000000ULL);
	CHECK_EQ(time_scale_init(&s, NSEC_PER_SEC, 3000000000ULL), 0);
	CHECK(time_scale_apply(&s, UINT64_MAX) == UINT64_MAX); /* saturates */
	CHECK_EQ(time_scale_apply(&s, NSEC_PER_SEC), 3000000000ULL);
}

/* A pvclock (mul, shift) pair for @hz as msr.rst defines it: mul in [2^31, 2^32). */
static void pvclock_pair(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	int s = 0;
	unsigned __int128 m = ((unsigned __int128)NSEC_PER_SEC << 32) / hz;

	while (m >= 1ULL << 32) {
		m >>= 1;
		s++;
	}
	while (m < 1ULL << 31) {
		m <<= 1;
		s--;
	}
	*mul = (uint32_t)m;
	*shift = (int8_t)s;
}

static void test_pvclock_scale(void)
{
	struct time_scale s;

	CHECK_EQ(time_scale_from_pvclock(&s, 0, 0), -EINVAL);
	CHECK_EQ(time_scale_from_pvclock(&s, 1, 32), -EINVAL);
	for (int i = 0; i < 100000; i++) {
		uint64_t hz = rnd_range(100000000ULL, 20000000000ULL);
		uint64_t ticks = rnd() >> (24 + rnd() % 40); /* < 2^40: the direct form fits */
		uint64_t direct, got, rate;
		uint32_t mul;
		int8_t shift;

		pvclock_pair(hz, &mul, &shift);
		direct = shift >= 0 ? ticks << shift : ticks >> -shift;
		direct = (uint64_t)(((unsigned __int128)direct * mul) >> 32);
		CHECK_EQ(time_scale_from_pvclock(&s, mul, shift), 0);
		got = time_scale_apply(&s, ticks);
		if ((got > direct ? got - direct : direct - got) > 1) {
			CHECK_MSG(0, "hz %llu ticks %llu: %llu, want %llu", (unsigned long long)hz,
				  (unsigned long long)ticks, (unsigned long long)got,
				  (unsigned long long)direct);
		}
		rate = time_scale_source_hz(&s);
		CHECK_MSG(time_rates_agree(rate, hz, 1), "hz %llu: %llu Hz", (unsigned long long)hz,
			  (unsigned long long)rate);
	}
}

static void test_rates(void)
{
	CHECK_EQ(time_rate_hz(2596000000ULL, 1193182, 1193182), 2596000000ULL);
	CHECK_EQ(time_rate_hz(2596000000ULL, 0, 1193182), 0);
	/* 20 ms of a 3.579545 MHz PM timer against a 3 GHz TSC */
	CHECK_EQ(time_rate_hz(60000000, 71591, 3579545), 2999995809ULL);
	CHECK(time_rate_hz(UINT64_MAX, 1, 2) == UINT64_MAX); /* saturates */
	CHECK(time_rates_agree(1000000, 1005000, 5000));
	CHECK(!time_rates_agree(1000000, 1005100, 5000));
	CHECK(time_rates_agree(7, 7, 0));
	CHECK(time_rates_agree(UINT64_MAX, UINT64_MAX - 1, 1));
}

static void test_unwrap(void)
{
	const uint64_t period = 1 << 16;
	uint64_t ticks = 0;

	CHECK_EQ(time_unwrap(123, 64, 999999, 0, &ticks), 0);
	CHECK_EQ(ticks, 123);
	CHECK_EQ(time_unwrap(100, 16, 3 * period + 90, 50, &ticks), 0);
	CHECK_EQ(ticks, 3 * period + 100);
	CHECK_EQ(time_unwrap(period - 10, 16, 2 * period + 5, 50, &ticks), 0);
	CHECK_EQ(ticks, 2 * period - 10);
	CHECK_EQ(time_unwrap(100, 16, 3 * period + 90, period / 4, &ticks), -ERANGE);
	CHECK_EQ(time_unwrap(100, 16, 3 * period + 20000, 1000, &ticks), -ERANGE);
	CHECK_EQ(time_unwrap(5, 16, 0, 10, &ticks), 0); /* estimate below the count */
	CHECK_EQ(ticks, 5);
	for (int i = 0; i < 100000; i++) {
		unsigned int bits = (unsigned int)rnd_range(8, 40);
		uint64_t p = 1ULL << bits;
		uint64_t truth = rnd() >> (rnd() % 40 + 20);
		uint64_t max_error = rnd() % (p / 4);
		uint64_t off = max_error ? rnd() % (max_error + 1) : 0;
		uint64_t estimate = rnd() & 1 ? truth + off : (truth > off ? truth - off : 0);

		if (estimate < truth && truth - estimate > max_error) {
			continue;
		}
		CHECK_EQ(time_unwrap(truth & (p - 1), bits, estimate, max_error, &ticks), 0);
		CHECK_EQ(ticks, truth);
	}
}

int main(void)
{
	test_known_dates();
	test_invalid_dates();
	test_random_dates_against_glibc();
	test_mul_div();
	test_scale_random();
	test_scale_edges();
	test_pvclock_scale();
	test_rates();
	test_unwrap();
	return harness_report();
}
