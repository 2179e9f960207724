/* SPDX-License-Identifier: MIT */
/*
 * paging.c - the kernel's own page tables: 4-level paging (Intel SDM vol. 3A
 * §4.5), identity-mapped, replacing whatever the boot path built.
 *
 * What is mapped:
 *  - all of the first 4 GiB: RAM, firmware and the MMIO holes (APIC, IOAPIC,
 *    virtio-mmio, PCI BARs) - except page 0, so that a NULL dereference
 *    faults instead of reading the real-mode interrupt table;
 *  - the RAM regions of the boot memory map above 4 GiB;
 *  - MMIO above 4 GiB that a driver asks for (paging_map_mmio(): 64-bit PCI
 *    BARs), uncached.
 * The first 2 MiB use 4 KiB pages (a page table whose entry 0 is empty); the
 * rest uses 1 GiB pages when the CPU has them (CPUID 80000001h EDX[26],
 * SDM vol. 3A §4.1.4), else 2 MiB pages. Memory types come from the MTRRs,
 * which keep MMIO uncached on real hardware; all pages are writable and
 * executable until W^X (CONFIG_HARDEN_WX) splits the kernel's own range.
 *
 * The tables live in .bss (zeroed by head64.S), inside the kernel image, so
 * no allocator is needed and none can hand them out again. The pool covers
 * the first 4 GiB on any CPU and HIGH_PD_PAGES GiB above it on CPUs without
 * 1 GiB pages; RAM past that is reported and cut from the memory map. Page 0
 * holds the BIOS Data Area, a copy of which bda_read16() serves. Boot loaders
 * must not leave anything the kernel reads after x86_boot() in page 0.
 */
#define pr_fmt(fmt) "paging: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/string.h>
#include <kernel/boot_info.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <asm/boot.h>
#include <asm/cpu.h>
#include <asm/ctrl_regs.h>
#include <asm/paging.h>

typedef uint64_t pte_t;

/* SDM vol. 3A §4.5: 512 eight-byte entries per table, 9 address bits a level. */
#define PT_ENTRIES 512
#define PD_SHIFT 21   /* a page-directory entry maps 2 MiB */
#define PDPT_SHIFT 30 /* a PDPT entry maps 1 GiB */
#define PML4_SHIFT 39 /* a PML4 entry maps 512 GiB */
#define SIZE_2M (1ULL << PD_SHIFT)
#define SIZE_1G (1ULL << PDPT_SHIFT)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL /* bits 51:12 */
#define PTE_TABLE (PTE_PRESENT | PTE_WRITE)
#define PTE_PCD (1ULL << 4) /* page-level cache disable (SDM vol. 3A §4.9.2) */

/* The first 4 GiB hold RAM below the PCI hole and every platform MMIO area. */
#define LOW_MAP_GIB 4
#define LOW_MAP_END ((uint64_t)LOW_MAP_GIB << PDPT_SHIFT)
/* One PDPT: the map ends at 512 GiB. */
#define MAP_LIMIT (1ULL << PML4_SHIFT)

/* Page directories for RAM above 4 GiB on a CPU without 1 GiB pages. */
#define HIGH_PD_PAGES 4
/* PML4, PDPT, the first 2 MiB's page table, a PD per low GiB, the high PDs. */
#define POOL_PAGES (3 + LOW_MAP_GIB + HIGH_PD_PAGES)

#define CPUID_EXT_MAX 0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_EDX_PDPE1GB (1U << 26)

static pte_t pool[POOL_PAGES][PT_ENTRIES] __aligned(PAGE_SIZE);
static unsigned int pool_used;
static pte_t *pdpt;
static bool pages_1g;
static uint8_t bda_copy[BDA_SIZE];

/* A zeroed page-table page from the pool (.bss is zero), or NULL. */
static __cold pte_t *table_alloc(void)
{
	return pool_used < POOL_PAGES ? pool[pool_used++] : NULL;
}

static __cold pte_t *entry_table(pte_t e)
{
	return (pte_t *)(uintptr_t)(e & PTE_ADDR_MASK);
}

static __cold bool cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;

	cpuid(CPUID_EXT_MAX, 0, &a, &b, &c, &d);
	if (a < CPUID_EXT_FEATURES) {
		return false;
	}
	cpuid(CPUID_EXT_FEATURES, 0, &a, &b, &c, &d);
	return d & CPUID_EXT_EDX_PDPE1GB;
}

/*
 * The page directory for the GiB holding @addr, made on first use. NULL if
 * that GiB is one 1 GiB page already, or the pool is empty.
 */
static __cold pte_t *pd_for(uint64_t addr)
{
	pte_t *e = &pdpt[(addr >> PDPT_SHIFT) % PT_ENTRIES];

	if (!*e) {
		pte_t *pd = table_alloc();

		if (!pd) {
			return NULL;
		}
		*e = (uintptr_t)pd | PTE_TABLE;
	}
	return *e & PTE_LARGE ? NULL : entry_table(*e);
}

