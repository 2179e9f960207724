/* SPDX-License-Identifier: MIT */
/*
 * paging.h - the kernel's page tables (arch/x86_64/mm/paging.c): an identity
 * map of RAM and the first 4 GiB, with page 0 left out so NULL faults.
 */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <stdint.h>
#include <kernel/compiler.h>
#include <kernel/boot_info.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)

/*
 * The BIOS Data Area (physical 0x400-0x4ff) is in page 0, which is not
 * mapped: paging_init() keeps a copy of it for the code that reads it.
 */
#define BDA_BASE 0x400
#define BDA_SIZE 0x100

/*
 * Build the kernel's page tables from @bi's memory map and switch CR3 to
 * them. Call once, after the memory map is normalised, before kmain(). RAM
 * that cannot be mapped is cut from @bi's map. On failure the boot page
 * tables stay in use (and NULL does not fault).
 */
void paging_init(struct boot_info *bi) __cold;

/*
 * Identity-map the MMIO range [@phys, @phys + @size) uncached, in 2 MiB or
 * 1 GiB pages, if it is not mapped yet (below 4 GiB it always is). For
 * drivers' 64-bit BARs; call from CPU 0 at init (not thread safe; all CPUs
 * share the tables). Returns 0, -EINVAL, or -ENOMEM when the page-table
 * pool is exhausted.
 */
int paging_map_mmio(uint64_t phys, uint64_t size);

/* The 16-bit value at physical @addr of the BIOS Data Area; 0 outside it. */
uint16_t bda_read16(uintptr_t addr) __cold;

#endif
