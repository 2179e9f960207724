/* SPDX-License-Identifier: MIT */
/*
 * time.h - kernel-internal time: TSC <-> ns conversions for deadlines (the
 * scheduler's sleeps), and the portable arithmetic the clocks are built on.
 *
 * tsc_to_ns() and ns_to_tsc() live in kernel/time.c and need the TSC
 * frequency: the first call anywhere may wait for its calibration (at most a
 * few tens of ms, once; see arch/x86_64/kernel/tsc.c). Everything else here is
 * kernel/time_math.c: no hardware, no state, unit-tested on the host
 * (tests/unit/kernel/test_time_math.c).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL
#define USEC_PER_SEC 1000000ULL
#define MSEC_PER_SEC 1000ULL
#define SEC_PER_DAY 86400

/* tsc_to_ns() - returns @ticks of the TSC as ns (saturating at UINT64_MAX). */
uint64_t tsc_to_ns(uint64_t ticks);

/* ns_to_tsc() - returns @ns as TSC ticks (saturating), e.g. for a sleep's deadline. */
uint64_t ns_to_tsc(uint64_t ns);

/*
 * A fixed-point rate: y = (x * mult) >> shift, with a 128-bit product, so x may
 * be any 64-bit count (centuries of TSC ticks) without overflow.
 */
struct time_scale {
	uint64_t mult;
	uint32_t shift;
};

/*
 * time_scale_init() - the scale that turns counts of a @from_hz clock into
 * counts of a @to_hz clock. mult keeps 63 significant bits, so a result is
 * off by at most 2^-62 of itself plus the final truncation. Returns 0, or
 * -EINVAL if a rate is 0 or @to_hz / @from_hz reaches 2^63.
 */
int time_scale_init(struct time_scale *s, uint64_t from_hz, uint64_t to_hz);

/*
 * time_scale_from_pvclock() - the scale of a pvclock (tsc_to_system_mul,
 * tsc_shift) pair: ns = ((ticks << shift, or >> -shift) * mul) >> 32 (Linux
 * Documentation/virt/kvm/x86/msr.rst, MSR_KVM_SYSTEM_TIME_NEW). Returns 0, or
 * -EINVAL for a zero @mul or a shift outside -31..31.
 */
int time_scale_from_pvclock(struct time_scale *s, uint32_t mul, int8_t shift);

/*
 * time_scale_source_hz() - for a scale that turns a clock's ticks into ns,
 * returns that clock's rate in Hz (0 if it does not fit in 64 bits).
 */
uint64_t time_scale_source_hz(const struct time_scale *s);

/* time_scale_apply() - returns (x * s->mult) >> s->shift, UINT64_MAX if it overflows. */
static inline uint64_t time_scale_apply(const struct time_scale *s, uint64_t x)
{
	unsigned __int128 p = (unsigned __int128)x * s->mult;

	if ((p >> s->shift) >> 64) {
		return UINT64_MAX;
	}
	return (uint64_t)(p >> s->shift);
}

/* time_mul_div() - returns floor(a * b / c) from a 128-bit product, UINT64_MAX if it overflows. */
uint64_t time_mul_div(uint64_t a, uint64_t b, uint64_t c);

/*
 * time_rate_hz() - the rate in Hz of a clock that advanced @ticks while a
 * reference of @ref_hz advanced @ref_ticks. Returns 0 if @ref_ticks is 0.
 */
uint64_t time_rate_hz(uint64_t ticks, uint64_t ref_ticks, uint64_t ref_hz);

/* time_rates_agree() - true if @a and @b differ by at most @ppm parts per million of the larger. */
bool time_rates_agree(uint64_t a, uint64_t b, uint32_t ppm);

/*
 * time_unwrap() - the true tick count of a @bits-wide counter whose difference
 * modulo 2^@bits is @observed, when another clock says @estimate ticks passed,
 * give or take @max_error. Picks the count congruent to @observed nearest
 * @estimate. Returns 0 with *@ticks, or -ERANGE when @max_error reaches a
 * quarter of the counter's period (the answer would not be unique with margin)
 * or the nearest count is further than @max_error from @estimate (the estimate
 * or the counter is wrong).
 */
int time_unwrap(uint64_t observed, unsigned int bits, uint64_t estimate, uint64_t max_error,
		uint64_t *ticks);

/* A calendar date and time of day in UTC (proleptic Gregorian). */
struct time_date {
	int year;    /* 1970..9999 */
	int month;   /* 1..12 */
	int day;     /* 1..31 */
	int hour;    /* 0..23 */
	int minute;  /* 0..59 */
	int second;  /* 0..59 (no leap seconds, as Unix time) */
	int weekday; /* 0 = Sunday; set by time_unix_to_date(), ignored on input */
	int yearday; /* 0 = 1 January; set by time_unix_to_date(), ignored on input */
};

/* time_date_valid() - true if every field of @d is in range (the day within its month). */
bool time_date_valid(const struct time_date *d);

/*
 * time_date_to_unix() - seconds since 1970-01-01 00:00:00 UTC of @d.
 * Returns 0 with *@t, or -EINVAL if @d is not a valid date in 1970..9999.
 */
int time_date_to_unix(const struct time_date *d, int64_t *t);

/*
 * time_unix_to_date() - the UTC date of @t seconds since the epoch, with its
 * weekday and yearday. Returns 0, or -EINVAL if @t is before 1970 or after 9999.
 */
int time_unix_to_date(int64_t t, struct time_date *d);

#endif
