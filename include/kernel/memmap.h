/* SPDX-License-Identifier: MIT */
/*
 * memmap.h - normalise a firmware memory map: sorted, no overlaps (the more
 * restrictive type wins where regions overlap), adjacent equal regions merged,
 * empty regions dropped. Portable; unit-tested on the host.
 */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <kernel/boot_info.h>

/*
 * Normalise the @n regions in @r in place. @max is the capacity of @r.
 * Returns the new count, or -ENOSPC if the result would not fit in @max.
 */
int memmap_normalize(struct boot_mem_region *r, unsigned int n, unsigned int max);

#endif
