/* SPDX-License-Identifier: MIT */
/*
 * page_alloc.h - the physical page allocator (kernel/mm/page_alloc.c).
 *
 * Hands out runs of contiguous 4 KiB pages from the usable regions of a
 * memory map, minus the ranges the caller excludes. Portable: it takes the
 * region list and the exclusions as data (kmain's glue, kernel/mm/mm.c, adds
 * the kernel image, the first MiB and the boot modules), and memory is
 * identity-mapped, so an address is a pointer. Page 0 is never handed out,
 * so NULL always means failure.
 *
 * Not thread-safe, on purpose: it is used at boot and rarely after. The rule
 * is: only CPU 0 calls it before the other CPUs start (that is when every
 * CPU's heap is carved from it); after that, callers go through mm.c, which
 * serialises the rare calls (heap growth, huge blocks, page-sized kernel
 * buffers) with its growth lock. Allocation in the steady state never
 * reaches it: each CPU allocates from its own heap.
 */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/boot_info.h>

#define PMM_PAGE_SHIFT 12
#define PMM_PAGE_SIZE ((size_t)1 << PMM_PAGE_SHIFT)

/* Pieces of usable memory left once the exclusions are cut out; more are not managed. */
#define PMM_ZONES_MAX 64

/* A range of addresses the allocator must never hand out (it is rounded out to pages). */
struct pmm_range {
	uint64_t base;
	uint64_t size;
};

/* A run of usable pages, with a bitmap of which are allocated (set = in use). */
struct pmm_zone {
	uintptr_t base; /* address of page 0 of the zone */
	size_t pages;
	size_t free;
	size_t hint; /* next-fit: where the last allocation ended */
	uint64_t *map;
};

struct pmm {
	struct pmm_zone zones[PMM_ZONES_MAX];
	unsigned int zone_count;
	unsigned int zone_hint; /* next-fit: the zone of the last allocation */
	size_t total_pages;	/* managed: usable, not excluded, not metadata */
	size_t free_pages;
	size_t unmanaged_pages; /* usable but left out: zone table full */
};

struct pmm_stats {
	size_t total_pages;
	size_t free_pages;
	size_t unmanaged_pages;
};

/*
 * Manage the BOOT_MEM_USABLE regions of @regions minus @excluded and page 0.
 * Both lists may be in any order; where regions overlap (a map that was not
 * normalised) any other type wins over usable, and no page is managed twice.
 * The zones' bitmaps are carved from the start of the largest zone; nothing
 * else is written. Returns 0, or -ENOMEM when no usable page is left.
 */
int pmm_init(struct pmm *pmm, const struct boot_mem_region *regions, unsigned int region_count,
	     const struct pmm_range *excluded, unsigned int excluded_count);

/* @count contiguous pages (not zeroed). Returns their address, or NULL. */
void *pmm_alloc_pages(struct pmm *pmm, size_t count);

/*
 * pmm_alloc_pages() whose address is a multiple of @align (a power of two;
 * values below a page mean a page). Returns the address, or NULL.
 */
void *pmm_alloc_aligned(struct pmm *pmm, size_t count, size_t align);

/*
 * Give back @count pages at @addr: any allocated run, or part of one.
 * Returns 0, or -EINVAL (and changes nothing) if one of those pages is not
 * managed here or not allocated - a double free, or a foreign pointer.
 */
int pmm_free_pages(struct pmm *pmm, void *addr, size_t count);

/* True if @addr lies in a page this allocator manages (allocated or not). */
bool pmm_contains(const struct pmm *pmm, const void *addr);

void pmm_stats(const struct pmm *pmm, struct pmm_stats *out);

#endif /* KERNEL_PAGE_ALLOC_H */
