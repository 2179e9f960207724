/* SPDX-License-Identifier: MIT */
/*
 * tsc.c - the TSC frequency, found once and lazily (asm/time.h).
 *
 * Sources, best first; the first that answers with 100 MHz..20 GHz wins:
 *  1. CPUID 15H (crystal clock ratio), or 16H's base frequency when 15H names
 *     no crystal (SDM vol. 2A; tsc_reg.h);
 *  2. the hypervisor's timing leaf 0x40000010 (TSC kHz), when 0x40000000 lists it;
 *  3. kvmclock (kvmclock.c), when KVM offers it;
 *  4. calibration against a reference clock: the HPET, else the ACPI PM timer,
 *     else PIT channel 0 (hpet.c, pmtimer.c, pit.c), trying the next one if a
 *     calibration fails;
 *  5. the CMOS RTC's once-a-second update (two 1 s windows): slow, but it
 *     cannot be misread.
 * Under QEMU TCG, CPUID and the hypervisor leaves say nothing, so pc and q35
 * calibrate against the HPET and microvm (no HPET, no PM timer) against the PIT.
 *
 * Laziness. Nothing happens at boot: the first call of tsc_hz() (the first
 * clock read, sleep deadline or boot-stats line) finds the frequency, so an
 * application that never asks for time never pays for it. Measured under
 * TCG, even a "cheap" boot-time sample is not free: reprogramming the PIT
 * costs ~25 us (QEMU re-arms a host timer), finding the HPET or PM timer
 * through ACPI ~200 us, and running any code for the first time costs its
 * translation. So the early sample is offered, not imposed:
 * tsc_calibration_begin() starts the best reference clock and records one
 * (TSC, reference) pair, without waiting, for code that knows it will need
 * time later and would rather pay that now; the calibration then measures
 * from that sample.
 *
 * Calibration, at the first tsc_hz():
 *  a. Two short gates of GATE_MS each, back to back, polling the reference:
 *     each gives a rate; they must agree within AGREE_PPM. Polling counts the
 *     reference's wraps, as it reads the counter far more often than it wraps.
 *     Each sample brackets the reference read between two TSC reads and keeps
 *     the tightest of SAMPLE_TRIES, so a host that deschedules the vCPU
 *     mid-sample does not skew it.
 *  b. The long window: from the early sample, if there is one, to the end of
 *     the gates. No one polled the reference in between, so a narrow counter
 *     may have wrapped any number of times: the gates' rate turns the TSC
 *     ticks since the sample into an estimate of the reference ticks, and
 *     time_unwrap() picks the count congruent to what the counter shows that
 *     lies within UNWRAP_PPM of the estimate, refusing when that is
 *     ambiguous. For the PIT (16 bits at 1.19 MHz, a wrap every 54.9 ms) that
 *     allows about 1.3 s between the sample and the first use; for the 24-bit
 *     PM timer about two minutes; the HPET's 64-bit counter never wraps.
 *     Without an early sample, or further back than that, the long window
 *     starts at the gates. Either way it is extended by polling to at least
 *     WINDOW_MS (20 ms) for the PIT and the PM timer; the HPET (100 MHz under
 *     QEMU, 10 ns a tick) needs no more than the gates' FINE_WINDOW_MS. The
 *     first use waits 2 * GATE_MS, or WINDOW_MS against a slow reference when
 *     nothing was sampled early enough.
 *  c. The long window's rate is the result if it lies within AGREE_PPM of the
 *     gates'. Otherwise, or if the gates disagreed, the attempt is repeated
 *     with gates twice as long, up to ATTEMPTS times, before the next
 *     reference clock is tried.
 * A gate or window stalls out (-ETIMEDOUT) if the reference does not advance:
 * loops are bounded by TSC counts that take at least as long at any rate.
 *
 * Accuracy: under TCG the PIT's 20 ms windows agree within ~20 ppm, the
 * HPET's 8 ms ones within tens of ppm; a long window from an early sample does
 * better. Callers must not need time on the boot path: the first call waits
 * 8-20 ms.
 */
