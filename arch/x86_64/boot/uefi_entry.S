/* SPDX-License-Identifier: MIT */
/*
 * uefi_entry.S - the kernel's side of the EFI stub's hand-off (uefi_handoff.h).
 *
 * The header comes first in the image (.boot.header), so the stub finds it at
 * KERNEL_LOAD_ADDR. The stub enters at its first byte after ExitBootServices,
 * still on the firmware's CR3 (identity-mapped, UEFI 2.10 §2.3.4) and already
 * on our hand-off stack, with %rdi = our PML4. We switch to our own page
 * tables here rather than in the stub: this code is at 1 MiB, mapped by both,
 * while the stub itself may live anywhere the firmware put it. The firmware's
 * tables are in boot-services memory that the kernel is about to reuse.
 */
#include <asm/layout.h>
#include "uefi_handoff.h"

	.section .boot.header, "ax"
	.code64
	.globl _start
_start:
	jmp uefi_entry
	.balign 8
	.quad UEFI_KERNEL_MAGIC
	.quad early_pml4
	.quad uefi_handoff_block
	.quad uefi_handoff_stack_top
	.quad __kernel_end

	.section .boot.text, "ax"
uefi_entry:
	cli
	movq %rdi, %cr3
	movl $BOOT_PATH_UEFI, %edi
	movl $uefi_handoff_block, %esi
	jmp start64

	/*
	 * Not cleared by start64 (unlike .bss) and inside the kernel's range:
	 * the hand-off block and its stack stay ours until arch_boot_parse()
	 * has copied what it needs. The page tables are early_pgtable.S's.
	 */
	.section .pgtable, "aw", @nobits
	.balign 16
uefi_handoff_block:
	.skip UEFI_HANDOFF_SIZE
	.balign 16
	.skip UEFI_HANDOFF_STACK
uefi_handoff_stack_top:
