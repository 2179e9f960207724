/* SPDX-License-Identifier: MIT */
/*
 * apic.h - the local APIC of each CPU (arch/x86_64/kernel/apic.c, apic_timer.c):
 * xAPIC mode through its MMIO page, inter-processor interrupts and the timer.
 *
 * lapic_init() runs on every CPU from arch_cpu_init(), the boot CPU first;
 * the other functions act on the calling CPU's own local APIC. Register
 * access and the rest shared by apic.c and apic_timer.c: lapic.h.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Enable the calling CPU's local APIC (globally in IA32_APIC_BASE and by
 * software in the SVR), mask its local interrupt lines and program its timer
 * to LAPIC_TIMER_VECTOR, disarmed. @boot_cpu: LINT1 stays the NMI input.
 */
void lapic_init(bool boot_cpu);

/* The calling CPU's APIC id, from its local APIC ID register. */
uint32_t lapic_id(void);

/*
 * Inter-processor interrupts to the CPU with APIC id @apic_id: a fixed
 * interrupt at @vector, an INIT, a start-up IPI at real-mode page @page
 * (physical @page * 4 KiB). Each waits until the local APIC has sent it.
 * Return 0, or -ETIMEDOUT when the APIC stays busy.
 */
int lapic_send_fixed(uint32_t apic_id, uint8_t vector);
int lapic_send_init(uint32_t apic_id);
int lapic_send_startup(uint32_t apic_id, uint8_t page);

/*
 * Interrupt at TSC value @tsc_deadline (already past: at once; 0: disarm).
 * In one-shot mode the first call measures the timer's rate against the TSC
 * (about 1 ms, once for all CPUs). One-shot mode may fire a little early or
 * late (by the error of that measurement): callers recheck the time when woken.
 */
void lapic_timer_arm(uint64_t tsc_deadline);

#endif
