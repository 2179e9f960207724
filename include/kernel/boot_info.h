/* SPDX-License-Identifier: MIT */
/*
 * boot_info.h - what every boot path hands to kmain().
 *
 * Each path's parser (arch/x86_64/boot/<path>_info.c) fills one of these from its
 * loader's structure; memmap_normalize() then sorts the memory map and
 * resolves overlaps, so kmain() sees the same shape whatever the path.
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include <stdint.h>

/* Memory region types: the E820 numbering, shared by PVH and Multiboot. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIM = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
	uint64_t base;
	uint64_t size;
	uint32_t type;
};

struct boot_module {
	uint64_t base;
	uint64_t size;
	const char *cmdline;
};

#define BOOT_MEM_MAX 128
#define BOOT_MODULES_MAX 8
#define BOOT_CMDLINE_MAX 1024

struct boot_info {
	int path;		/* BOOT_PATH_* from asm/layout.h */
	const char *path_name;	/* "pvh", "multiboot", "bios" */
	struct boot_mem_region mem[BOOT_MEM_MAX];
	unsigned int mem_count;
	const char *cmdline;	/* never NULL; "" when there is none */
	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned int module_count;
	uint64_t rsdp;		/* ACPI RSDP physical address, 0 if unknown */
	uint64_t initrd_base;	/* the initial RAM disk (a cpio archive), 0 if none */
	uint64_t initrd_size;	/* its bytes; mm_init() keeps it out of the allocator */
	uint64_t tsc_entry;	/* TSC at the first instruction, 0 if unknown */
};

/* Parse the loader's info at physical address @info into @bi (one per path). */
void arch_boot_parse(struct boot_info *bi, uint32_t info);

/* Add a region to @bi's map; returns 0 or -ENOSPC when the table is full. */
int boot_mem_add(struct boot_info *bi, uint64_t base, uint64_t size, uint32_t type);

/* Bytes of usable RAM in @bi's map. */
uint64_t boot_mem_usable(const struct boot_info *bi);

/* The boot_info kmain() was given, for init code that runs later (the initrd mount). */
const struct boot_info *boot_info_get(void);

void kmain(struct boot_info *bi) __attribute__((noreturn));

#endif
