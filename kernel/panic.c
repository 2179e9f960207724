/* SPDX-License-Identifier: MIT */
/*
 * panic.c - the kernel cannot go on: say why, show where, stop the machine
 * with PANIC_EXIT_CODE so a test (or a person) sees the failure.
 *
 * panic_stop() is the common end of panic() and of fatal CPU exceptions
 * (arch/x86_64/kernel/traps.c), which print their own report first.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <kernel/backtrace.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

void panic_stop(void)
{
	static bool stopping;

	/* If stopping itself fails (faults, panics), only halting is left. */
	if (!stopping) {
		stopping = true;
		if (IS_ENABLED(CONFIG_DEBUG_EXIT)) {
			arch_debug_exit(PANIC_EXIT_CODE);
		}
		arch_poweroff();
	}
	arch_halt();
}

__cold void panic(const char *fmt, ...)
{
	static bool panicking;
	va_list ap;

	if (panicking) {
		panic_stop();
	}
	panicking = true;
	printk(LOGLEVEL_EMERG, "Kernel panic: ");
	va_start(ap, fmt);
	vprintk(LOGLEVEL_EMERG, fmt, ap);
	va_end(ap);
	printk(LOGLEVEL_EMERG, "\nCall trace:\n");
	/* Our own frame: the first line is panic()'s caller. */
	backtrace_print((uintptr_t)__builtin_frame_address(0));
	panic_stop();
}
