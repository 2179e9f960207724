/* SPDX-License-Identifier: MIT */
/* lapic.h - the calling CPU's local APIC as apic.c and apic_timer.c share it. */
#ifndef X86_LAPIC_H
#define X86_LAPIC_H

#include <stdint.h>
#include <asm/io.h>

/* The local APIC's MMIO page (apic.c); the same address on every CPU. */
extern uintptr_t lapic_base;

/*
 * The EOI register's address, for the interrupt stubs of entry.S (they
 * acknowledge with one store, without calling C).
 */
extern uintptr_t lapic_eoi_register;

/*
 * Program the calling CPU's timer for its mode, disarmed (apic_timer.c;
 * lapic_init() calls it): TSC deadline when the CPU has it, else one-shot.
 */
void lapic_timer_setup(void);

static inline uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(lapic_base + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(lapic_base + reg, v);
}

#endif
