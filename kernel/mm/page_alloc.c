/* SPDX-License-Identifier: MIT */
/*
 * page_alloc.c - the physical page allocator (see page_alloc.h for the rule
 * on who may call it).
 *
 * Why a bitmap with next-fit, not a buddy allocator: callers here are few
 * and rare (CPU 0 carving each CPU's heap at boot, a heap growing by a 2 MiB
 * chunk, a huge block, a page-aligned kernel buffer), and they want runs of
 * any length - a 24 KiB stack should cost 6 pages, not the 8 of a buddy
 * order - and large alignments (heap chunks are 2 MiB aligned). A bitmap
 * gives exactly that with one bit of metadata per page (32 KiB per GiB),
 * never writes into free memory (boot touches only the bitmaps, and a free
 * page is never part of a list a stray write could corrupt), and can check
 * every free exactly: a double free or a foreign pointer is refused, not
 * absorbed. A search costs a scan of the bitmap, a 64-bit word at a time;
 * next-fit starts where the last allocation ended, so the used front is not
 * rescanned on each call.
 *
 * Usable memory is cut into zones around the excluded ranges; each zone has
 * its own bitmap, so holes (the PCI hole below 4 GiB) cost nothing. All the
 * bitmaps are packed at the start of the largest zone.
 */
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/page_alloc.h>
#include "bitmap.h"

#define PAGE_MASK ((uint64_t)PMM_PAGE_SIZE - 1)

static uint64_t page_down(uint64_t a)
{
	return a & ~PAGE_MASK;
}

/* Rounds up to a page; an address in the last page of the address space stays in it. */
static uint64_t page_up(uint64_t a)
{
	return a > UINT64_MAX - PAGE_MASK ? page_down(a) : page_down(a + PAGE_MASK);
}

/* The end of [base, base + size), clamped so that it does not wrap. */
static uint64_t range_end(uint64_t base, uint64_t size)
{
	return size > UINT64_MAX - base ? UINT64_MAX : base + size;
}

/* The lists pmm_init() cuts usable memory by. */
struct pmm_cuts {
	const struct boot_mem_region *regions;
	unsigned int region_count;
	const struct pmm_range *excluded;
	unsigned int excluded_count;
};

/*
 * If [@start, @end) covers *@at, moves *@at to @end and returns true.
 * Otherwise lowers *@next to @start if the range begins between them.
 */
static bool skip_range(uint64_t start, uint64_t end, uint64_t *at, uint64_t *next)
{
	if (start <= *at && *at < end) {
		*at = end;
		return true;
	}
	if (start > *at && start < *next) {
		*next = start;
	}
	return false;
}

/*
 * Moves *@at past whatever covers it: an exclusion or a region that is not
 * usable (both rounded out to pages; a map that was not normalised may
 * overlap), or a zone already made (overlapping usable regions). Returns
 * true if it moved; else *@next is the nearest start of any of them above *@at.
 */
static bool skip_taken(const struct pmm *pmm, const struct pmm_cuts *cuts, uint64_t *at,
		       uint64_t *next)
{
	bool moved = false;

	for (unsigned int i = 0; i < cuts->excluded_count; i++) {
		const struct pmm_range *e = &cuts->excluded[i];

		if (e->size) {
			moved |= skip_range(page_down(e->base),
					    page_up(range_end(e->base, e->size)), at, next);
		}
	}
	for (unsigned int i = 0; i < cuts->region_count; i++) {
		const struct boot_mem_region *r = &cuts->regions[i];

		if (r->type != BOOT_MEM_USABLE && r->size) {
			moved |= skip_range(page_down(r->base),
					    page_up(range_end(r->base, r->size)), at, next);
		}
	}
	for (unsigned int i = 0; i < pmm->zone_count; i++) {
		const struct pmm_zone *z = &pmm->zones[i];

		moved |= skip_range(z->base, z->base + (z->pages << PMM_PAGE_SHIFT), at, next);
	}
	return moved;
}

static void add_zone(struct pmm *pmm, uint64_t start, uint64_t end)
{
	size_t pages = (size_t)((end - start) >> PMM_PAGE_SHIFT);

	if (pmm->zone_count == PMM_ZONES_MAX) {
		pmm->unmanaged_pages += pages;
		return;
	}
	pmm->zones[pmm->zone_count++] = (struct pmm_zone){.base = (uintptr_t)start, .pages = pages};
}

/* Adds the pieces of usable [@start, @end) that nothing else claims. */
static void cut_region(struct pmm *pmm, uint64_t start, uint64_t end, const struct pmm_cuts *cuts)
{
	uint64_t at = start;

	while (at < end) {
		uint64_t next = end;

		if (skip_taken(pmm, cuts, &at, &next)) {
			continue;
		}
		add_zone(pmm, at, next);
		at = next;
	}
}

