/* SPDX-License-Identifier: MIT */
/*
 * entry.S - the first instructions of every CPU exception.
 *
 * Each of the 32 stubs makes the stack uniform, then joins exception_common:
 * where the CPU pushes no error code the stub pushes a dummy 0, then every
 * stub pushes its vector. exception_common saves the general registers, so
 * the stack holds a struct trap_frame (asm/traps.h), and calls
 * trap_handler(frame). %rbp is left as the interrupted code had it, so the
 * frame-pointer chain runs on from the handler into the code that faulted.
 *
 * Which exceptions push an error code: Intel SDM vol. 3A §6.13 and table 6-1
 * (8, 10-14, 17, 21); AMD APM vol. 2 §8.2 adds 29 and 30.
 */
#include <asm/desc_reg.h>
#include <asm/irq_vectors.h>

#define HAS_ERROR_CODE(v) ((v) == X86_TRAP_DF || ((v) >= X86_TRAP_TS && (v) <= X86_TRAP_PF) || \
	(v) == X86_TRAP_AC || (v) == X86_TRAP_CP || (v) == X86_TRAP_VC || (v) == X86_TRAP_SX)

	.section .text, "ax"
	.code64

/*
 * One stub per vector, EXCEPTION_STUB_SIZE bytes apart (idt.c computes the
 * addresses); .org pads with int3 and fails the build if a stub outgrows its
 * slot.
 */
	.globl exception_stubs
	.balign 16
exception_stubs:
	.set .Lvector, 0
	.rept EXCEPTION_COUNT
	.org exception_stubs + .Lvector * EXCEPTION_STUB_SIZE, 0xcc
	.if !HAS_ERROR_CODE(.Lvector)
	pushq $0
	.endif
	pushq $.Lvector
	jmp exception_common
	.set .Lvector, .Lvector + 1
	.endr
	.org exception_stubs + EXCEPTION_COUNT * EXCEPTION_STUB_SIZE, 0xcc

/*
 * Unwind information for gdb only (.debug_frame: nothing is loaded), so that
 * `bt` inside trap_handler() continues into the interrupted code. The CFA is
 * the address just past the CPU's frame: 7 words above the vector.
 */
	.cfi_sections .debug_frame

.macro save reg
	pushq %\reg
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset \reg, 0
.endm

.macro restore reg
	popq %\reg
	.cfi_adjust_cfa_offset -8
	.cfi_restore \reg
.endm

/*
 * The CPU aligned %rsp to 16 before pushing its 5-word frame (SDM vol. 3A
 * §6.14.2); with the error code, the vector and 15 registers that makes 22
 * words, so %rsp is 16-byte aligned at the call, as the C ABI requires.
 */
exception_common:
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa rsp, 7 * 8
	.cfi_offset rip, -5 * 8		/* the interrupted %rip and %rsp, as the CPU saved them */
	.cfi_offset rsp, -2 * 8
	save rax
	save rbx
	save rcx
	save rdx
	save rbp
	save rsi
	save rdi
	save r8
	save r9
	save r10
	save r11
	save r12
	save r13
	save r14
	save r15
	cld				/* the C ABI expects the direction flag clear */
	movq %rsp, %rdi
	call trap_handler
	restore r15
	restore r14
	restore r13
	restore r12
	restore r11
	restore r10
	restore r9
	restore r8
	restore rdi
	restore rsi
	restore rbp
	restore rdx
	restore rcx
	restore rbx
	restore rax
	addq $16, %rsp			/* the vector and the error code */
	.cfi_adjust_cfa_offset -16
	iretq
	.cfi_endproc

/*
 * The local APIC's timer and wake-up IPI (asm/irq_vectors.h) exist only to
 * end a HLT (arch_idle()): acknowledge with a write to the EOI register
 * (SDM vol. 3A §10.8.5; its address is in lapic_eoi_register, apic.c) and
 * return. Only %rax is used, and saved.
 */
	.globl irq_lapic_ack
	.balign 16
irq_lapic_ack:
	pushq %rax
	movq lapic_eoi_register(%rip), %rax
	movl $0, (%rax)
	popq %rax
	iretq

/*
 * Device interrupts (asm/irq_vectors.h): one IRQ_STUB_SIZE stub per pool
 * vector pushes a dummy error code and its vector, as the exception stubs
 * do; irq_common saves only the registers the C ABI lets irq_dispatch()
 * clobber (9 words: with the CPU's 5 and the 2 pushed, %rsp is 16-byte
 * aligned at the call) and passes the vector. irq_dispatch() sends the EOI.
 */
	.globl irq_stubs
	.balign 16
irq_stubs:
	.set .Lvector, IRQ_DEVICE_FIRST
	.rept IRQ_DEVICE_COUNT
	.org irq_stubs + (.Lvector - IRQ_DEVICE_FIRST) * IRQ_STUB_SIZE, 0xcc
	pushq $0
	pushq $.Lvector
	jmp irq_common
	.set .Lvector, .Lvector + 1
	.endr
	.org irq_stubs + IRQ_DEVICE_COUNT * IRQ_STUB_SIZE, 0xcc

irq_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	cld
	movq 9 * 8(%rsp), %rdi		/* the vector the stub pushed */
	call irq_dispatch
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp			/* the vector and the dummy error code */
	iretq

/* A spurious interrupt is not acknowledged (SDM vol. 3A §10.9). */
	.globl irq_spurious
	.balign 16
irq_spurious:
	iretq
