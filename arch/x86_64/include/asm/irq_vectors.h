/* SPDX-License-Identifier: MIT */
/*
 * irq_vectors.h - which IDT vector each interrupt source uses.
 *
 * Vectors 0-31 are the CPU's exceptions (desc_reg.h). The local APIC ranks
 * interrupts by priority class, vector >> 4 (Intel SDM vol. 3A §10.8.3.1);
 * the task priority stays 0, so every class is accepted and the order only
 * matters when several are pending at once. The wake-up sources sit in the
 * top class, above any device interrupt routed later.
 */
#ifndef ASM_IRQ_VECTORS_H
#define ASM_IRQ_VECTORS_H

/*
 * The legacy 8259 PICs are remapped here, away from the exception vectors
 * their power-on mapping (IRQ 0-7 -> vectors 8-15) collides with, and then
 * masked: nothing should arrive, but a stray IRQ then never looks like a
 * double fault.
 */
#define PIC_MASTER_VECTOR 0x20 /* IRQ 0-7 */
#define PIC_SLAVE_VECTOR 0x28  /* IRQ 8-15 */

/*
 * Device interrupts (MSI, MSI-X, INTx through the IOAPIC): a pool handed out
 * by irq_vector_alloc() (idt.c). Each vector has a stub of IRQ_STUB_SIZE
 * bytes in entry.S that joins irq_dispatch().
 */
#define IRQ_DEVICE_FIRST 0x30
#define IRQ_DEVICE_LAST 0xef
#define IRQ_DEVICE_COUNT (IRQ_DEVICE_LAST - IRQ_DEVICE_FIRST + 1)
#define IRQ_STUB_SIZE 16

#ifndef __ASSEMBLER__
/*
 * A free device vector whose interrupt calls @handler(@arg) with interrupts
 * off, followed by the local APIC EOI. Returns the vector, or -ENOSPC.
 */
int irq_vector_alloc(void (*handler)(void *arg), void *arg);
/* Give @vector back; its interrupt source must already be quiet. */
void irq_vector_free(int vector);
#endif

/* The local APIC timer (arch_timer_arm()): ends HLT, nothing else. */
#define LAPIC_TIMER_VECTOR 0xf0

/* The wake-up IPI (arch_wake_cpu()): ends HLT, nothing else. */
#define WAKE_IPI_VECTOR 0xf1

/*
 * The local APIC's spurious-interrupt vector (SDM vol. 3A §10.9). Bits 3:0
 * are hard-wired to 1 on P6 and Pentium processors, so 0xff fits them all.
 * Its handler must not send an EOI.
 */
#define SPURIOUS_VECTOR 0xff

#endif