/* Packs every zone's bitmap at the start of the largest zone. Returns 0 or -ENOMEM. */
static int carve_bitmaps(struct pmm *pmm)
{
	struct pmm_zone *largest = NULL;
	size_t words = 0, meta_pages;
	uint64_t *map;

	for (unsigned int i = 0; i < pmm->zone_count; i++) {
		words += BITMAP_WORDS(pmm->zones[i].pages);
		if (!largest || pmm->zones[i].pages > largest->pages) {
			largest = &pmm->zones[i];
		}
	}
	meta_pages = (words * sizeof(uint64_t) + PMM_PAGE_SIZE - 1) >> PMM_PAGE_SHIFT;
	if (!largest || largest->pages <= meta_pages) {
		return -ENOMEM;
	}
	/* The largest zone's bitmap was sized before it shrank: a few bits too many, harmless. */
	map = (uint64_t *)largest->base;
	memset(map, 0, words * sizeof(uint64_t));
	largest->base += meta_pages << PMM_PAGE_SHIFT;
	largest->pages -= meta_pages;
	for (unsigned int i = 0; i < pmm->zone_count; i++) {
		struct pmm_zone *z = &pmm->zones[i];

		z->map = map;
		z->free = z->pages;
		map += BITMAP_WORDS(z->pages);
		pmm->total_pages += z->pages;
	}
	pmm->free_pages = pmm->total_pages;
	return 0;
}

int pmm_init(struct pmm *pmm, const struct boot_mem_region *regions, unsigned int region_count,
	     const struct pmm_range *excluded, unsigned int excluded_count)
{
	const struct pmm_cuts cuts = {regions, region_count, excluded, excluded_count};

	memset(pmm, 0, sizeof(*pmm));
	for (unsigned int i = 0; i < region_count; i++) {
		const struct boot_mem_region *r = &regions[i];
		uint64_t start = page_up(r->base);
		uint64_t end = page_down(range_end(r->base, r->size));

		if (r->type != BOOT_MEM_USABLE) {
			continue;
		}
		if (start < PMM_PAGE_SIZE) {
			start = PMM_PAGE_SIZE; /* page 0 would be indistinguishable from NULL */
		}
		if (start < end) {
			cut_region(pmm, start, end, &cuts);
		}
	}
	return carve_bitmaps(pmm);
}

/* Allocates @count pages aligned to @align_pages in @z. Returns the first page index, or -1. */
static long zone_alloc(struct pmm_zone *z, size_t count, size_t align_pages)
{
	size_t phase = (z->base >> PMM_PAGE_SHIFT) & (align_pages - 1);
	size_t s;

	if (count > z->free) {
		return -1;
	}
	s = bitmap_find_run(z->map, z->hint, z->pages, count, align_pages, phase);
	if (s == z->pages && z->hint > 0) {
		s = bitmap_find_run(z->map, 0, z->pages, count, align_pages, phase);
	}
	if (s == z->pages) {
		return -1;
	}
	bitmap_assign(z->map, s, count, true);
	z->free -= count;
	z->hint = s + count < z->pages ? s + count : 0;
	return (long)s;
}

void *pmm_alloc_aligned(struct pmm *pmm, size_t count, size_t align)
{
	size_t align_pages = align > PMM_PAGE_SIZE ? align >> PMM_PAGE_SHIFT : 1;

	if (count == 0 || count > pmm->free_pages || (align & (align - 1))) {
		return NULL;
	}
	for (unsigned int k = 0; k < pmm->zone_count; k++) {
		unsigned int i = (pmm->zone_hint + k) % pmm->zone_count;
		struct pmm_zone *z = &pmm->zones[i];
		long s = zone_alloc(z, count, align_pages);

		if (s >= 0) {
			pmm->zone_hint = i;
			pmm->free_pages -= count;
			return (void *)(z->base + ((uintptr_t)s << PMM_PAGE_SHIFT));
		}
	}
	return NULL;
}

void *pmm_alloc_pages(struct pmm *pmm, size_t count)
{
	return pmm_alloc_aligned(pmm, count, PMM_PAGE_SIZE);
}

/* The zone holding @addr, or NULL. */
static struct pmm_zone *zone_of(const struct pmm *pmm, uintptr_t addr)
{
	for (unsigned int i = 0; i < pmm->zone_count; i++) {
		const struct pmm_zone *z = &pmm->zones[i];

		if (addr >= z->base && ((addr - z->base) >> PMM_PAGE_SHIFT) < z->pages) {
			return (struct pmm_zone *)z;
		}
	}
	return NULL;
}

int pmm_free_pages(struct pmm *pmm, void *addr, size_t count)
{
	uintptr_t a = (uintptr_t)addr;
	struct pmm_zone *z = zone_of(pmm, a);
	size_t first;

	if (!z || (a & PAGE_MASK) || count == 0) {
		return -EINVAL;
	}
	first = (a - z->base) >> PMM_PAGE_SHIFT;
	if (count > z->pages - first || !bitmap_all(z->map, first, count, true)) {
		return -EINVAL;
	}
	bitmap_assign(z->map, first, count, false);
	z->free += count;
	pmm->free_pages += count;
	return 0;
}

bool pmm_contains(const struct pmm *pmm, const void *addr)
{
	return zone_of(pmm, (uintptr_t)addr) != NULL;
}

void pmm_stats(const struct pmm *pmm, struct pmm_stats *out)
{
	out->total_pages = pmm->total_pages;
	out->free_pages = pmm->free_pages;
	out->unmanaged_pages = pmm->unmanaged_pages;
}
