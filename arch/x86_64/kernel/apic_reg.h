/* SPDX-License-Identifier: MIT */
/*
 * apic_reg.h - the local APIC in xAPIC mode, as Intel SDM vol. 3A chapter 10
 * lays it out (section numbers of the editions the rest of the tree cites:
 * ch. 8 multiple-processor management, ch. 10 APIC). Registers are 32 bits
 * wide, 16-byte aligned, in a 4 KiB MMIO page (table 10-1).
 */
#ifndef X86_APIC_REG_H
#define X86_APIC_REG_H

/* IA32_APIC_BASE MSR, §10.4.4, figure 10-5. */
#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_BSP (1ULL << 8)     /* this is the bootstrap processor */
#define APIC_BASE_EXTD (1ULL << 10)   /* x2APIC mode (§10.12.1) */
#define APIC_BASE_ENABLE (1ULL << 11) /* global enable */
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ULL

/* Register offsets from the MMIO base, table 10-1. */
#define APIC_ID 0x020
#define APIC_TPR 0x080 /* task priority */
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0 /* spurious-interrupt vector */
#define APIC_ESR 0x280 /* error status */
#define APIC_ICR_LOW 0x300
#define APIC_ICR_HIGH 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0

/* Local APIC ID register, §10.4.6: the xAPIC id is in bits 31:24. */
#define APIC_ID_SHIFT 24

/* Spurious-interrupt vector register, §10.9, figure 10-23. */
#define APIC_SVR_ENABLE (1u << 8) /* APIC software enable */

/* Local vector table entries, §10.5.1, figure 10-8. */
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_DM_NMI (4u << 8)
#define APIC_LVT_TIMER_ONESHOT (0u << 17)
#define APIC_LVT_TIMER_TSC_DEADLINE (2u << 17)

/* Divide configuration register, §10.5.4, figure 10-10: 1011b = divide by 1. */
#define APIC_TIMER_DIVIDE_BY_1 0xb
/* The initial-count register is 32 bits wide; 0 stops the timer. */
#define APIC_TIMER_COUNT_MAX 0xffffffffu

/* TSC-deadline mode, §10.5.4.1: CPUID.01H:ECX[24] and the deadline MSR. */
#define CPUID_FEATURES 0x01
#define CPUID_ECX_TSC_DEADLINE (1u << 24)
#define MSR_IA32_TSC_DEADLINE 0x6e0

/* Interrupt command register, §10.6.1, figure 10-12. */
#define APIC_ICR_DEST_SHIFT 24 /* in ICR_HIGH: the destination's APIC id */
#define APIC_ICR_DM_FIXED (0u << 8)
#define APIC_ICR_DM_INIT (5u << 8)
#define APIC_ICR_DM_STARTUP (6u << 8)
#define APIC_ICR_BUSY (1u << 12)	 /* delivery status: send pending */
#define APIC_ICR_LEVEL_ASSERT (1u << 14) /* 1 for every IPI but an INIT de-assert */

/* xAPIC ids are 8 bits wide (§10.4.6); 0xff is the broadcast id. */
#define APIC_ID_MAX 0xfe

#endif