#define pr_fmt(fmt) "tsc: " fmt
#include <stdbool.h>
#include <stddef.h>
#include <kernel/errno.h>
#include <kernel/once.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <asm/cpu.h>
#include <asm/time.h>
#include "clocks.h"
#include "tsc_reg.h"

#define GATE_MS 4
#define WINDOW_MS 20
#define FINE_REF_HZ 10000000u /* a reference this fast (the HPET) ... */
#define FINE_WINDOW_MS 8      /* ... needs no window past the two gates */
#define ATTEMPTS 3
#define SAMPLE_TRIES 3
#define AGREE_PPM 5000	    /* 0.5% */
#define UNWRAP_PPM 10000    /* the gates' rate, trusted to 1% for counting wraps */
#define UNWRAP_SLACK_US 100 /* plus the jitter of two samples */
#define STALL_FACTOR 4	    /* a wait that takes 4x its length (at 20 GHz) is stuck */
#define PPM 1000000u

struct tsc_sample {
	uint64_t tsc;
	uint64_t ref;
};

/* A calibration's result: the rate and the TSC ticks of the window it came from. */
struct calibration {
	uint64_t hz;
	uint64_t window_tsc;
};

static int (*const refclock_inits[])(struct refclock *) = {
	hpet_refclock_init,
	pmtimer_refclock_init,
	pit_refclock_init,
};

static int early_state;
static struct refclock early_ref;
static struct tsc_sample early_sample;
static int (*early_ref_init)(struct refclock *ref);

static int calibrate_state;
static uint64_t hz;
static const char *hz_source = "none";
static uint64_t hz_window_tsc; /* 0 when the rate was not measured */

static uint64_t khz_of(uint64_t rate)
{
	return (rate + 500) / 1000;
}

static bool plausible(uint64_t rate)
{
	return rate >= TSC_HZ_MIN && rate <= TSC_HZ_MAX;
}

/* CPUID 15H, or 16H when 15H has a ratio but no crystal (SDM vol. 2A, CPUID). */
static uint64_t hz_from_cpuid_leaves(const char **source)
{
	uint32_t max, a, b, c, d, mhz;

	cpuid(CPUID_MAX_BASIC, 0, &max, &b, &c, &d);
	if (max < CPUID_TSC_CRYSTAL) {
		return 0;
	}
	cpuid(CPUID_TSC_CRYSTAL, 0, &a, &b, &c, &d);
	if (!a || !b) {
		return 0;
	}
	if (c) {
		*source = "cpuid-15h";
		return (uint64_t)c * b / a;
	}
	if (max < CPUID_FREQUENCY) {
		return 0;
	}
	cpuid(CPUID_FREQUENCY, 0, &mhz, &b, &c, &d);
	*source = "cpuid-16h";
	return (uint64_t)(mhz & CPUID_16_MHZ_MASK) * 1000000;
}

/* The hypervisor's timing leaf, if 0x40000000 says the leaf exists. */
static uint64_t hz_from_hypervisor(const char **source)
{
	uint32_t max, a, b, c, d;

	cpuid(CPUID_FEATURES, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_HYPERVISOR)) {
		return 0;
	}
	cpuid(CPUID_HV_BASE, 0, &max, &b, &c, &d);
	if (max < CPUID_HV_TIMING || max > CPUID_HV_LAST) {
		return 0;
	}
	cpuid(CPUID_HV_TIMING, 0, &a, &b, &c, &d);
	*source = "hypervisor";
	return (uint64_t)a * 1000;
}

/* The frequency CPUID states, 0 if it states none (or nothing plausible). */
static uint64_t hz_from_cpuid(const char **source)
{
	uint64_t rate = hz_from_cpuid_leaves(source);

	if (!plausible(rate)) {
		rate = hz_from_hypervisor(source);
	}
	return plausible(rate) ? rate : 0;
}

static uint64_t ref_mask(const struct refclock *ref)
{
	return ref->bits >= 64 ? UINT64_MAX : (1ULL << ref->bits) - 1;
}

