/* SPDX-License-Identifier: MIT */
/* power.c - stopping an x86 machine: QEMU's isa-debug-exit, ACPI S5, halt. */
#include <kernel/errno.h>
#include <kernel/panic.h>
#include <asm/cpu.h>
#include <asm/acpi.h>
#include <asm/io.h>

/* QEMU isa-debug-exit, as `make run` and the tests configure it. */
#define DEBUG_EXIT_PORT 0xf4

void arch_debug_exit(int code)
{
	/* QEMU exits at once with status (code << 1) | 1. */
	outb(DEBUG_EXIT_PORT, (uint8_t)code);
}

/*
 * The VMM acts on an S5 request when the vCPU next leaves guest code, which
 * may be a little after the write: give it a moment before calling it failed.
 */
#define POWEROFF_GRACE_SPINS 10000000

void arch_poweroff(void)
{
	if (acpi_poweroff() == -ENODEV) {
		return;
	}
	for (long i = 0; i < POWEROFF_GRACE_SPINS; i++) {
		cpu_relax();
	}
}

void arch_halt(void)
{
	for (;;) {
		irq_disable();
		cpu_halt();
	}
}
