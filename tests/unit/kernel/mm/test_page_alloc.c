/*
 * test_page_alloc.c - the physical page allocator over a host "RAM" arena:
 * exclusions and reserved regions are never handed out (nor written), every
 * managed page can be allocated exactly once, alignment, exhaustion, frees
 * that must be refused (double, partial, foreign), the zone table overflow,
 * and a randomized model test against a page-by-page reference.
 */
#include <stdint.h>
#include <stdlib.h>
#include "harness.h"
#include <kernel/errno.h>
#include <kernel/page_alloc.h>

#define KIB ((uint64_t)1 << 10)
#define MIB ((uint64_t)1 << 20)
#define PAGE PMM_PAGE_SIZE
#define ARENA_SIZE (16 * MIB)
#define ARENA_PAGES (ARENA_SIZE / PAGE)
#define UNTOUCHED 0xa5
#define RANDOM_STEPS 20000
#define RANDOM_LIVE_MAX 256

static uint8_t *arena;
static struct pmm pmm;

static uint64_t at(uint64_t offset)
{
	return (uint64_t)(uintptr_t)(arena + offset);
}

static struct boot_mem_region usable(uint64_t offset, uint64_t size)
{
	return (struct boot_mem_region){at(offset), size, BOOT_MEM_USABLE};
}

static struct boot_mem_region reserved(uint64_t offset, uint64_t size)
{
	return (struct boot_mem_region){at(offset), size, BOOT_MEM_RESERVED};
}

static struct pmm_range excl(uint64_t offset, uint64_t size)
{
	return (struct pmm_range){at(offset), size};
}

static size_t page_index(const void *p)
{
	return (size_t)((const uint8_t *)p - arena) / PAGE;
}

static bool all_bytes(uint64_t offset, uint64_t size, uint8_t value)
{
	for (uint64_t i = 0; i < size; i++) {
		if (arena[offset + i] != value) {
			return false;
		}
	}
	return true;
}

/* Usable [0, 4M) and [5M, 16M), reserved between; excluded pieces inside. */
static const struct pmm_range *layout_exclusions(unsigned int *n)
{
	static struct pmm_range e[4];

	e[0] = excl(1 * MIB + 100, 2 * PAGE); /* unaligned: rounds out to 3 pages */
	e[1] = excl(10 * MIB, 1 * MIB);
	e[2] = excl(10 * MIB + 512 * KIB, 2 * MIB); /* overlaps e[1] */
	e[3] = excl(15 * MIB, 4 * MIB);		    /* runs past the end of RAM */
	*n = 4;
	return e;
}

static bool page_excluded(size_t i)
{
	uint64_t a = i * PAGE;

	return (a >= 1 * MIB && a < 1 * MIB + 3 * PAGE) || (a >= 4 * MIB && a < 5 * MIB) ||
	       (a >= 10 * MIB && a < 12 * MIB + 512 * KIB) || a >= 15 * MIB;
}

