/* SPDX-License-Identifier: MIT */
/*
 * efi_floor.S - the UEFI floor stub: an EFI application (PE32+, subsystem
 * 10) that writes one byte to COM1 and exits through isa-debug-exit, without
 * calling the firmware at all. What OVMF costs before any loader runs.
 */
#define COM1_DATA 0x3f8
#define DEBUG_EXIT_PORT 0xf4

	.text
	.globl efi_main
efi_main:
	movw $COM1_DATA, %dx
	movb $'F', %al
	outb %al, %dx
	movw $DEBUG_EXIT_PORT, %dx
	xorl %eax, %eax
	outb %al, %dx
1:	hlt
	jmp 1b
