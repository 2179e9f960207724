/* SPDX-License-Identifier: MIT */
/*
 * edu_reg.h - QEMU's "edu" educational PCI device (QEMU docs/specs/edu.rst):
 * ids and the registers of BAR 0 used by the interrupt self-test.
 */
#ifndef DRIVERS_MISC_EDU_REG_H
#define DRIVERS_MISC_EDU_REG_H

#define EDU_VENDOR_ID 0x1234
#define EDU_DEVICE_ID 0x11e8

/* BAR 0 registers (edu.rst "MMIO area spec"), 32 bits each. */
#define EDU_REG_IDENT 0x00	/* 0xRRrr00ed: major, minor, 0x00, 0xed */
#define EDU_REG_LIVENESS 0x04	/* reads back the bitwise inverse of what was written */
#define EDU_REG_IRQ_STATUS 0x24 /* the bits raised and not yet acknowledged */
#define EDU_REG_IRQ_RAISE 0x60	/* writing ORs the value into the status and interrupts */
#define EDU_REG_IRQ_ACK 0x64	/* writing clears those status bits; INTx drops at zero */

#define EDU_IDENT_MAGIC_MASK 0xff
#define EDU_IDENT_MAGIC 0xed

#endif