static void test_every_page_once_and_exclusions_untouched(void)
{
	struct boot_mem_region r[3] = {usable(0, 4 * MIB), reserved(4 * MIB, MIB),
				       usable(5 * MIB, 11 * MIB)};
	static bool seen[ARENA_PAGES];
	size_t expected = 0, got = 0, bad = 0;
	struct pmm_stats st;
	unsigned int ne;
	const struct pmm_range *e = layout_exclusions(&ne);
	void *p;

	memset(arena, UNTOUCHED, ARENA_SIZE);
	memset(seen, 0, sizeof(seen));
	CHECK_EQ(pmm_init(&pmm, r, 3, e, ne), 0);
	for (size_t i = 0; i < ARENA_PAGES; i++) {
		expected += !page_excluded(i);
	}
	pmm_stats(&pmm, &st);
	/* One page of bitmaps for 16 MiB of RAM. */
	CHECK_EQ(st.total_pages, expected - 1);
	CHECK_EQ(st.free_pages, st.total_pages);
	CHECK_EQ(st.unmanaged_pages, 0);

	while ((p = pmm_alloc_pages(&pmm, 1)) != NULL) {
		size_t i = page_index(p);

		bad += i >= ARENA_PAGES || page_excluded(i) || seen[i] || ((uintptr_t)p % PAGE);
		if (i < ARENA_PAGES) {
			seen[i] = true;
			memset(p, (int)(i & 0x7f), PAGE);
		}
		got++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(got, st.total_pages);
	pmm_stats(&pmm, &st);
	CHECK_EQ(st.free_pages, 0);
	CHECK(pmm_alloc_pages(&pmm, 1) == NULL); /* exhausted stays exhausted */

	/* Nothing was written outside managed pages and the bitmap page. */
	CHECK(all_bytes(4 * MIB, MIB, UNTOUCHED));
	CHECK(all_bytes(10 * MIB, 2 * MIB + 512 * KIB, UNTOUCHED));
	CHECK(all_bytes(15 * MIB, MIB, UNTOUCHED));
	CHECK(all_bytes(MIB, 3 * PAGE, UNTOUCHED));

	/* Every page comes back exactly once; the bitmaps survived the page fills. */
	bad = 0;
	for (size_t i = 0; i < ARENA_PAGES; i++) {
		if (seen[i]) {
			bad += arena[i * PAGE] != (uint8_t)(i & 0x7f);
			bad += pmm_free_pages(&pmm, arena + i * PAGE, 1) != 0;
		}
	}
	CHECK_EQ(bad, 0);
	pmm_stats(&pmm, &st);
	CHECK_EQ(st.free_pages, st.total_pages);
}

static void test_no_memory(void)
{
	struct boot_mem_region page0 = {0, PAGE, BOOT_MEM_USABLE};
	struct boot_mem_region r = reserved(0, MIB);
	struct boot_mem_region u = usable(0, MIB);
	struct pmm_range all = excl(0, MIB);
	struct boot_mem_region tiny = usable(PAGE + 1, PAGE); /* no whole page inside */

	CHECK_EQ(pmm_init(&pmm, NULL, 0, NULL, 0), -ENOMEM);
	CHECK_EQ(pmm_init(&pmm, &page0, 1, NULL, 0), -ENOMEM); /* page 0 is never managed */
	CHECK_EQ(pmm_init(&pmm, &r, 1, NULL, 0), -ENOMEM);
	CHECK_EQ(pmm_init(&pmm, &u, 1, &all, 1), -ENOMEM);
	CHECK_EQ(pmm_init(&pmm, &tiny, 1, NULL, 0), -ENOMEM);
	CHECK(pmm_alloc_pages(&pmm, 1) == NULL);
	/* One page: all of it goes to the bitmap. */
	u = usable(0, PAGE);
	CHECK_EQ(pmm_init(&pmm, &u, 1, NULL, 0), -ENOMEM);
	u = usable(0, 2 * PAGE);
	CHECK_EQ(pmm_init(&pmm, &u, 1, NULL, 0), 0);
	CHECK(pmm_alloc_pages(&pmm, 1) == arena + PAGE);
	CHECK(pmm_alloc_pages(&pmm, 1) == NULL);
}

static void test_alignment_and_runs(void)
{
	/* A region that starts off any large alignment. */
	struct boot_mem_region r = usable(3 * PAGE, ARENA_SIZE - 3 * PAGE);
	static const size_t aligns[] = {0, 1, PAGE, 2 * PAGE, 64 * KIB, MIB, 2 * MIB};
	struct pmm_stats st;
	void *a, *b;

	CHECK_EQ(pmm_init(&pmm, &r, 1, NULL, 0), 0);
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t align = aligns[i] < PAGE ? PAGE : aligns[i];
		void *p = pmm_alloc_aligned(&pmm, 3, aligns[i]);

		CHECK_MSG(p && (uintptr_t)p % align == 0, "align %zu -> %p", aligns[i], p);
	}
	CHECK(pmm_alloc_aligned(&pmm, 1, 3 * PAGE) == NULL); /* not a power of two */
	CHECK(pmm_alloc_pages(&pmm, 0) == NULL);

	/* Runs do not overlap, and next-fit hands out what follows. */
	a = pmm_alloc_pages(&pmm, 100);
	b = pmm_alloc_pages(&pmm, 1);
	CHECK(a && b && ((uint8_t *)b >= (uint8_t *)a + 100 * PAGE || (uint8_t *)b < (uint8_t *)a));
	pmm_stats(&pmm, &st);
	CHECK(pmm_alloc_pages(&pmm, st.free_pages + 1) == NULL);
	/* A run as large as everything free fails only for want of contiguity. */
	CHECK(pmm_contains(&pmm, a));
	CHECK(!pmm_contains(&pmm, arena + PAGE));
	CHECK(!pmm_contains(&pmm, arena + ARENA_SIZE));
}

