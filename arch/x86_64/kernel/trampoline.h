/* SPDX-License-Identifier: MIT */
/*
 * trampoline.h - the data block at the end of the AP trampoline
 * (trampoline.S), shared by the assembly and smp.c. The boot CPU fills it
 * before each start; the AP reads it, and reports through `started`.
 */
#ifndef X86_TRAMPOLINE_H
#define X86_TRAMPOLINE_H

/* Offsets in the block, for the assembly. */
#define TD_CR3 0      /* 32 bits: the kernel's page tables, below 4 GiB */
#define TD_EFER 4     /* 32 bits: EFER bits to set (LME, and NXE if CPU 0 has it) */
#define TD_STACK 8    /* the AP's stack top */
#define TD_CPU 16     /* its struct cpu */
#define TD_ENTRY 24   /* what it runs after arch_cpu_init() */
#define TD_STARTED 32 /* 32 bits: set by the AP once it no longer needs the block */
#define TD_SIZE 40    /* with the C struct's tail padding */

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>
#include <kernel/percpu.h>

struct trampoline_data {
	uint32_t cr3;
	uint32_t efer;
	uint64_t stack_top;
	struct cpu *cpu;
	void (*entry)(struct cpu *c);
	uint32_t started;
};
_Static_assert(offsetof(struct trampoline_data, cr3) == TD_CR3, "trampoline.S");
_Static_assert(offsetof(struct trampoline_data, efer) == TD_EFER, "trampoline.S");
_Static_assert(offsetof(struct trampoline_data, stack_top) == TD_STACK, "trampoline.S");
_Static_assert(offsetof(struct trampoline_data, cpu) == TD_CPU, "trampoline.S");
_Static_assert(offsetof(struct trampoline_data, entry) == TD_ENTRY, "trampoline.S");
_Static_assert(offsetof(struct trampoline_data, started) == TD_STARTED, "trampoline.S");
_Static_assert(sizeof(struct trampoline_data) == TD_SIZE, "trampoline.S");

/* trampoline.S: the code and data copied below 1 MiB, and the block within it. */
extern const char trampoline_start[], trampoline_end[], trampoline_data[];

/* The AP's first C function, called by the trampoline on the AP's stack. */
void smp_ap_start(struct trampoline_data *td) __noreturn;
#endif

#endif
