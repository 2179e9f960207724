/* SPDX-License-Identifier: MIT */
/* pic.h - the legacy 8259 PICs (arch/x86_64/kernel/pic.c). */
#ifndef ASM_PIC_H
#define ASM_PIC_H

/*
 * Remap both PICs to PIC_MASTER_VECTOR/PIC_SLAVE_VECTOR (asm/irq_vectors.h)
 * and mask every input. Boot CPU, once, with interrupts off. Harmless where
 * there are no PICs (writes to unused ports are dropped).
 */
void pic_disable(void);

#endif
