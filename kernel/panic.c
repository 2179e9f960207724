/* SPDX-License-Identifier: MIT */
/*
 * panic.c - the kernel cannot go on: say why, show where, stop the machine
 * with PANIC_EXIT_CODE so a test (or a person) sees the failure.
 */
#include <stdarg.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

void panic(const char *fmt, ...)
{
	va_list ap;

	printk(LOGLEVEL_EMERG, "Kernel panic: ");
	va_start(ap, fmt);
	vprintk(LOGLEVEL_EMERG, fmt, ap);
	va_end(ap);
	printk(LOGLEVEL_EMERG, "\n");
	if (IS_ENABLED(CONFIG_DEBUG_EXIT)) {
		arch_debug_exit(PANIC_EXIT_CODE);
	}
	arch_poweroff();
	arch_halt();
}
