/* SPDX-License-Identifier: MIT */
/* panic.h - stopping the machine: normal exit, and panic. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/compiler.h>

/* Exit code used when the kernel panics or a CPU exception is fatal. */
#define PANIC_EXIT_CODE 0x7f

/* Print a message and a backtrace, then stop the machine (exit code 0x7f). */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Stop the machine with PANIC_EXIT_CODE after a report was printed (panic, exceptions). */
void panic_stop(void) __noreturn __cold;

/*
 * Sync, print boot statistics, and stop: with CONFIG_DEBUG_EXIT QEMU exits
 * with (code << 1) | 1, otherwise the machine powers off through ACPI.
 */
void machine_exit(int code) __noreturn;

/* Architecture: write @code to isa-debug-exit, then try ACPI S5. */
void arch_debug_exit(int code);
void arch_poweroff(void);
void arch_halt(void) __noreturn;

#endif