static void test_bad_frees_change_nothing(void)
{
	struct boot_mem_region r = usable(0, 4 * MIB);
	struct pmm_stats before, after;
	uint8_t *p, *q;

	CHECK_EQ(pmm_init(&pmm, &r, 1, NULL, 0), 0);
	p = pmm_alloc_pages(&pmm, 4);
	q = pmm_alloc_pages(&pmm, 1);
	pmm_stats(&pmm, &before);
	CHECK_EQ(pmm_free_pages(&pmm, p + 1, 1), -EINVAL);	     /* not page aligned */
	CHECK_EQ(pmm_free_pages(&pmm, arena + 8 * MIB, 1), -EINVAL); /* not managed */
	CHECK_EQ(pmm_free_pages(&pmm, arena, 1), -EINVAL);	     /* the bitmap's page */
	CHECK_EQ(pmm_free_pages(&pmm, p, 0), -EINVAL);
	CHECK_EQ(pmm_free_pages(&pmm, q, 2), -EINVAL);	     /* the page after q is free */
	CHECK_EQ(pmm_free_pages(&pmm, p, 1 << 20), -EINVAL); /* past the zone */
	pmm_stats(&pmm, &after);
	CHECK_EQ(after.free_pages, before.free_pages);

	/* Part of a run may go back on its own; then the rest. */
	CHECK_EQ(pmm_free_pages(&pmm, p + PAGE, 2), 0);
	CHECK_EQ(pmm_free_pages(&pmm, p, 4), -EINVAL); /* partly free already */
	CHECK_EQ(pmm_free_pages(&pmm, p, 1), 0);
	CHECK_EQ(pmm_free_pages(&pmm, p + 3 * PAGE, 1), 0);
	CHECK_EQ(pmm_free_pages(&pmm, p + 3 * PAGE, 1), -EINVAL); /* double free */
	CHECK_EQ(pmm_free_pages(&pmm, q, 1), 0);
	pmm_stats(&pmm, &after);
	CHECK_EQ(after.free_pages, after.total_pages);
}

