/* SPDX-License-Identifier: MIT */
/*
 * early_pgtable.S - the page tables every boot path uses until paging_init()
 * builds the kernel's own: a PML4, a PDPT and one page directory per
 * identity-mapped GiB (2 MiB pages), Intel SDM vol. 3 §4.5.
 *
 * Who fills them: head32.S (PVH, Multiboot), the BIOS loader's stage 2
 * (scripts/mkbiosimg.py finds them by early_pml4 .. early_pgtable_end), the
 * UEFI stub. They live in .pgtable, inside [__image_start, __kernel_end) so
 * they are never free RAM, and outside .bss, which start64 clears.
 */
#include <asm/layout.h>

	.section .pgtable, "aw", @nobits
	.balign 4096
	.globl early_pml4, early_pdpt, early_pd, early_pgtable_end
early_pml4:
	.skip 4096
early_pdpt:
	.skip 4096
early_pd:
	.skip 4096 * EARLY_MAP_GIB
early_pgtable_end:
