/* SPDX-License-Identifier: MIT */
/*
 * pvh.S - the PVH floor stub: the least a PVH guest can do. The VMM enters
 * it in 32-bit protected mode (Xen arch-x86/hvm/start_info.h); it writes one
 * byte to COM1 and leaves QEMU through isa-debug-exit (status (0 << 1) | 1).
 *
 * elfnote.h: XEN_ELFNOTE_PHYS32_ENTRY (18) = the physical 32-bit entry.
 * The note is 4-aligned, as in arch/x86_64/boot/pvh.S (QEMU aligns the name
 * to the PT_NOTE segment's alignment when it looks for the descriptor).
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define COM1 0x3f8
#define DEBUG_EXIT 0xf4

	.section .note.Xen, "a", @note
	.balign 4
	.long 4				/* namesz: "Xen\0" */
	.long 4				/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	movw $COM1, %dx
	movb $'F', %al
	outb %al, %dx
	xorl %eax, %eax
	outb %al, $DEBUG_EXIT
1:	hlt
	jmp 1b
