/* SPDX-License-Identifier: MIT */
/*
 * multiboot.S - Multiboot (v1) entry: the image header that QEMU's -kernel
 * loader and GRUB's `multiboot` command look for, and the 32-bit entry.
 *
 * GNU Multiboot Specification 0.6.96 §3.1.1: the header must sit, 4-aligned,
 * in the first 8192 bytes of the file; toro.lds.S puts .boot.header first in
 * .text, at the start of the one PT_LOAD segment. The image is ELF64, which
 * neither QEMU nor GRUB will load as ELF for Multiboot v1, so the header sets
 * flag bit 16 and carries the address fields of §3.1.3 (the "a.out kludge"):
 * the loader copies [load_addr, load_end_addr) from the file, zeroes up to
 * bss_end_addr and jumps to entry_addr, ignoring the ELF headers.
 *
 * §3.2: at entry we are in 32-bit protected mode, paging off, interrupts off,
 * flat %cs/%ds/%es/%ss, no usable stack, %eax = 0x2BADB002 and
 * %ebx = physical address of the boot information (multiboot_info.c).
 */
#include <asm/layout.h>
#include "multiboot_reg.h"

#define MULTIBOOT_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | MULTIBOOT_AOUT_KLUDGE)

/* 16550 UART at COM1: transmit register, line status and its "empty" bit. */
#define COM1_THR 0x3f8
#define COM1_LSR 0x3fd
#define LSR_THRE 0x20

	.section .boot.header, "a"
	.balign MULTIBOOT_HEADER_ALIGN
multiboot_header:
	.long MULTIBOOT_HEADER_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_FLAGS)
	.long multiboot_header		/* header_addr */
	.long __image_start		/* load_addr: file offset of header - this */
	.long __image_end		/* load_end_addr */
	.long __kernel_end		/* bss_end_addr */
	.long multiboot_start32		/* entry_addr */

	.section .boot.text, "ax"
	.code32
	.globl multiboot_start32, _start
_start:
multiboot_start32:
	/*
	 * Anything but the loader magic means we were not started by a
	 * Multiboot loader (or it is a Multiboot 2 one): %ebx means nothing.
	 */
	cmpl $MULTIBOOT_BOOTLOADER_MAGIC, %eax
	jne not_multiboot
	movl $BOOT_PATH_MULTIBOOT, %edi
	movl %ebx, %esi
	jmp startup_32

/* Say why on COM1 (polled, no stack needed) and stop. */
not_multiboot:
	movl $msg_not_multiboot, %esi
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %bl
	movw $COM1_LSR, %dx
2:	inb %dx, %al
	testb $LSR_THRE, %al
	jz 2b
	movw $COM1_THR, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 1b
3:	cli
	hlt
	jmp 3b

	.section .rodata
msg_not_multiboot:
	.ascii "toro: entered without the Multiboot magic in %eax; "
	.asciz "boot this image with a Multiboot v1 loader (QEMU -kernel, GRUB); halting\r\n"
