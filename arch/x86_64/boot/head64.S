/* SPDX-License-Identifier: MIT */
/*
 * head64.S - the 64-bit entry every boot path reaches.
 *
 * start64: reached from head32.S (PVH, Multiboot) or directly from the BIOS
 * loader's stage 2, in long mode with the first GiBs identity-mapped,
 * %edi = boot path, %esi = physical address of the loader's info. Loads the
 * boot GDT, zeroes .bss, switches to the boot stack and calls x86_boot().
 */
#include <asm/layout.h>
#include <asm/boot.h>

	.section .boot.text, "ax"
	.code64
	.globl start64
start64:
	cli
	cld
	lgdt boot_gdt_desc
	movl $GDT_KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	/* Reload CS with the boot GDT's code segment. */
	pushq $GDT_KERNEL_CS
	leaq 1f(%rip), %rax
	pushq %rax
	lretq
1:
	movl %edi, %r12d
	movl %esi, %r13d

	/* .bss is ours to clear: loaders differ in whether they zero it. */
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	shrq $3, %rcx
	xorl %eax, %eax
	rep stosq

	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp			/* backtraces stop here */
	movl %r12d, %edi
	movl %r13d, %esi
	call x86_boot
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.balign 16
boot_gdt:
	.quad 0
	.quad GDT_ENTRY_CODE64		/* GDT_KERNEL_CS */
	.quad GDT_ENTRY_DATA		/* GDT_KERNEL_DS */
boot_gdt_end:
	.globl boot_gdt_desc
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .data
	.balign 8
	.globl boot_tsc_entry
boot_tsc_entry:
	.quad 0

	.section .bss
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
