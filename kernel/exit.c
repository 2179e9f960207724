/* SPDX-License-Identifier: MIT */
/*
 * exit.c - the end of a run: after main() returns (or on panic), report and
 * stop the machine so the VMM exits by itself.
 */
#define pr_fmt(fmt) "toro: " fmt
#include <kernel/panic.h>
#include <kernel/printk.h>
#include "boot_stats.h"

void machine_exit(int code)
{
	boot_stats_mark(BOOT_STAT_EXIT);
	pr_info("exit code %d\n", code);
	if (IS_ENABLED(CONFIG_BOOT_STATS)) {
		boot_stats_print();
	}
	if (IS_ENABLED(CONFIG_DEBUG_EXIT)) {
		arch_debug_exit(code);
	}
	arch_poweroff();
	pr_emerg("power-off did not happen; halting\n");
	arch_halt();
}
