/* SPDX-License-Identifier: MIT */
/*
 * multiboot.S - the Multiboot (v1) floor stub, an ELF32 whose header also
 * carries the a.out-kludge address fields (Multiboot 0.6.96 section 3.1.3,
 * flag bit 16), as Toro's own Multiboot image does, so QEMU loads both the
 * same way. Entered in 32-bit protected mode; writes one byte to COM1 and
 * leaves QEMU through isa-debug-exit.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010000		/* bit 16: address fields valid */
#define COM1 0x3f8
#define DEBUG_EXIT 0xf4

	.text
	.code32
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)	/* checksum */
	.long mb_header			/* header_addr */
	.long mb_header			/* load_addr: the file from the header on */
	.long __load_end		/* load_end_addr */
	.long __load_end		/* bss_end_addr: no bss */
	.long _start			/* entry_addr */

	.globl _start
_start:
	movw $COM1, %dx
	movb $'F', %al
	outb %al, %dx
	xorl %eax, %eax
	outb %al, $DEBUG_EXIT
1:	hlt
	jmp 1b
