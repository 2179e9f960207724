/* SPDX-License-Identifier: MIT */
/*
 * <toro/time.h> - clocks and calendar time (kernel/time.c).
 *
 * Two clocks, both in ns from the TSC:
 *  - CLOCK_MONOTONIC counts from the kernel's start and never goes back;
 *  - CLOCK_REALTIME is the wall clock read once (the CMOS RTC, whole seconds,
 *    or KVM's wall clock) plus CLOCK_MONOTONIC since then. It is not stepped
 *    or slewed afterwards (there is no NTP).
 * Nothing is measured at boot: the first call that needs the TSC frequency
 * may take up to about 20 ms, once, while it is calibrated (see
 * time_calibration_begin()); the first CLOCK_REALTIME read also reads the
 * RTC. Later calls are a TSC read and a multiplication.
 *
 * Errors are returned as negative numbers (-EINVAL is -22) rather than -1
 * and errno: Toro has no errno.
 */
#ifndef TORO_TIME_H
#define TORO_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t time_t;
typedef int clockid_t;

struct timespec {
	time_t tv_sec;
	long tv_nsec; /* 0..999999999 */
};

/* Broken-down UTC time, as in ISO C. */
struct tm {
	int tm_sec;   /* 0..59 */
	int tm_min;   /* 0..59 */
	int tm_hour;  /* 0..23 */
	int tm_mday;  /* 1..31 */
	int tm_mon;   /* 0..11 */
	int tm_year;  /* years since 1900 */
	int tm_wday;  /* 0..6, Sunday = 0 */
	int tm_yday;  /* 0..365 */
	int tm_isdst; /* always 0: UTC */
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

/**
 * clock_gettime() - the time of clock @clk (CLOCK_MONOTONIC or CLOCK_REALTIME) in @ts.
 * Returns 0, or -EINVAL (-22) for another clock id.
 */
int clock_gettime(clockid_t clk, struct timespec *ts);

/**
 * clock_getres() - the resolution of clock @clk in @res (may be NULL): 1 ns.
 * Returns 0, or -EINVAL (-22) for another clock id.
 */
int clock_getres(clockid_t clk, struct timespec *res);

/** time() - returns CLOCK_REALTIME in whole seconds, also stored in *@t unless @t is NULL. */
time_t time(time_t *t);

/** time_ns() - returns CLOCK_MONOTONIC in ns: the cheapest way to time an interval. */
uint64_t time_ns(void);

/** time_us() - returns CLOCK_MONOTONIC in us. */
uint64_t time_us(void);

/**
 * gmtime_r() - @t seconds since 1970-01-01 UTC as a date in @tm.
 * Returns @tm, or NULL if @t is before 1970 or after 9999.
 */
struct tm *gmtime_r(const time_t *t, struct tm *tm);

/**
 * timegm() - the seconds since 1970-01-01 UTC of the date in @tm, which must be
 * a valid date in 1970..9999 (fields are not normalised). Also sets tm_wday
 * and tm_yday. Returns the time, or (time_t)-1 for an invalid date, as in glibc.
 */
time_t timegm(struct tm *tm);

/**
 * time_calibration_begin() - optional: if the TSC frequency has to be
 * measured on this machine, take the measurement's first sample now, without
 * waiting. An application that will read clocks later (not right away) can
 * call it first thing in main(): the first clock read then waits about 8 ms
 * instead of 20 and is measured over a longer interval.
 */
void time_calibration_begin(void);

/** time_tsc_khz() - returns the TSC frequency in kHz the clocks run on (0 if unknown). */
uint64_t time_tsc_khz(void);

/**
 * time_tsc_source() - returns where the TSC frequency came from: "cpuid-15h",
 * "cpuid-16h", "hypervisor", "kvmclock", "hpet", "pm-timer", "pit", "rtc", "none".
 */
const char *time_tsc_source(void);

#endif /* TORO_TIME_H */
