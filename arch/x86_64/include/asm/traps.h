/* SPDX-License-Identifier: MIT */
/*
 * traps.h - CPU exceptions: what entry.S saves and hands to trap_handler().
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <stdint.h>
#include <kernel/compiler.h>

/*
 * The stack at the call to trap_handler(), lowest address first: the
 * general registers entry.S pushed, the vector and error code (a dummy 0
 * where the CPU pushes none), then the frame the CPU pushed in 64-bit mode
 * (Intel SDM vol. 3A §6.14.2, figure 6-9).
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "entry.S pushes 22 words");

/*
 * Install the kernel's GDT, TSS and IDT: from here on a CPU exception prints
 * a report instead of resetting the machine. Call first thing in x86_boot().
 */
void trap_init(void) __cold;

/* Called by entry.S for every exception; a fatal one does not return. */
void trap_handler(struct trap_frame *frame) __cold;

#endif
