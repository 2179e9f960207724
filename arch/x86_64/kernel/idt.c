/* SPDX-License-Identifier: MIT */
/*
 * idt.c - the interrupt descriptor table.
 *
 * All 256 vectors exist; 0-31 point at the exception stubs of entry.S, the
 * local APIC's timer, wake-up and spurious vectors at their stubs there; the
 * device vectors (IRQ_DEVICE_FIRST..LAST) at the stubs that call
 * irq_dispatch(), which runs what irq_vector_alloc() registered; the
 * rest stay not present until interrupt controllers claim them (a stray
 * interrupt there raises #NP, whose report names the vector). One IDT
 * serves every CPU. Every gate is an interrupt gate, so IF is clear in
 * every handler (Intel SDM vol. 3A §6.12.1.3). Double fault, NMI and
 * machine check switch to their own IST stacks (§6.14.5): they must work
 * when the stack in use is the problem.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <asm/boot.h>
#include <asm/desc.h>
#include <asm/irq_vectors.h>

/* entry.S: EXCEPTION_COUNT stubs, EXCEPTION_STUB_SIZE bytes apart. */
extern const char exception_stubs[];
/* entry.S: EOI and return (timer, wake-up IPI); just return (spurious). */
extern const char irq_lapic_ack[], irq_spurious[];
/* entry.S: IRQ_DEVICE_COUNT stubs, IRQ_STUB_SIZE bytes apart, joining irq_dispatch(). */
extern const char irq_stubs[];
/* apic.c: the local APIC's EOI register (the same address on every CPU). */
extern uintptr_t lapic_eoi_register;

/*
 * The handler of each device vector; NULL: free. Claimed with a
 * compare-and-swap so two CPUs may allocate at once; the argument is
 * written before the handler is published.
 */
static struct {
	void (*handler)(void *arg);
	void *arg;
} irq_table[IRQ_DEVICE_COUNT];

/* Never called: marks a vector taken while its real handler is stored. */
static void irq_claimed(void *arg)
{
	(void)arg;
}

static struct idt_gate idt[IDT_ENTRIES] __aligned(16);

static const uint8_t exception_ist[EXCEPTION_COUNT] = {
	[X86_TRAP_NMI] = IST_NMI,
	[X86_TRAP_DF] = IST_DOUBLE_FAULT,
	[X86_TRAP_MC] = IST_MACHINE_CHECK,
};

static __cold void idt_set_gate(unsigned int vector, uintptr_t handler, uint8_t ist)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = (uint16_t)handler;
	g->selector = GDT_KERNEL_CS;
	g->ist = ist;
	g->access = DESC_PRESENT | DESC_TYPE_INTERRUPT_GATE;
	g->offset_mid = (uint16_t)(handler >> 16);
	g->offset_high = (uint32_t)(handler >> 32);
}

int irq_vector_alloc(void (*handler)(void *arg), void *arg)
{
	for (unsigned int i = 0; i < IRQ_DEVICE_COUNT; i++) {
		void (*expected)(void *) = NULL;

		if (__atomic_compare_exchange_n(&irq_table[i].handler, &expected, irq_claimed,
						false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			irq_table[i].arg = arg;
			/* Release: irq_dispatch() that sees the handler sees its argument. */
			__atomic_store_n(&irq_table[i].handler, handler, __ATOMIC_RELEASE);
			return IRQ_DEVICE_FIRST + i;
		}
	}
	return -ENOSPC;
}

void irq_vector_free(int vector)
{
	if (vector >= IRQ_DEVICE_FIRST && vector <= IRQ_DEVICE_LAST) {
		__atomic_store_n(&irq_table[vector - IRQ_DEVICE_FIRST].handler, NULL,
				 __ATOMIC_RELEASE);
	}
}

/* entry.S irq_common: run the vector's handler, then acknowledge (SDM vol. 3A §10.8.5). */
void irq_dispatch(uint64_t vector);
void irq_dispatch(uint64_t vector)
{
	unsigned int i = vector - IRQ_DEVICE_FIRST;
	void (*handler)(void *);

	if (i < IRQ_DEVICE_COUNT) {
		handler = __atomic_load_n(&irq_table[i].handler, __ATOMIC_ACQUIRE);
		if (handler) {
			handler(irq_table[i].arg);
		}
	}
	*(volatile uint32_t *)lapic_eoi_register = 0;
}

void idt_load(void)
{
	struct desc_ptr ptr = {sizeof(idt) - 1, (uintptr_t)idt};

	__asm__ __volatile__("lidt %0" : : "m"(ptr) : "memory");
}

void idt_init(void)
{
	for (unsigned int v = 0; v < EXCEPTION_COUNT; v++) {
		idt_set_gate(v, (uintptr_t)(exception_stubs + v * EXCEPTION_STUB_SIZE),
			     exception_ist[v]);
	}
	idt_set_gate(LAPIC_TIMER_VECTOR, (uintptr_t)irq_lapic_ack, 0);
	idt_set_gate(WAKE_IPI_VECTOR, (uintptr_t)irq_lapic_ack, 0);
	idt_set_gate(SPURIOUS_VECTOR, (uintptr_t)irq_spurious, 0);
	for (unsigned int v = IRQ_DEVICE_FIRST; v <= IRQ_DEVICE_LAST; v++) {
		idt_set_gate(v, (uintptr_t)(irq_stubs + (v - IRQ_DEVICE_FIRST) * IRQ_STUB_SIZE), 0);
	}
	idt_load();
}
