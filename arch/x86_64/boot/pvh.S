/* SPDX-License-Identifier: MIT */
/*
 * pvh.S - PVH entry: the ELF note that tells the VMM where to enter, and the
 * 32-bit entry point itself.
 *
 * Xen public headers, elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY (18) holds the
 * physical address of a 32-bit entry point. arch-x86/hvm/start_info.h: the
 * VMM enters there in 32-bit protected mode, paging off, flat segments,
 * interrupts off, no stack, with %ebx = physical address of hvm_start_info.
 */
#include <asm/layout.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18

	/*
	 * The note section must be 4-aligned, not 8: QEMU aligns the note name
	 * to the PT_NOTE segment's alignment when it looks for the descriptor.
	 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f			/* namesz */
	.long 4f - 3f			/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
3:	.long pvh_start32
4:	.balign 4

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32, _start
_start:
pvh_start32:
	movl $BOOT_PATH_PVH, %edi
	movl %ebx, %esi
	jmp startup_32
