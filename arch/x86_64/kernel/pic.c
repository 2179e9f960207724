/* SPDX-License-Identifier: MIT */
/*
 * pic.c - putting the legacy 8259 PICs out of the way.
 *
 * Interrupts go through the IOAPICs and local APICs, but pc and q35 (and
 * microvm, unless pic=off) still have the two 8259s, which the BIOS leaves
 * mapped to vectors 8-15 - the CPU's exception vectors. They are
 * re-initialised to PIC_MASTER_VECTOR and PIC_SLAVE_VECTOR and then fully
 * masked (ACPI 6.5 §5.2.12, MADT flag PCAT_COMPAT: "the 8259 vectors must be
 * disabled"), so that even a stray IRQ could not pass for an exception.
 */
#include <asm/io.h>
#include <asm/irq_vectors.h>
#include <asm/pic.h>
#include "pic_reg.h"

void pic_disable(void)
{
	/* The four initialisation command words, in the order the 8259A expects. */
	outb(PIC_MASTER_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
	outb(PIC_SLAVE_CMD, PIC_ICW1_INIT | PIC_ICW1_ICW4);
	outb(PIC_MASTER_DATA, PIC_MASTER_VECTOR);
	outb(PIC_SLAVE_DATA, PIC_SLAVE_VECTOR);
	outb(PIC_MASTER_DATA, PIC_ICW3_MASTER);
	outb(PIC_SLAVE_DATA, PIC_ICW3_SLAVE);
	outb(PIC_MASTER_DATA, PIC_ICW4_8086);
	outb(PIC_SLAVE_DATA, PIC_ICW4_8086);
	/* OCW1: mask everything. */
	outb(PIC_MASTER_DATA, PIC_MASK_ALL);
	outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
}
