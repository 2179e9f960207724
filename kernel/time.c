/* SPDX-License-Identifier: MIT */
/*
 * time.c - CLOCK_MONOTONIC and CLOCK_REALTIME (<toro/time.h>) and the
 * TSC <-> ns conversions the scheduler's deadlines use (<kernel/time.h>).
 *
 * CLOCK_MONOTONIC is the TSC since tsc_epoch() (the kernel's first
 * instruction, or the CPU's reset) through a 128-bit mul/shift scale, exact for centuries of
 * uptime. The scales are set up at the first call that needs them, after the
 * arch code knows the TSC frequency (lazily: see arch/x86_64/kernel/tsc.c).
 * The TSC is assumed invariant and synchronised across CPUs, as QEMU and KVM
 * provide.
 *
 * CLOCK_REALTIME adds an offset found at the first request: the wall clock
 * (arch_wall_clock()) minus CLOCK_MONOTONIC at the same TSC value. Without a
 * wall clock it counts from 0 at boot, with one warning.
 */
#define pr_fmt(fmt) "time: " fmt
#include <toro/time.h>
#include <kernel/errno.h>
#include <kernel/once.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <asm/time.h>

/* If no source gives the TSC frequency, clocks still run, wrongly, at this rate. */
#define FALLBACK_TSC_HZ 1000000000ULL

static int scales_state;
static struct time_scale tsc_to_ns_scale;
static struct time_scale ns_to_tsc_scale;
static uint64_t epoch;

static int wall_state;
static int64_t realtime_offset_ns;

static void scales_setup(void)
{
	uint64_t hz = tsc_hz();

	if (!hz) {
		pr_err("TSC frequency unknown: assuming %llu MHz\n",
		       (unsigned long long)(FALLBACK_TSC_HZ / 1000000));
		hz = FALLBACK_TSC_HZ;
	}
	time_scale_init(&tsc_to_ns_scale, hz, NSEC_PER_SEC);
	time_scale_init(&ns_to_tsc_scale, NSEC_PER_SEC, hz);
	epoch = tsc_epoch();
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	once(&scales_state, scales_setup);
	return time_scale_apply(&tsc_to_ns_scale, ticks);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	once(&scales_state, scales_setup);
	return time_scale_apply(&ns_to_tsc_scale, ns);
}

/* CLOCK_MONOTONIC at TSC value @tsc (0 for a value before the epoch). */
static uint64_t monotonic_at(uint64_t tsc)
{
	once(&scales_state, scales_setup);
	return tsc > epoch ? time_scale_apply(&tsc_to_ns_scale, tsc - epoch) : 0;
}

uint64_t time_ns(void)
{
	return monotonic_at(rdtsc_ordered());
}

uint64_t time_us(void)
{
	return time_ns() / NSEC_PER_USEC;
}

static void wall_setup(void)
{
	int64_t unix_ns;
	uint64_t tsc;

	if (arch_wall_clock(&unix_ns, &tsc) < 0) {
		pr_warn("no wall clock (RTC or kvmclock): CLOCK_REALTIME counts from 0 at boot\n");
		realtime_offset_ns = 0;
		return;
	}
	realtime_offset_ns = unix_ns - (int64_t)monotonic_at(tsc);
}

static int64_t realtime_ns(void)
{
	once(&wall_state, wall_setup);
	return realtime_offset_ns + (int64_t)time_ns();
}

static void ns_to_timespec(int64_t ns, struct timespec *ts)
{
	ts->tv_sec = ns / (int64_t)NSEC_PER_SEC;
	ts->tv_nsec = (long)(ns % (int64_t)NSEC_PER_SEC);
	if (ts->tv_nsec < 0) {
		ts->tv_sec--;
		ts->tv_nsec += NSEC_PER_SEC;
	}
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	switch (clk) {
	case CLOCK_MONOTONIC:
		ns_to_timespec((int64_t)time_ns(), ts);
		return 0;
	case CLOCK_REALTIME:
		ns_to_timespec(realtime_ns(), ts);
		return 0;
	default:
		return -EINVAL;
	}
}

int clock_getres(clockid_t clk, struct timespec *res)
{
	if (clk != CLOCK_MONOTONIC && clk != CLOCK_REALTIME) {
		return -EINVAL;
	}
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = 1;
	}
	return 0;
}

time_t time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t) {
		*t = ts.tv_sec;
	}
	return ts.tv_sec;
}

struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
	struct time_date d;

	if (time_unix_to_date(*t, &d) < 0) {
		return NULL;
	}
	*tm = (struct tm){
		.tm_sec = d.second,
		.tm_min = d.minute,
		.tm_hour = d.hour,
		.tm_mday = d.day,
		.tm_mon = d.month - 1,
		.tm_year = d.year - 1900,
		.tm_wday = d.weekday,
		.tm_yday = d.yearday,
	};
	return tm;
}

time_t timegm(struct tm *tm)
{
	struct time_date d = {
		.year = tm->tm_year + 1900,
		.month = tm->tm_mon + 1,
		.day = tm->tm_mday,
		.hour = tm->tm_hour,
		.minute = tm->tm_min,
		.second = tm->tm_sec,
	};
	int64_t t;

	if (time_date_to_unix(&d, &t) < 0 || !gmtime_r(&t, tm)) {
		return (time_t)-1;
	}
	return t;
}

void time_calibration_begin(void)
{
	tsc_calibration_begin();
}

uint64_t time_tsc_khz(void)
{
	return tsc_khz();
}

const char *time_tsc_source(void)
{
	return tsc_hz_source();
}
