/* SPDX-License-Identifier: MIT */
/*
 * time.h - what the x86 clock sources give kernel/time.c: the TSC, its
 * frequency (arch/x86_64/kernel/tsc.c) and the wall clock (rtc.c).
 */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <stdint.h>

/*
 * rdtsc_ordered() - the TSC, read after every earlier instruction has
 * completed and earlier loads are globally visible (SDM vol. 2B, RDTSC: "execute
 * LFENCE immediately before RDTSC"), so a time read after an event is later
 * than the event, also as seen from another CPU.
 */
static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/*
 * tsc_hz() - the TSC frequency in Hz, from CPUID, the hypervisor or kvmclock,
 * else calibrated. The first call may take up to about 20 ms (once, on any
 * CPU; others wait for it). Returns 0 only if no source at all answered.
 */
uint64_t tsc_hz(void);

/* tsc_khz() - tsc_hz() rounded to kHz. */
uint64_t tsc_khz(void);

/*
 * tsc_hz_source() - where tsc_hz() came from: "cpuid-15h", "cpuid-16h",
 * "hypervisor", "kvmclock", "hpet", "pm-timer", "pit", "rtc" or "none".
 * Calibrates first if that has not happened yet.
 */
const char *tsc_hz_source(void);

/*
 * tsc_calibration_begin() - if the frequency will have to be measured, start
 * the best reference clock and take the calibration's first sample now, with
 * no wait (tens to hundreds of us under TCG). The first tsc_hz() then waits
 * ~8 ms instead of ~20 and measures over the whole interval. For code that
 * knows it will need time later; a no-op once the frequency is known.
 */
void tsc_calibration_begin(void);

/*
 * tsc_epoch() - the zero of CLOCK_MONOTONIC: the TSC at the kernel's first
 * instruction, or 0 (the CPU's reset) on boot paths that do not record it.
 */
uint64_t tsc_epoch(void);

/*
 * arch_wall_clock() - the Unix time in ns (*@unix_ns) at TSC value *@tsc,
 * from kvmclock's wall clock when the hypervisor offers it, else the CMOS RTC
 * (whole seconds). Returns 0, or -ENODEV when there is no wall clock.
 */
int arch_wall_clock(int64_t *unix_ns, uint64_t *tsc);

#endif