/*
 * Identity-map [start, end), both 2 MiB aligned, with @flags added to each
 * entry; entries already set stay. Returns where it stopped: @end, or the
 * first address left unmapped when the pool ran out.
 */
static __cold uint64_t map_range(uint64_t start, uint64_t end, pte_t flags)
{
	uint64_t addr = start;

	while (addr < end) {
		pte_t *e = &pdpt[(addr >> PDPT_SHIFT) % PT_ENTRIES];

		if (pages_1g && !*e && addr % SIZE_1G == 0 && end - addr >= SIZE_1G) {
			*e = addr | PTE_PRESENT | PTE_WRITE | PTE_LARGE | flags;
			addr += SIZE_1G;
			continue;
		}
		if (*e & PTE_LARGE) {
			addr = ALIGN_DOWN(addr, SIZE_1G) + SIZE_1G;
			continue;
		}
		pte_t *pd = pd_for(addr);
		if (!pd) {
			return addr;
		}
		pte_t *pde = &pd[(addr >> PD_SHIFT) % PT_ENTRIES];
		if (!*pde) {
			*pde = addr | PTE_PRESENT | PTE_WRITE | PTE_LARGE | flags;
		}
		addr += SIZE_2M;
	}
	return end;
}

/* The first 2 MiB in 4 KiB pages, all but page 0. */
static __cold int map_first_2m(void)
{
	pte_t *pd = pd_for(0);
	pte_t *pt = table_alloc();

	if (!pd || !pt) {
		return -ENOMEM;
	}
	for (unsigned int i = 1; i < PT_ENTRIES; i++) {
		pt[i] = ((uint64_t)i << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITE;
	}
	pd[0] = (uintptr_t)pt | PTE_TABLE;
	return 0;
}

/* RAM the kernel may touch: usable, and ACPI tables (reclaimable or not). */
static __cold bool is_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_ACPI_RECLAIM ||
	       type == BOOT_MEM_ACPI_NVS;
}

/*
 * RAM above 4 GiB, rounded out to whole large pages. Reserved ranges up
 * there are not RAM (e.g. the HyperTransport hole QEMU reserves below 1 TiB
 * for AMD CPUs) and stay unmapped. RAM that cannot be mapped is cut from
 * the memory map, so that no allocator ever hands it out.
 */
static __cold void map_high_memory(struct boot_info *bi)
{
	uint64_t align = pages_1g ? SIZE_1G : SIZE_2M;

	for (unsigned int i = 0; i < bi->mem_count; i++) {
		uint64_t base = bi->mem[i].base;
		uint64_t end = base + bi->mem[i].size;
		uint64_t mapped;

		if (end <= LOW_MAP_END || !is_ram(bi->mem[i].type)) {
			continue;
		}
		mapped = map_range(ALIGN_DOWN(MAX(base, LOW_MAP_END), align),
				   MIN(ALIGN_UP(end, align), MAP_LIMIT), 0);
		if (mapped >= end) {
			continue;
		}
		pr_warn("RAM 0x%llx-0x%llx left out: no page tables for it\n",
			(unsigned long long)MAX(mapped, base), (unsigned long long)end);
		bi->mem[i].size = mapped > base ? mapped - base : 0;
	}
}

void paging_init(struct boot_info *bi)
{
	pte_t *pml4 = table_alloc();

	/* Last chance to read page 0. */
	memcpy(bda_copy, (const void *)BDA_BASE, BDA_SIZE);
	pages_1g = cpu_has_1g_pages();
	pdpt = table_alloc();
	pml4[0] = (uintptr_t)pdpt | PTE_TABLE;
	if (map_first_2m() || map_range(SIZE_2M, LOW_MAP_END, 0) != LOW_MAP_END) {
		pr_err("cannot map the first 4 GiB; keeping the boot page tables\n");
		return;
	}
	map_high_memory(bi);
	write_cr3((uintptr_t)pml4);
}

int paging_map_mmio(uint64_t phys, uint64_t size)
{
	uint64_t start = ALIGN_DOWN(phys, SIZE_2M);
	uint64_t end = ALIGN_UP(phys + size, SIZE_2M);

	if (!size || phys + size < phys || end > MAP_LIMIT || !pdpt) {
		return -EINVAL;
	}
	if (end <= LOW_MAP_END) {
		return 0; /* the boot map has it */
	}
	if (map_range(MAX(start, LOW_MAP_END), end, PTE_PCD) != end) {
		return -ENOMEM;
	}
	/* Only not-present entries changed: no stale translation, but drop paging caches. */
	write_cr3(read_cr3());
	return 0;
}

uint16_t bda_read16(uintptr_t addr)
{
	uint16_t v;

	if (addr < BDA_BASE || addr + sizeof(v) > BDA_BASE + BDA_SIZE) {
		return 0;
	}
	memcpy(&v, bda_copy + (addr - BDA_BASE), sizeof(v));
	return v;
}
