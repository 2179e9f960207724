/* SPDX-License-Identifier: MIT */
/*
 * time_math.c - the portable arithmetic under Toro's clocks (kernel/time.h):
 * fixed-point rate scales, 128-bit multiply-divide, calibration helpers and
 * Unix time <-> calendar date. No hardware and no state: the host unit test
 * (tests/unit/kernel/test_time_math.c) checks it against exact 128-bit math
 * and glibc's timegm()/gmtime_r().
 *
 * The kernel links no libgcc, so nothing here may divide a 128-bit number with
 * `/` (that is a call to __udivti3): 128-bit products are fine, and the one
 * division of a 128-bit value is the shift-and-subtract loop of div128().
 */
#include <stdbool.h>
#include <stdint.h>
#include <kernel/errno.h>
#include <kernel/time.h>

#define PPM 1000000u

/* Unix time of 9999-12-31 23:59:59, the last second struct time_date holds. */
#define TIME_UNIX_MAX 253402300799LL
#define YEAR_MIN 1970
#define YEAR_MAX 9999
#define EPOCH_WEEKDAY 4 /* 1970-01-01 was a Thursday */

/* floor(hi:lo / c), or UINT64_MAX when the quotient needs more than 64 bits. */
static uint64_t div128(uint64_t hi, uint64_t lo, uint64_t c)
{
	uint64_t q = 0, r = hi;

	if (hi >= c) {
		return UINT64_MAX;
	}
	for (int i = 63; i >= 0; i--) {
		/* r < c < 2^64, so 2r + 1 < 2^65: the bit shifted out says r >= c. */
		bool carry = r >> 63;

		r = r << 1 | ((lo >> i) & 1);
		if (carry || r >= c) {
			r -= c;
			q |= 1ULL << i;
		}
	}
	return q;
}

uint64_t time_mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	if (c == 0) {
		return UINT64_MAX;
	}
	return div128((uint64_t)(p >> 64), (uint64_t)p, c);
}

/*
 * The largest shift that keeps mult below 2^63: mult then carries 63
 * significant bits, and x * mult still fits the 128-bit product for any x.
 */
int time_scale_init(struct time_scale *s, uint64_t from_hz, uint64_t to_hz)
{
	uint32_t shift = 63;
	uint64_t mult;

	if (from_hz == 0 || to_hz == 0) {
		return -EINVAL;
	}
	for (;;) {
		mult = time_mul_div(to_hz, 1ULL << shift, from_hz);
		if (mult < 1ULL << 63) {
			break;
		}
		if (shift == 0) {
			return -EINVAL;
		}
		shift--;
	}
	if (mult == 0) {
		return -EINVAL;
	}
	s->mult = mult;
	s->shift = shift;
	return 0;
}

/*
 * pvclock scales before multiplying: ((ticks << shift) * mul) >> 32. Folding
 * the pre-shift into ours gives (ticks * mul) >> (32 - shift); for a negative
 * shift it rounds once instead of twice, a difference of at most 1 ns.
 */
int time_scale_from_pvclock(struct time_scale *s, uint32_t mul, int8_t shift)
{
	if (mul == 0 || shift < -31 || shift > 31) {
		return -EINVAL;
	}
	s->mult = mul;
	s->shift = (uint32_t)(32 - shift);
	return 0;
}

/* ns = ticks * mult / 2^shift, so the rate is 10^9 * 2^shift / mult Hz. */
uint64_t time_scale_source_hz(const struct time_scale *s)
{
	uint64_t hz;

	if (s->mult == 0 || s->shift > 63) {
		return 0;
	}
	hz = time_mul_div(NSEC_PER_SEC, 1ULL << s->shift, s->mult);
	return hz == UINT64_MAX ? 0 : hz;
}

uint64_t time_rate_hz(uint64_t ticks, uint64_t ref_ticks, uint64_t ref_hz)
{
	if (ref_ticks == 0) {
		return 0;
	}
	return time_mul_div(ticks, ref_hz, ref_ticks);
}

bool time_rates_agree(uint64_t a, uint64_t b, uint32_t ppm)
{
	uint64_t diff = a > b ? a - b : b - a;
	uint64_t larger = a > b ? a : b;

	return (unsigned __int128)diff * PPM <= (unsigned __int128)larger * ppm;
}

int time_unwrap(uint64_t observed, unsigned int bits, uint64_t estimate, uint64_t max_error,
		uint64_t *ticks)
{
	uint64_t period, k, candidate, diff;

	if (bits >= 64) {
		*ticks = observed;
		return 0;
	}
	period = 1ULL << bits;
	observed &= period - 1;
	if (max_error >= period / 4) {
		return -ERANGE;
	}
	/* The count observed + k * period nearest the estimate (k >= 0). */
	k = estimate > observed ? (estimate - observed + period / 2) / period : 0;
	if (k > (UINT64_MAX - observed) / period) {
		return -ERANGE;
	}
	candidate = observed + k * period;
	diff = candidate > estimate ? candidate - estimate : estimate - candidate;
	if (diff > max_error) {
		return -ERANGE;
	}
	*ticks = candidate;
	return 0;
}

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return days[month - 1] + (month == 2 && is_leap(year));
}

/* Leap years in 1..year-1 (year >= 1). */
static int64_t leaps_before(int year)
{
	int64_t y = year - 1;

	return y / 4 - y / 100 + y / 400;
}

/* Days from 1970-01-01 to 1 January of @year (year >= 1970). */
static int64_t days_before_year(int year)
{
	return 365 * (int64_t)(year - YEAR_MIN) + leaps_before(year) - leaps_before(YEAR_MIN);
}

static int days_before_month(int year, int month)
{
	int days = 0;

	for (int m = 1; m < month; m++) {
		days += days_in_month(year, m);
	}
	return days;
}

bool time_date_valid(const struct time_date *d)
{
	if (d->year < YEAR_MIN || d->year > YEAR_MAX || d->month < 1 || d->month > 12) {
		return false;
	}
	if (d->day < 1 || d->day > days_in_month(d->year, d->month)) {
		return false;
	}
	return d->hour >= 0 && d->hour < 24 && d->minute >= 0 && d->minute < 60 && d->second >= 0 &&
	       d->second < 60;
}

int time_date_to_unix(const struct time_date *d, int64_t *t)
{
	int64_t days;

	if (!time_date_valid(d)) {
		return -EINVAL;
	}
	days = days_before_year(d->year) + days_before_month(d->year, d->month) + d->day - 1;
	*t = days * SEC_PER_DAY + d->hour * 3600 + d->minute * 60 + d->second;
	return 0;
}

int time_unix_to_date(int64_t t, struct time_date *d)
{
	int64_t days, secs;
	int year, month;

	if (t < 0 || t > TIME_UNIX_MAX) {
		return -EINVAL;
	}
	days = t / SEC_PER_DAY;
	secs = t % SEC_PER_DAY;
	/* A year has at most 366 days: start below the answer and step up. */
	year = YEAR_MIN + (int)(days / 366);
	while (days_before_year(year + 1) <= days) {
		year++;
	}
	d->year = year;
	d->yearday = (int)(days - days_before_year(year));
	days = d->yearday;
	for (month = 1; days >= days_in_month(year, month); month++) {
		days -= days_in_month(year, month);
	}
	d->month = month;
	d->day = (int)days + 1;
	d->hour = (int)(secs / 3600);
	d->minute = (int)(secs / 60 % 60);
	d->second = (int)(secs % 60);
	d->weekday = (int)((t / SEC_PER_DAY + EPOCH_WEEKDAY) % 7);
	return 0;
}
