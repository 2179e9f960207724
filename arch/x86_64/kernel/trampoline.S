/* SPDX-License-Identifier: MIT */
/*
 * trampoline.S - where an application processor starts: real mode, at
 * offset 0 of the page the start-up IPI names (Intel SDM vol. 3A §8.4.4.2:
 * CS = page << 8, IP = 0). smp.c copies this blob to a free page below
 * 1 MiB and fills the data block at its end (trampoline.h).
 *
 * Real mode -> protected mode -> long mode, as on the boot CPU (SDM vol. 3A
 * §9.9.1 and §9.8.5): load a GDT, set CR0.PE, far-jump to 32-bit code; set
 * CR4.PAE, load the kernel's CR3, set EFER.LME (and NXE when the boot CPU
 * has it), set CR0.PG; far-jump to 64-bit code. Then the AP takes its stack
 * and struct cpu from the block and calls smp_ap_start() in the kernel.
 *
 * The blob works from any page: what depends on its address (the GDT's base,
 * the far jumps' targets) is patched in from CS at run time. APs start one
 * at a time, so they never patch it concurrently. Interrupts stay disabled
 * throughout; the AP has no IDT until arch_cpu_init() loads the kernel's.
 */
#include <asm/boot.h>
#include "trampoline.h"

/* An offset inside the page (real mode addresses it through DS = CS). */
#define TR(sym) ((sym) - trampoline_start)

/*
 * The trampoline's own GDT. The 64-bit code and the data selector equal
 * the kernel's (asm/boot.h), so nothing changes meaning when arch_cpu_init()
 * loads the kernel's GDT; a 32-bit code segment follows for the middle step.
 */
#define TR_CS32 0x18
/* Flat 32-bit code (D=1, G=1, P=1, S=1, execute/read, accessed), SDM vol. 3A §3.4.5. */
#define GDT_ENTRY_CODE32 0x00cf9b000000ffff

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx			/* %ebx: the page's physical address, from here on */

	leal TR(tr_gdt)(%ebx), %eax
	movl %eax, TR(tr_gdt_desc) + 2
	leal TR(tr_pm32)(%ebx), %eax
	movl %eax, TR(tr_jump32)
	leal TR(tr_lm64)(%ebx), %eax
	movl %eax, TR(tr_jump64)

	lgdtl TR(tr_gdt_desc)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl *TR(tr_jump32)

	.code32
tr_pm32:
	movl $GDT_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl TR(trampoline_data) + TD_CR3(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl TR(trampoline_data) + TD_EFER(%ebx), %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG + CR0_WP, %eax
	movl %eax, %cr0
	ljmpl *TR(tr_jump64)(%ebx)

	.code64
tr_lm64:
	movl %ebx, %ebx			/* the upper halves are undefined after the switch */
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq TR(trampoline_data) + TD_STACK(%rbx), %rsp
	leaq TR(trampoline_data)(%rbx), %rdi
	xorl %ebp, %ebp			/* backtraces stop here */
	movabsq $smp_ap_start, %rax
	call *%rax			/* %rsp is 16-byte aligned here, as the C ABI wants */
	ud2				/* smp_ap_start() does not return */

	.balign 8
tr_gdt:
	.quad 0
	.quad GDT_ENTRY_CODE64		/* GDT_KERNEL_CS */
	.quad GDT_ENTRY_DATA		/* GDT_KERNEL_DS */
	.quad GDT_ENTRY_CODE32		/* TR_CS32 */
tr_gdt_end:
tr_gdt_desc:				/* lgdt's operand: limit, 32-bit base (patched) */
	.word tr_gdt_end - tr_gdt - 1
	.long 0
tr_jump32:				/* ljmp's m16:32 operands: offset (patched), selector */
	.long 0
	.word TR_CS32
tr_jump64:
	.long 0
	.word GDT_KERNEL_CS

	.balign 8
	.globl trampoline_data
trampoline_data:
	.skip TD_SIZE
	.globl trampoline_end
trampoline_end:
