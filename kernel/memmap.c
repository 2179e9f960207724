/* SPDX-License-Identifier: MIT */
/*
 * memmap.c - normalise a firmware memory map (see memmap.h).
 *
 * Sweep over every region boundary: each elementary interval between two
 * consecutive boundaries takes the most restrictive type of the regions that
 * cover it; equal neighbours are merged. O(n^2) for n <= BOOT_MEM_MAX, which
 * is nothing at boot, and needs no allocation.
 */
#include <stdbool.h>
#include <kernel/memmap.h>
#include <kernel/errno.h>

/* Higher wins where regions overlap: never hand out memory anyone reserved. */
static int type_rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return 0;
	case BOOT_MEM_ACPI_RECLAIM:
		return 1;
	case BOOT_MEM_ACPI_NVS:
		return 2;
	case BOOT_MEM_BAD:
		return 4;
	default: /* reserved, and types we do not know */
		return 3;
	}
}

static uint64_t region_end(const struct boot_mem_region *r)
{
	uint64_t end = r->base + r->size;

	return end < r->base ? UINT64_MAX : end; /* clamp a wrapping region */
}

/* Insertion sort of the boundary list, dropping duplicates. */
static unsigned int sort_unique(uint64_t *v, unsigned int n)
{
	unsigned int out = 0;

	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;

		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (out == 0 || v[out - 1] != v[i]) {
			v[out++] = v[i];
		}
	}
	return out;
}

/* The winning type over [a, b), or 0 when no region covers it. */
static uint32_t cover_type(const struct boot_mem_region *r, unsigned int n, uint64_t a)
{
	uint32_t best = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (r[i].size == 0 || a < r[i].base || a >= region_end(&r[i])) {
			continue;
		}
		if (best == 0 || type_rank(r[i].type) > type_rank(best)) {
			best = r[i].type;
		}
	}
	return best;
}

int memmap_normalize(struct boot_mem_region *r, unsigned int n, unsigned int max)
{
	uint64_t bounds[2 * BOOT_MEM_MAX];
	struct boot_mem_region out[BOOT_MEM_MAX];
	unsigned int nb = 0, no = 0;

	if (n > BOOT_MEM_MAX || max > BOOT_MEM_MAX) {
		return -ENOSPC;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (r[i].size) {
			bounds[nb++] = r[i].base;
			bounds[nb++] = region_end(&r[i]);
		}
	}
	nb = sort_unique(bounds, nb);

	for (unsigned int i = 0; i + 1 < nb; i++) {
		uint64_t a = bounds[i], b = bounds[i + 1];
		uint32_t type = cover_type(r, n, a);

		if (type == 0) {
			continue;
		}
		if (no > 0 && out[no - 1].type == type && region_end(&out[no - 1]) == a) {
			out[no - 1].size += b - a;
			continue;
		}
		if (no == max) {
			return -ENOSPC;
		}
		out[no++] = (struct boot_mem_region){a, b - a, type};
	}
	for (unsigned int i = 0; i < no; i++) {
		r[i] = out[i];
	}
	return (int)no;
}