static uint64_t ref_ticks_of_us(const struct refclock *ref, uint64_t us)
{
	return time_mul_div(ref->hz, us, USEC_PER_SEC) + 1;
}

/* The reference read between two TSC reads; the tightest bracket of @tries. */
static void take_sample(const struct refclock *ref, struct tsc_sample *s, int tries)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < tries; i++) {
		uint64_t t0 = rdtsc_ordered();
		uint64_t v = ref->read();
		uint64_t t1 = rdtsc_ordered();

		if (t1 - t0 < best) {
			best = t1 - t0;
			s->tsc = t0 + (t1 - t0) / 2;
			s->ref = v;
		}
	}
}

/*
 * Polls the reference until at least @min ticks passed since @from, counting
 * wraps; *@to is the closing sample and *@ticks the count from @from to it.
 */
static int wait_ticks(const struct refclock *ref, const struct tsc_sample *from, uint64_t min,
		      struct tsc_sample *to, uint64_t *ticks)
{
	uint64_t mask = ref_mask(ref), last = from->ref, count = 0, start = rdtsc();
	uint64_t limit = TSC_AT_LEAST_MS(STALL_FACTOR * (min * MSEC_PER_SEC / ref->hz + 1));

	while (count < min) {
		uint64_t now = ref->read();

		count += (now - last) & mask;
		last = now;
		if (rdtsc() - start > limit) {
			return -ETIMEDOUT;
		}
	}
	take_sample(ref, to, SAMPLE_TRIES);
	*ticks = count + ((to->ref - last) & mask);
	return 0;
}

/*
 * The rate over @start..@end, whose reference count is unwrapped with the
 * gates' rate @coarse, extended by polling to at least WINDOW_MS.
 */
static int long_window(const struct refclock *ref, const struct tsc_sample *start,
		       const struct tsc_sample *end, uint64_t coarse, struct calibration *cal)
{
	uint64_t estimate = time_mul_div(end->tsc - start->tsc, ref->hz, coarse);
	uint64_t max_error =
		time_mul_div(estimate, UNWRAP_PPM, PPM) + ref_ticks_of_us(ref, UNWRAP_SLACK_US);
	uint64_t window_ms = ref->hz >= FINE_REF_HZ ? FINE_WINDOW_MS : WINDOW_MS;
	uint64_t window = time_mul_div(ref->hz, window_ms, MSEC_PER_SEC);
	struct tsc_sample last = *end;
	uint64_t ticks, more;
	int err;

	err = time_unwrap((end->ref - start->ref) & ref_mask(ref), ref->bits, estimate, max_error,
			  &ticks);
	if (err) {
		return err;
	}
	if (ticks < window) {
		err = wait_ticks(ref, end, window - ticks, &last, &more);
		if (err) {
			return err;
		}
		ticks += more;
	}
	cal->hz = time_rate_hz(last.tsc - start->tsc, ticks, ref->hz);
	cal->window_tsc = last.tsc - start->tsc;
	return 0;
}

/*
 * Two gates that agree, then the long window from @early (if given and
 * usable) or from the gates. Returns 0 with *@cal, -EIO when the rates disagree (worth a
 * retry), or -ETIMEDOUT when the reference does not advance.
 */
static int calibrate_attempt(const struct refclock *ref, const struct tsc_sample *early,
			     unsigned int gate_ms, struct calibration *cal)
{
	uint64_t gate = time_mul_div(ref->hz, gate_ms, MSEC_PER_SEC);
	struct tsc_sample a, b, c;
	uint64_t t1, t2, r1, r2, coarse;
	int err;

	take_sample(ref, &a, SAMPLE_TRIES);
	err = wait_ticks(ref, &a, gate, &b, &t1);
	if (!err) {
		err = wait_ticks(ref, &b, gate, &c, &t2);
	}
	if (err) {
		return err;
	}
	r1 = time_rate_hz(b.tsc - a.tsc, t1, ref->hz);
	r2 = time_rate_hz(c.tsc - b.tsc, t2, ref->hz);
	if (!plausible(r1) || !plausible(r2) || !time_rates_agree(r1, r2, AGREE_PPM)) {
		return -EIO;
	}
	coarse = time_rate_hz(c.tsc - a.tsc, t1 + t2, ref->hz);
	err = early ? long_window(ref, early, &c, coarse, cal) : -ERANGE;
	if (err == -ERANGE) {
		err = long_window(ref, &a, &c, coarse, cal);
	}
	if (err) {
		return err;
	}
	return plausible(cal->hz) && time_rates_agree(cal->hz, coarse, AGREE_PPM) ? 0 : -EIO;
}

