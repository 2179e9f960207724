/* SPDX-License-Identifier: MIT */
/*
 * cpu.c - setting up a CPU for the scheduler, and what the scheduler asks of
 * it afterwards (include/kernel/smp.h).
 *
 * arch_cpu_init() runs on each CPU itself: CPU 0 from x86_boot() before
 * kmain(), so this_cpu() works from kmain() on; every other CPU on its way
 * in from the trampoline (smp.c). After it the CPU has its own GDT, TSS and
 * IST stacks, the shared IDT, %gs pointing at its struct cpu, SSE usable by
 * applications, and its local APIC on with the timer disarmed.
 *
 * Interrupts stay disabled everywhere except across the HLT in arch_idle():
 * the only interrupts are the wake-up IPI and the timer, which exist to end
 * that HLT.
 */
#include <stdint.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/ctrl_regs.h>
#include <asm/desc.h>
#include <asm/irq_vectors.h>
#include <asm/pic.h>
#include "cpu_reg.h"

static inline void write_cr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

/*
 * x87 and SSE on, native error reporting, no lazy switching (SDM vol. 3A
 * §13.1.3 and §9.2): the scheduler saves the x87 control word and MXCSR at
 * each switch, and applications may use SSE. The kernel itself is built
 * without (-mgeneral-regs-only).
 */
static void cpu_enable_sse(void)
{
	uint32_t mxcsr = MXCSR_DEFAULT;

	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ __volatile__("fninit; ldmxcsr %0" : : "m"(mxcsr) : "memory");
}

void arch_cpu_init(struct cpu *c)
{
	c->self = c;
	gdt_init_cpu(c->id);
	idt_load();
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	cpu_enable_sse();
	if (c->id == 0) {
		pic_disable();
	}
	lapic_init(c->id == 0);
}

void arch_wake_cpu(unsigned int cpu)
{
	lapic_send_fixed(cpu_data[cpu].apic_id, WAKE_IPI_VECTOR);
}

void arch_timer_arm(uint64_t tsc_deadline)
{
	lapic_timer_arm(tsc_deadline);
}

/*
 * STI takes effect after the next instruction (SDM vol. 2B, STI), so no
 * interrupt can be taken between it and the HLT: a wake-up that is already
 * pending ends the HLT at once instead of being lost before it.
 */
void arch_idle(void)
{
	__asm__ __volatile__("sti; hlt; cli" ::: "memory");
}
