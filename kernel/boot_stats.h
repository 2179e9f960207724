/* SPDX-License-Identifier: MIT */
/*
 * boot_stats.h - CONFIG_BOOT_STATS: TSC marks at kmain and main, printed at
 * exit with the first-instruction mark. Without the option the calls vanish.
 */
#ifndef KERNEL_BOOT_STATS_H
#define KERNEL_BOOT_STATS_H

#include <stdint.h>

enum boot_stat { BOOT_STAT_KMAIN, BOOT_STAT_MAIN, BOOT_STAT_EXIT, BOOT_STAT_COUNT };

void boot_stats_record(enum boot_stat which);
void boot_stats_print(void);

static inline void boot_stats_mark(enum boot_stat which)
{
	if (IS_ENABLED(CONFIG_BOOT_STATS)) {
		boot_stats_record(which);
	}
}

#endif
