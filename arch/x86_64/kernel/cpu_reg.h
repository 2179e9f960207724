/* SPDX-License-Identifier: MIT */
/*
 * cpu_reg.h - control-register bits and MSRs that arch_cpu_init() sets up
 * (Intel SDM vol. 3A §2.5 control registers, §13.1 SSE/x87 state setup,
 * vol. 4 for the MSR numbers). Boot-path bits (PE, PG, PAE...) are in
 * asm/boot.h.
 */
#ifndef X86_CPU_REG_H
#define X86_CPU_REG_H

#define CR0_MP (1ULL << 1) /* monitor coprocessor: WAIT honours TS */
#define CR0_EM (1ULL << 2) /* emulation: x87/SSE instructions fault when set */
#define CR0_TS (1ULL << 3) /* task switched: lazy FPU switching (unused) */
#define CR0_NE (1ULL << 5) /* native x87 error reporting (#MF) */

#define CR4_OSFXSR (1ULL << 9)	    /* FXSAVE/FXRSTOR and SSE instructions allowed */
#define CR4_OSXMMEXCPT (1ULL << 10) /* unmasked SIMD FP exceptions raise #XM */

/* MXCSR after reset: every exception masked, round to nearest (§10.2.3.1 of vol. 1). */
#define MXCSR_DEFAULT 0x1f80

/* The base %gs: addresses use (§3.4.4 of vol. 3A); this_cpu() reads %gs:0. */
#define MSR_GS_BASE 0xc0000101

#endif
