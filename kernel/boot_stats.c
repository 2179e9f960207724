/* SPDX-License-Identifier: MIT */
/*
 * boot_stats.c - CONFIG_BOOT_STATS (see boot_stats.h).
 *
 * Printed as one line that `make bench` parses:
 *   boot-stats: kmain 120 us, main 450 us, exit 470 us, tsc 2995000 kHz
 * Times count from the kernel's first instruction (the MBR's on BIOS).
 */
#define pr_fmt(fmt) "boot-stats: " fmt
#include <kernel/printk.h>
#include <asm/cpu.h>
#include <asm/time.h>
#include "boot_stats.h"

static uint64_t marks[BOOT_STAT_COUNT];

void boot_stats_record(enum boot_stat which)
{
	marks[which] = rdtsc();
}

static unsigned long long to_us(uint64_t tsc, uint64_t khz)
{
	if (!boot_tsc_entry || tsc < boot_tsc_entry) {
		return 0;
	}
	return (unsigned long long)((tsc - boot_tsc_entry) * 1000 / khz);
}

void boot_stats_print(void)
{
	uint64_t khz = tsc_khz();

	if (!khz) {
		pr_warn("TSC frequency unknown\n");
		return;
	}
	pr_info("kmain %llu us, main %llu us, exit %llu us, tsc %llu kHz\n",
		to_us(marks[BOOT_STAT_KMAIN], khz), to_us(marks[BOOT_STAT_MAIN], khz),
		to_us(marks[BOOT_STAT_EXIT], khz), (unsigned long long)khz);
}
