/*
 * test_memmap.c - memmap_normalize() against hand-made maps and against a
 * brute-force oracle on random maps: every byte of the result must carry the
 * most restrictive type that covered it, and the result must be sorted,
 * disjoint and merged.
 */
#include <stdint.h>
#include <stdlib.h>
#include "harness.h"
#include <kernel/errno.h>
#include <kernel/memmap.h>

#define R(b, s, t) ((struct boot_mem_region){ (b), (s), (t) })

static void test_overlap_reserved_wins(void)
{
	struct boot_mem_region r[BOOT_MEM_MAX] = {
		R(0, 0x100000, BOOT_MEM_USABLE),
		R(0x9fc00, 0x400, BOOT_MEM_RESERVED),
	};
	int n = memmap_normalize(r, 2, BOOT_MEM_MAX);

	CHECK_EQ(n, 3);
	CHECK_EQ(r[0].base, 0);
	CHECK_EQ(r[0].size, 0x9fc00);
	CHECK_EQ(r[0].type, BOOT_MEM_USABLE);
	CHECK_EQ(r[1].base, 0x9fc00);
	CHECK_EQ(r[1].size, 0x400);
	CHECK_EQ(r[1].type, BOOT_MEM_RESERVED);
	CHECK_EQ(r[2].base, 0xa0000);
	CHECK_EQ(r[2].size, 0x60000);
	CHECK_EQ(r[2].type, BOOT_MEM_USABLE);
}

static void test_sort_merge_and_drop_empty(void)
{
	struct boot_mem_region r[BOOT_MEM_MAX] = {
		R(0x200000, 0x100000, BOOT_MEM_USABLE),
		R(0x5000, 0, BOOT_MEM_RESERVED), /* empty: dropped */
		R(0x100000, 0x100000, BOOT_MEM_USABLE),
		R(0x400000, 0x1000, BOOT_MEM_ACPI_NVS),
	};
	int n = memmap_normalize(r, 4, BOOT_MEM_MAX);

	CHECK_EQ(n, 2);
	CHECK_EQ(r[0].base, 0x100000);
	CHECK_EQ(r[0].size, 0x200000);
	CHECK_EQ(r[0].type, BOOT_MEM_USABLE);
	CHECK_EQ(r[1].base, 0x400000);
	CHECK_EQ(r[1].type, BOOT_MEM_ACPI_NVS);
}

static void test_wrapping_region_is_clamped(void)
{
	struct boot_mem_region r[BOOT_MEM_MAX] = {
		R(UINT64_MAX - 0xfff, 0x10000, BOOT_MEM_RESERVED),
	};
	int n = memmap_normalize(r, 1, BOOT_MEM_MAX);

	CHECK_EQ(n, 1);
	CHECK_EQ(r[0].base, UINT64_MAX - 0xfff);
	CHECK_EQ(r[0].size, 0xfff);
}

static void test_capacity(void)
{
	struct boot_mem_region r[BOOT_MEM_MAX] = {
		R(0, 0x3000, BOOT_MEM_USABLE),
		R(0x1000, 0x1000, BOOT_MEM_RESERVED),
	};

	/* Three regions result; room for two is not enough. */
	CHECK_EQ(memmap_normalize(r, 2, 2), -ENOSPC);
	CHECK_EQ(memmap_normalize(r, BOOT_MEM_MAX + 1, BOOT_MEM_MAX), -ENOSPC);
}

/* The oracle: per-unit rank on a small grid of 64 units of 4 KiB. */
#define UNITS 64
#define UNIT 0x1000

static int rank(uint32_t t)
{
	static const int ranks[] = { -1, 0, 3, 1, 2, 4 };

	return t >= 1 && t <= 5 ? ranks[t] : 3;
}

static void test_random_against_oracle(void)
{
	srand(12345);
	for (int round = 0; round < 2000; round++) {
		struct boot_mem_region r[BOOT_MEM_MAX];
		uint32_t want[UNITS] = { 0 };
		int n_in = 1 + rand() % 12;

		for (int i = 0; i < n_in; i++) {
			uint64_t a = (uint64_t)(rand() % UNITS), len = (uint64_t)(rand() % 8);
			uint32_t t = 1 + (uint32_t)(rand() % 6); /* 6: an unknown type */

			if (a + len > UNITS) {
				len = UNITS - a;
			}
			r[i] = R(a * UNIT, len * UNIT, t);
			for (uint64_t u = a; u < a + len; u++) {
				if (!want[u] || rank(t) > rank(want[u])) {
					want[u] = t;
				}
			}
		}
		int n = memmap_normalize(r, (unsigned int)n_in, BOOT_MEM_MAX);
		uint32_t got[UNITS] = { 0 };
		bool ok = n >= 0;

		for (int i = 0; ok && i < n; i++) {
			ok = r[i].size > 0 && r[i].base % UNIT == 0 && r[i].size % UNIT == 0;
			if (i > 0) {
				uint64_t prev_end = r[i - 1].base + r[i - 1].size;

				ok = ok && prev_end <= r[i].base; /* sorted, disjoint */
				/* merged: touching neighbours differ in type */
				ok = ok && !(prev_end == r[i].base && r[i - 1].type == r[i].type);
			}
			for (uint64_t u = r[i].base / UNIT; ok && u < (r[i].base + r[i].size) / UNIT;
			     u++) {
				got[u] = r[i].type;
			}
		}
		for (int u = 0; ok && u < UNITS; u++) {
			/* Unknown types are kept as given: compare by rank. */
			ok = (!want[u] && !got[u]) ||
			     (want[u] && got[u] && rank(want[u]) == rank(got[u]));
		}
		if (!CHECK_MSG(ok, "random map %d (%d regions) normalised wrongly", round, n_in)) {
			return;
		}
	}
}

int main(void)
{
	test_overlap_reserved_wins();
	test_sort_merge_and_drop_empty();
	test_wrapping_region_is_clamped();
	test_capacity();
	test_random_against_oracle();
	return harness_report();
}
