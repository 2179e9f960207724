/* SPDX-License-Identifier: MIT */
/*
 * ioapic_reg.h - the I/O APIC's registers: Intel 82093AA I/O APIC datasheet
 * (order no. 290566) §3.0-3.2. Two MMIO registers select and access the
 * indirect registers; all are 32 bits wide.
 */
#ifndef X86_IOAPIC_REG_H
#define X86_IOAPIC_REG_H

/* Direct registers, offsets from the IOAPIC's base (§3.0, table 1). */
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_EOI 0x40 /* version 0x20 and later: write a vector to end its level interrupt */

/* Indirect registers (§3.2, table 2). */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VERSION 0x01
/* Redirection entry n: 64 bits in two indirect registers (§3.2.4). */
#define IOAPIC_REG_REDIR_LOW(n) (0x10 + 2 * (n))
#define IOAPIC_REG_REDIR_HIGH(n) (0x11 + 2 * (n))

/* Version register (§3.2.2): bits 23:16 = number of redirection entries - 1. */
#define IOAPIC_VERSION_MAX_REDIR_SHIFT 16
#define IOAPIC_VERSION_MAX_REDIR_MASK 0xff
#define IOAPIC_VERSION_MASK 0xff
#define IOAPIC_VERSION_EOI_REG 0x20

/* Redirection entry, low dword (§3.2.4): bit 16 masks the input. */
#define IOAPIC_REDIR_MASKED (1u << 16)
/* Bits 7:0 the vector; delivery mode fixed (0) and physical destination (0). */
#define IOAPIC_REDIR_VECTOR_MASK 0xffu
#define IOAPIC_REDIR_ACTIVE_LOW (1u << 13)
#define IOAPIC_REDIR_REMOTE_IRR (1u << 14)
#define IOAPIC_REDIR_LEVEL (1u << 15)
/* High dword: bits 31:24 (entry bits 63:56) the destination APIC id. */
#define IOAPIC_REDIR_DEST_SHIFT 24

#endif