static int calibrate_against(const struct refclock *ref, const struct tsc_sample *early,
			     struct calibration *cal)
{
	int err = -EIO;

	for (int i = 0; i < ATTEMPTS && err == -EIO; i++) {
		err = calibrate_attempt(ref, early, GATE_MS << i, cal);
	}
	return err;
}

/*
 * A reference clock sampled by tsc_calibration_begin() keeps running from
 * that sample: it is not started again (that would reset the PIT).
 */
static int calibrate_refclocks(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(refclock_inits); i++) {
		bool early = once_done(&early_state) && early_ref_init == refclock_inits[i];
		struct refclock ref = early_ref;
		struct calibration cal;
		int err;

		if (!early && refclock_inits[i](&ref) < 0) {
			continue;
		}
		err = calibrate_against(&ref, early ? &early_sample : NULL, &cal);
		if (!err) {
			hz = cal.hz;
			hz_window_tsc = cal.window_tsc;
			hz_source = ref.name;
			return 0;
		}
		pr_warn("calibration against the %s failed (%d)\n", ref.name, err);
	}
	return -ENODEV;
}

/* Two seconds of the RTC, which must agree: the source of last resort. */
static int calibrate_rtc(void)
{
	uint64_t t0, t1, t2;

	if (rtc_wait_second(&t0) || rtc_wait_second(&t1) || rtc_wait_second(&t2)) {
		return -ENODEV;
	}
	if (!plausible(t1 - t0) || !time_rates_agree(t1 - t0, t2 - t1, AGREE_PPM)) {
		return -ERANGE;
	}
	hz = (t2 - t0) / 2;
	hz_window_tsc = t2 - t0;
	hz_source = "rtc";
	return 0;
}

static void tsc_calibrate(void)
{
	uint64_t start = rdtsc();

	hz = hz_from_cpuid(&hz_source);
	if (!hz && kvmclock_present()) {
		hz = kvmclock_tsc_hz();
		hz_source = "kvmclock";
	}
	if (!plausible(hz) && calibrate_refclocks() < 0 && calibrate_rtc() < 0) {
		hz = 0;
		hz_source = "none";
		pr_err("no clock to measure the TSC against: times are unknown\n");
		return;
	}
	if (!hz_window_tsc) {
		pr_info("%llu kHz from %s\n", (unsigned long long)khz_of(hz), hz_source);
		return;
	}
	pr_info("%llu kHz from the %s over %llu ms (first use waited %llu ms)\n",
		(unsigned long long)khz_of(hz), hz_source,
		(unsigned long long)time_mul_div(hz_window_tsc, MSEC_PER_SEC, hz),
		(unsigned long long)time_mul_div(rdtsc() - start, MSEC_PER_SEC, hz));
}

uint64_t tsc_hz(void)
{
	once(&calibrate_state, tsc_calibrate);
	return hz;
}

uint64_t tsc_khz(void)
{
	return khz_of(tsc_hz());
}

const char *tsc_hz_source(void)
{
	once(&calibrate_state, tsc_calibrate);
	return hz_source;
}

uint64_t tsc_epoch(void)
{
	return boot_tsc_entry;
}

/* The early sample: the first reference clock that starts, read once. */
static void take_early_sample(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(refclock_inits); i++) {
		if (refclock_inits[i](&early_ref) == 0) {
			take_sample(&early_ref, &early_sample, SAMPLE_TRIES);
			early_ref_init = refclock_inits[i];
			return;
		}
	}
}

void tsc_calibration_begin(void)
{
	if (!once_done(&calibrate_state)) {
		once(&early_state, take_early_sample);
	}
}
