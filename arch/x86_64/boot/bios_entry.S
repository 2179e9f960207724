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

	/*
	 * Stage 2 builds its page tables here, inside the kernel image
	 * (between the end of the loaded bytes and __kernel_end), so they stay
	 * out of the memory map's free RAM for as long as they are in use.
	 * Same layout and names as head32.S's on the other paths: PML4, PDPT,
	 * then one page directory per identity-mapped GiB.
	 */
	.section .pgtable, "aw", @nobits
	.balign 4096
	.globl early_pml4, early_pgtable_end
early_pml4:
	.skip 4096
early_pdpt:
	.skip 4096
early_pd:
	.skip 4096 * EARLY_MAP_GIB
early_pgtable_end:
