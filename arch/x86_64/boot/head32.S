/* SPDX-License-Identifier: MIT */
/*
 * head32.S - shared 32-bit start for the PVH and Multiboot paths.
 *
 * Entered in 32-bit protected mode, paging off, with %edi = boot path and
 * %esi = physical address of the loader's info structure. Records the TSC,
 * checks for long mode, identity-maps the first EARLY_MAP_GIB GiB with 2 MiB
 * pages, enables long mode and jumps to start64 (head64.S).
 *
 * Intel SDM vol. 3 §9.8.5 (initializing IA-32e mode): PAE on, CR3 loaded,
 * EFER.LME set, then CR0.PG; the far jump to a 64-bit code segment follows.
 */
#include <asm/layout.h>
#include <asm/boot.h>

	.section .boot.text, "ax"
	.code32
	.globl startup_32
startup_32:
	cld
	/* Boot statistics: the TSC at the kernel's first instruction. */
	rdtsc
	movl %eax, boot_tsc_entry
	movl %edx, boot_tsc_entry + 4

	movl $boot_stack_top, %esp

	/* Long mode present? CPUID 0x80000001 EDX bit 29 (LM). */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* Zero the early tables: PML4, PDPT, EARLY_MAP_GIB page directories. */
	movl %edi, %ebp
	movl $early_pml4, %edi
	xorl %eax, %eax
	movl $((2 + EARLY_MAP_GIB) * 4096 / 4), %ecx
	rep stosl
	movl %ebp, %edi

	movl $early_pdpt + PTE_PRESENT + PTE_WRITE, early_pml4

	/* PDPT entry i points to page directory i. */
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $early_pd + PTE_PRESENT + PTE_WRITE, %eax
	movl %eax, early_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $EARLY_MAP_GIB, %ecx
	jb 1b

	/* 2 MiB pages: entry i maps physical i * 2 MiB (bits 32+ in the high dword). */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $PTE_PRESENT + PTE_WRITE + PTE_LARGE, %eax
	movl %eax, early_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, early_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $EARLY_MAP_GIB * 512, %ecx
	jb 2b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $early_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG + CR0_PE + CR0_WP, %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $GDT_KERNEL_CS, $start64

/* No long mode: say so on COM1 and stop. */
no_long_mode:
	movl $msg_no_lm, %esi
3:	lodsb
	testb %al, %al
	jz 5f
	movw $0x3fd, %dx
	movb %al, %bl
4:	inb %dx, %al
	testb $0x20, %al
	jz 4b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 3b
5:	cli
	hlt
	jmp 5b

	.section .rodata
msg_no_lm:
	.asciz "toro: this CPU has no 64-bit long mode; cannot boot\r\n"
