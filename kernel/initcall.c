/* SPDX-License-Identifier: MIT */
/*
 * initcall.c - run the init functions the linker gathered (initcall.h).
 * The linker script lays the levels out in order and marks where each
 * begins; level N runs from its start symbol to the next level's.
 */
#define pr_fmt(fmt) "init: " fmt
#include <kernel/initcall.h>
#include <kernel/printk.h>

extern const initcall_fn __initcall0_start[], __initcall1_start[], __initcall2_start[],
	__initcall3_start[], __initcall4_start[], __initcall5_start[], __initcall6_start[], __initcall7_start[],
	__initcall8_start[], __initcall_end[];

static const initcall_fn *const level_start[] = {
	__initcall0_start, __initcall1_start, __initcall2_start, __initcall3_start,
	__initcall4_start, __initcall5_start, __initcall6_start, __initcall7_start,
	__initcall8_start, __initcall_end,
};

void initcalls_run(int level)
{
	if (level < 0 || level >= (int)ARRAY_SIZE(level_start) - 1) {
		return;
	}
	for (const initcall_fn *p = level_start[level]; p < level_start[level + 1]; p++) {
		int err = (*p)();

		if (err) {
			pr_err("%p failed: %d\n", (void *)*p, err);
		}
	}
}
