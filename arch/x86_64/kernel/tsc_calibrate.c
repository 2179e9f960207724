/* SPDX-License-Identifier: MIT */
/*
 * tsc_calibrate.c - the TSC frequency, for CONFIG_BOOT_STATS only (the
 * timekeeping of issue 4 will own this). Never on the boot path: it runs when
 * the statistics are printed, at exit.
 *
 * Sources, best first: CPUID 0x15 (TSC/crystal ratio, SDM vol. 2A), the
 * hypervisor's frequency leaf 0x40000010 (KVM, VMware), else a 20 ms count
 * against PIT channel 0, read by latching (no speaker gate, which microvm
 * lacks), repeated until two runs agree within 1%.
 */
#include <stdbool.h>
#include <stdint.h>
#include <asm/cpu.h>
#include <asm/io.h>

uint64_t tsc_khz(void);

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LATCH 0x00
#define PIT_CMD_CH0_MODE2_LOHI 0x34	  /* channel 0, lo/hi byte, rate generator */
#define CALIBRATE_PIT_TICKS (PIT_HZ / 50) /* 20 ms */

static uint64_t khz_from_cpuid(void)
{
	uint32_t a, b, c, d, max;

	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c) {
			return (uint64_t)c * b / a / 1000;
		}
	}
	cpuid(0x40000000, 0, &max, &b, &c, &d);
	if (max >= 0x40000010) {
		cpuid(0x40000010, 0, &a, &b, &c, &d);
		if (a) {
			return a;
		}
	}
	return 0;
}

static uint16_t pit_read(void)
{
	uint8_t lo, hi;

	outb(PIT_CMD, PIT_CMD_CH0_LATCH);
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	return (uint16_t)(hi << 8 | lo);
}

static uint64_t khz_from_pit_once(void)
{
	uint32_t elapsed = 0;
	uint16_t last;
	uint64_t t0, t1;

	outb(PIT_CMD, PIT_CMD_CH0_MODE2_LOHI);
	outb(PIT_CH0, 0);
	outb(PIT_CH0, 0); /* reload 0 = 65536 */
	last = pit_read();
	t0 = rdtsc();
	while (elapsed < CALIBRATE_PIT_TICKS) {
		uint16_t now = pit_read();

		elapsed += (uint16_t)(last - now); /* counts down, wraps at 65536 */
		last = now;
	}
	t1 = rdtsc();
	return (t1 - t0) * PIT_HZ / elapsed / 1000;
}

uint64_t tsc_khz(void)
{
	static uint64_t khz;
	uint64_t prev = 0;

	if (khz) {
		return khz;
	}
	khz = khz_from_cpuid();
	for (int i = 0; !khz && i < 5; i++) {
		uint64_t k = khz_from_pit_once();
		uint64_t diff = k > prev ? k - prev : prev - k;

		if (prev && diff * 100 < prev) {
			khz = k;
		}
		prev = k;
	}
	return khz;
}
