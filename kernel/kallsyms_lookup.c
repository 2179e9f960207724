/* SPDX-License-Identifier: MIT */
/*
 * kallsyms_lookup.c - address to function name, for backtraces.
 *
 * The table is generated after a first link (scripts/kallsyms.py, linked as
 * $(O)/kernel/kallsyms.o, hence this file's name) and sits last in the image:
 *
 *   kallsyms_count     number of entries
 *   kallsyms_offsets   start of each function - KERNEL_LOAD_ADDR, ascending
 *   kallsyms_names     offset of each name in kallsyms_strings
 *   kallsyms_strings   the names, NUL-terminated
 *
 * The last entry is __text_end: it only closes the function before it, so
 * every named function has a size. Without CONFIG_KALLSYMS the table is
 * empty and every lookup fails.
 */
#include <stddef.h>
#include <stdint.h>
#include <kernel/kallsyms.h>
#include <asm/layout.h>

extern const uint64_t kallsyms_count;
extern const uint32_t kallsyms_offsets[];
extern const uint32_t kallsyms_names[];
extern const char kallsyms_strings[];

const char *kallsyms_lookup(uintptr_t addr, uintptr_t *offset, uintptr_t *size)
{
	uint64_t lo = 0, hi = kallsyms_count;
	uintptr_t rel = addr - KERNEL_LOAD_ADDR;

	/* Two entries at least: a function and the end marker. */
	if (!IS_ENABLED(CONFIG_KALLSYMS) || hi < 2 || addr < KERNEL_LOAD_ADDR ||
	    rel < kallsyms_offsets[0] || rel >= kallsyms_offsets[hi - 1]) {
		return NULL;
	}
	/* The last entry whose start is <= rel: offsets[lo] <= rel < offsets[hi]. */
	hi--;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (kallsyms_offsets[mid] <= rel) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	*offset = rel - kallsyms_offsets[lo];
	*size = kallsyms_offsets[lo + 1] - kallsyms_offsets[lo];
	return kallsyms_strings + kallsyms_names[lo];
}
