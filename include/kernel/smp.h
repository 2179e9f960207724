/* SPDX-License-Identifier: MIT */
/*
 * smp.h - what the scheduler needs from the architecture to run on several
 * CPUs (arch/x86_64/kernel/smp.c, apic.c, cpu.c). Boot order, on CPU 0:
 *
 *   n = arch_cpus_discover();      firmware tables -> cpu_data[].apic_id
 *   arch_cpu_init(&cpu_data[0]);   CPU 0's GS base, TSS, LAPIC, SSE
 *   for each other CPU i:
 *       arch_cpu_start(&cpu_data[i], stack_top, entry)
 *           the AP runs arch_cpu_init(itself), then entry(itself) on stack_top
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdint.h>
#include <kernel/percpu.h>

/* CPU 0: count the CPUs (before the boot line); returns cpu_count(). */
unsigned int smp_discover(void);

/* CPU 0, after sched_init(): start every other CPU's scheduler. */
void smp_start(void);

/*
 * Find the CPUs (ACPI MADT, else the MP table, else just the boot CPU), fill
 * cpu_data[i].id/apic_id with the boot CPU first, and return how many (at
 * most NR_CPUS; more are reported and ignored).
 */
unsigned int arch_cpus_discover(void);

/*
 * On the CPU @c itself: per-CPU descriptor tables and IST stacks, GS base =
 * @c, local APIC enabled, legacy PICs masked (boot CPU), SSE/x87 set up.
 */
void arch_cpu_init(struct cpu *c);

/*
 * From CPU 0: start CPU @c (INIT-SIPI-SIPI); it calls arch_cpu_init(c) and
 * then @entry(c) on the stack ending at @stack_top, never returning.
 * Returns 0 once the CPU runs, or -ETIMEDOUT.
 */
int arch_cpu_start(struct cpu *c, void *stack_top, void (*entry)(struct cpu *c));

/* Wake CPU @cpu from arch_idle() (a fixed IPI whose handler only acknowledges). */
void arch_wake_cpu(unsigned int cpu);

/*
 * Arm this CPU's timer to interrupt at TSC value @tsc_deadline (0 = disarm).
 * The interrupt only wakes the CPU from arch_idle(); nothing runs in it.
 */
void arch_timer_arm(uint64_t tsc_deadline);

/*
 * Halt until an interrupt (timer or wake IPI) arrives. Interrupts are enabled
 * only across the HLT itself (STI; HLT), so a wake-up between the caller's
 * last check and the HLT is not lost.
 */
void arch_idle(void);

#endif
