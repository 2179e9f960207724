/* SPDX-License-Identifier: MIT */
/*
 * pvh_reg.h - the PVH start-of-day structures, as defined by the Xen public
 * header arch-x86/hvm/start_info.h. All addresses are physical.
 */
#ifndef PVH_REG_H
#define PVH_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

#define HVM_START_MAGIC_VALUE 0x336ec578 /* "xEn3" */

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;	 /* 0: up to rsdp_paddr; 1: adds the memory map */
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;	 /* array of struct hvm_modlist_entry */
	uint64_t cmdline_paddr;	 /* NUL-terminated */
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;	 /* version 1: array of hvm_memmap_table_entry */
	uint32_t memmap_entries;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info.h layout");

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
} __packed;
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "start_info.h layout");

/* type uses the E820 numbering (1 = RAM, 2 = reserved, ...). */
struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "start_info.h layout");

#endif
