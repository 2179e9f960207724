/* SPDX-License-Identifier: MIT */
/*
 * smp_up.c - TEMPORARY weak uniprocessor versions of the smp.h functions, so
 * the scheduler builds and runs on one CPU until the x86 SMP code lands
 * (arch/x86_64/kernel/{cpus,apic,smp,cpu}.c override every one of them).
 * Delete this file then.
 */
#include <kernel/smp.h>
#include <asm/cpu.h>

#define MSR_GS_BASE 0xc0000101
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR0_EM (1u << 2)
#define CR0_MP (1u << 1)

static uint64_t deadline;

__attribute__((weak)) unsigned int arch_cpus_discover(void)
{
	cpu_data[0].id = 0;
	return 1;
}

__attribute__((weak)) void arch_cpu_init(struct cpu *c)
{
	uint64_t cr0, cr4;

	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %0, %%cr0" : : "r"((cr0 & ~(uint64_t)CR0_EM) | CR0_MP));
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT));
	__asm__ __volatile__("fninit");
}

__attribute__((weak)) int arch_cpu_start(struct cpu *c, void *stack_top,
					 void (*entry)(struct cpu *c))
{
	return -1;
}

__attribute__((weak)) void arch_wake_cpu(unsigned int cpu)
{
}

__attribute__((weak)) void arch_timer_arm(uint64_t tsc_deadline)
{
	deadline = tsc_deadline;
}

/* No timer interrupt yet: wait for the deadline by spinning. */
__attribute__((weak)) void arch_idle(void)
{
	while (deadline && rdtsc() < deadline) {
		cpu_relax();
	}
}
