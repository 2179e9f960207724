/* SPDX-License-Identifier: MIT */
/*
 * apic_timer.c - the local APIC timer as each CPU's wake-up alarm.
 *
 * arch_timer_arm() takes an absolute TSC value. Two ways to get an interrupt
 * then (Intel SDM vol. 3A §10.5.4):
 *  - TSC-deadline mode, when CPUID.01H:ECX[24] says the CPU has it: the
 *    timer fires once the TSC reaches IA32_TSC_DEADLINE; 0 disarms. Exact,
 *    and nothing to measure.
 *  - one-shot mode otherwise (QEMU's TCG among others): the timer counts
 *    down from an initial count at its own rate and fires at 0. The TSC
 *    delta is converted to timer ticks with a ratio measured once against
 *    the TSC, lazily, by the first CPU that arms a timer (~1 ms); the rate
 *    is the bus clock, the same for every CPU.
 * The interrupt (LAPIC_TIMER_VECTOR) only ends a HLT: its handler in entry.S
 * acknowledges it and returns.
 */
#define pr_fmt(fmt) "apic: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <kernel/once.h>
#include <kernel/printk.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/irq_vectors.h>
#include <asm/time.h>
#include "apic_reg.h"
#include "clocks.h"
#include "lapic.h"

/* The ratio is a 32.32 fixed-point number: timer ticks per TSC tick. */
#define RATIO_SHIFT 32

static bool deadline_mode;
static int rate_state;
static uint64_t ticks_per_tsc;

static bool cpu_has_tsc_deadline(void)
{
	uint32_t a, b, c, d;

	cpuid(CPUID_FEATURES, 0, &a, &b, &c, &d);
	return c & CPUID_ECX_TSC_DEADLINE;
}

void lapic_timer_setup(void)
{
	/* Every CPU finds the same answer; the store is only for lapic_timer_arm(). */
	bool deadline = cpu_has_tsc_deadline();

	__atomic_store_n(&deadline_mode, deadline, __ATOMIC_RELAXED);
	if (deadline) {
		lapic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_TSC_DEADLINE | LAPIC_TIMER_VECTOR);
		/* §10.5.4.1: MFENCE orders the LVT write before the MSR write. */
		__asm__ __volatile__("mfence" ::: "memory");
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
		return;
	}
	lapic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_1);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_ONESHOT | LAPIC_TIMER_VECTOR);
	lapic_write(APIC_TIMER_INITIAL, 0);
}

/*
 * Count the timer down for a millisecond of TSC (a conservative bound when
 * the TSC rate is unknown) and keep the ratio. The two clocks are read in
 * the same order at both ends, so the read latency cancels out.
 */
static void lapic_timer_measure(void)
{
	uint64_t khz = tsc_khz(), window = khz ? khz : TSC_AT_LEAST_MS(1), t0, t1;
	uint32_t c0, c1;

	lapic_write(APIC_TIMER_INITIAL, APIC_TIMER_COUNT_MAX);
	t0 = rdtsc_ordered();
	c0 = lapic_read(APIC_TIMER_CURRENT);
	while (rdtsc() - t0 < window) {
		cpu_relax();
	}
	t1 = rdtsc_ordered();
	c1 = lapic_read(APIC_TIMER_CURRENT);
	lapic_write(APIC_TIMER_INITIAL, 0);

	ticks_per_tsc = ((uint64_t)(c0 - c1) << RATIO_SHIFT) / (t1 - t0);
	if (!ticks_per_tsc) {
		pr_warn("the local APIC timer does not count; idle CPUs will poll\n");
		return;
	}
	if (khz) {
		pr_info("timer: one-shot, %llu kHz\n",
			(unsigned long long)((ticks_per_tsc * khz) >> RATIO_SHIFT));
	}
}

/* Timer ticks from now until TSC value @deadline: at least 1, at most the counter's range. */
static uint32_t ticks_until(uint64_t deadline)
{
	uint64_t now = rdtsc();
	unsigned __int128 ticks;

	if (deadline <= now) {
		return 1;
	}
	ticks = ((unsigned __int128)(deadline - now) * ticks_per_tsc) >> RATIO_SHIFT;
	/* Rounded up, so that it does not fire before the deadline. */
	return ticks >= APIC_TIMER_COUNT_MAX ? APIC_TIMER_COUNT_MAX : (uint32_t)ticks + 1;
}

void lapic_timer_arm(uint64_t tsc_deadline)
{
	if (__atomic_load_n(&deadline_mode, __ATOMIC_RELAXED)) {
		wrmsr(MSR_IA32_TSC_DEADLINE, tsc_deadline);
		return;
	}
	if (!tsc_deadline) {
		lapic_write(APIC_TIMER_INITIAL, 0);
		return;
	}
	once(&rate_state, lapic_timer_measure);
	lapic_write(APIC_TIMER_INITIAL, ticks_until(tsc_deadline));
}
