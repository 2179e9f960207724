/* SPDX-License-Identifier: MIT */
/*
 * bios_entry.S - the kernel's side of the BIOS loader's hand-off.
 *
 * bios/stage2.asm enters start64 (head64.S) directly in long mode, with
 * %edi = BOOT_PATH_BIOS and %esi = its struct bios_boot_info; it finds
 * start64 and the page-table space below in the ELF's symbol table
 * (scripts/mkbiosimg.py patches their addresses into stage 2).
 */
#include <asm/layout.h>

	/*
	 * toro.lds.S names _start as the ELF entry; on this path nothing
	 * enters through it, but tools that read the entry (gdb, readelf)
	 * should see the real one.
	 */
	.section .boot.text, "ax"
	.code64
	.globl _start
_start:
	jmp start64

	/* Stage 2 builds its page tables in early_pgtable.S's tables. */
