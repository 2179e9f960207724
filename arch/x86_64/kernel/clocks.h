/* SPDX-License-Identifier: MIT */
/*
 * clocks.h - the clock sources tsc.c and rtc.c use, private to
 * arch/x86_64/kernel/.
 *
 * A reference clock is a free-running counter of known rate that the TSC is
 * calibrated against: the HPET (hpet.c), the ACPI PM timer (pmtimer.c) or PIT
 * channel 0 (pit.c). Each *_refclock_init() finds and starts its counter, or
 * returns -ENODEV; read() then returns the count, increasing, modulo 2^bits.
 */
#ifndef X86_CLOCKS_H
#define X86_CLOCKS_H

#include <stdbool.h>
#include <stdint.h>

struct refclock {
	const char *name;
	uint64_t hz;
	unsigned int bits; /* the counter wraps at 2^bits */
	uint64_t (*read)(void);
};

int hpet_refclock_init(struct refclock *ref);
int pmtimer_refclock_init(struct refclock *ref);
int pit_refclock_init(struct refclock *ref);

/*
 * kvmclock (kvmclock.c): kvmclock_present() says whether KVM offers it;
 * kvmclock_tsc_hz() returns the TSC rate it implies (0 on failure);
 * kvmclock_wall() gives the Unix time in ns at TSC value *@tsc.
 */
bool kvmclock_present(void);
uint64_t kvmclock_tsc_hz(void);
int kvmclock_wall(int64_t *unix_ns, uint64_t *tsc);

/*
 * The CMOS RTC (rtc.c): rtc_read() gives the Unix time in whole seconds and
 * the TSC when it was read; rtc_wait_second() returns the TSC at the next
 * seconds update, the slow reference of last resort for calibration. Both
 * return 0, -ENODEV without an RTC, or -ETIMEDOUT/-EIO when it misbehaves.
 */
int rtc_read(int64_t *unix_seconds, uint64_t *tsc);
int rtc_wait_second(uint64_t *tsc);

/*
 * Bounds on any TSC's rate, for sanity checks and for time-outs that must
 * work before the rate is known (a loop that lasts N ms at TSC_HZ_MAX lasts
 * longer at any real rate).
 */
#define TSC_HZ_MIN 100000000ULL	  /* 100 MHz */
#define TSC_HZ_MAX 20000000000ULL /* 20 GHz */

/* A TSC count that is at least @ms milliseconds, whatever the TSC's rate. */
#define TSC_AT_LEAST_MS(ms) ((uint64_t)(ms) * (TSC_HZ_MAX / 1000))

#endif
