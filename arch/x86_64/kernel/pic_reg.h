/* SPDX-License-Identifier: MIT */
/*
 * pic_reg.h - the two cascaded Intel 8259A programmable interrupt controllers
 * of the PC (8259A datasheet, order no. 231468: "Initialization Command
 * Words", "Operation Command Words"). The master's IR2 input is the slave.
 */
#ifndef X86_PIC_REG_H
#define X86_PIC_REG_H

#define PIC_MASTER_CMD 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD 0xa0
#define PIC_SLAVE_DATA 0xa1

/* ICW1: initialisation starts; ICW4 follows; cascade mode; edge-triggered. */
#define PIC_ICW1_INIT 0x10
#define PIC_ICW1_ICW4 0x01
/* ICW3: on the master, a bit per input with a slave; on the slave, its input number. */
#define PIC_CASCADE_IR 2
#define PIC_ICW3_MASTER (1u << PIC_CASCADE_IR)
#define PIC_ICW3_SLAVE PIC_CASCADE_IR
/* ICW4: 8086/8088 mode, normal end of interrupt. */
#define PIC_ICW4_8086 0x01
/* OCW1 is the interrupt mask register: a set bit masks that input. */
#define PIC_MASK_ALL 0xff

#endif