/* A map that was not normalised: overlapping usable regions, reserved inside usable. */
static void test_unnormalised_map(void)
{
	struct boot_mem_region r[4] = {usable(0, 4 * MIB), usable(2 * MIB, 4 * MIB),
				       reserved(3 * MIB + 10, PAGE), usable(MIB, MIB)};
	static bool seen[ARENA_PAGES];
	size_t got = 0, bad = 0;
	struct pmm_stats st;
	void *p;

	memset(seen, 0, sizeof(seen));
	CHECK_EQ(pmm_init(&pmm, r, 4, NULL, 0), 0);
	pmm_stats(&pmm, &st);
	/* [0, 6M) less the two pages the reserved range touches, less one bitmap page. */
	CHECK_EQ(st.total_pages, 6 * MIB / PAGE - 2 - 1);
	while ((p = pmm_alloc_pages(&pmm, 1)) != NULL) {
		size_t i = page_index(p);

		bad += i >= 6 * MIB / PAGE || seen[i] || i == 3 * MIB / PAGE ||
		       i == 3 * MIB / PAGE + 1;
		seen[i] = i < ARENA_PAGES;
		got++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(got, st.total_pages);
}

static void test_zone_table_overflow(void)
{
	struct boot_mem_region r[2 * PMM_ZONES_MAX + 20];
	unsigned int n = 0, zones = PMM_ZONES_MAX + 10;
	struct pmm_stats st;

	for (unsigned int i = 0; i < zones; i++) {
		r[n++] = usable(i * 4 * PAGE, 2 * PAGE);
		r[n++] = reserved(i * 4 * PAGE + 2 * PAGE, 2 * PAGE);
	}
	CHECK_EQ(pmm_init(&pmm, r, n, NULL, 0), 0);
	pmm_stats(&pmm, &st);
	CHECK_EQ(st.unmanaged_pages, 10 * 2);
	CHECK_EQ(st.total_pages, PMM_ZONES_MAX * 2 - 1); /* minus the bitmap page */
	CHECK(pmm_alloc_pages(&pmm, 3) == NULL);	 /* no zone has three pages in a row */
	CHECK(pmm_alloc_pages(&pmm, 2) != NULL);
}

struct live_run {
	uint8_t *p;
	size_t count;
	uint8_t tag;
};

static void fill_run(const struct live_run *l)
{
	memset(l->p, l->tag, l->count * PAGE);
}

static bool run_intact(const struct live_run *l)
{
	for (size_t i = 0; i < l->count * PAGE; i += 64) {
		if (l->p[i] != l->tag) {
			return false;
		}
	}
	return true;
}

/* Random alloc/free against a reference: who owns each page. */
static void test_random_model(void)
{
	struct boot_mem_region r[2] = {usable(0, 6 * MIB), usable(7 * MIB, 9 * MIB)};
	static int owner[ARENA_PAGES];
	static struct live_run live[RANDOM_LIVE_MAX];
	size_t nlive = 0, free_ref, bad = 0, fails = 0;
	struct pmm_stats st;

	srand(4);
	memset(owner, 0, sizeof(owner));
	CHECK_EQ(pmm_init(&pmm, r, 2, NULL, 0), 0);
	pmm_stats(&pmm, &st);
	free_ref = st.total_pages;
	for (int step = 0; step < RANDOM_STEPS; step++) {
		if (nlive < RANDOM_LIVE_MAX && rand() % 3) {
			size_t count = 1 + (size_t)rand() % (rand() % 8 ? 16 : 600);
			size_t align = PAGE << (rand() % 6);
			struct live_run *l = &live[nlive];

			l->p = pmm_alloc_aligned(&pmm, count, align);
			if (!l->p) {
				fails++;
				continue;
			}
			l->count = count;
			l->tag = (uint8_t)(step | 1);
			bad += (uintptr_t)l->p % align != 0;
			for (size_t i = 0; i < count; i++) {
				bad += owner[page_index(l->p) + i] != 0;
				owner[page_index(l->p) + i] = step + 1;
			}
			fill_run(l);
			free_ref -= count;
			nlive++;
		} else if (nlive) {
			size_t k = (size_t)rand() % nlive;
			struct live_run *l = &live[k];

			bad += !run_intact(l);
			bad += pmm_free_pages(&pmm, l->p, l->count) != 0;
			for (size_t i = 0; i < l->count; i++) {
				owner[page_index(l->p) + i] = 0;
			}
			free_ref += l->count;
			*l = live[--nlive];
		}
		pmm_stats(&pmm, &st);
		bad += st.free_pages != free_ref;
	}
	CHECK_EQ(bad, 0);
	CHECK(fails > 0); /* the arena filled up at times, and recovered */
	while (nlive) {
		CHECK(run_intact(&live[nlive - 1]));
		CHECK_EQ(pmm_free_pages(&pmm, live[nlive - 1].p, live[nlive - 1].count), 0);
		nlive--;
	}
	pmm_stats(&pmm, &st);
	CHECK_EQ(st.free_pages, st.total_pages);
	printf("random model: %d steps, %zu allocations refused\n", RANDOM_STEPS, fails);
}

int main(void)
{
	if (posix_memalign((void **)&arena, 2 * MIB, ARENA_SIZE)) {
		return 1;
	}
	test_every_page_once_and_exclusions_untouched();
	test_no_memory();
	test_alignment_and_runs();
	test_bad_frees_change_nothing();
	test_unnormalised_map();
	test_zone_table_overflow();
	test_random_model();
	free(arena);
	return harness_report();
}
