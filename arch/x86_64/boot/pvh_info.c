/* SPDX-License-Identifier: MIT */
/*
 * pvh_info.c - boot_info from the PVH hvm_start_info structure.
 * Layouts: Xen public header arch-x86/hvm/start_info.h (version 0 and 1).
 */
#define pr_fmt(fmt) "pvh: " fmt
#include <stdint.h>
#include <kernel/boot_info.h>
#include <kernel/printk.h>
#include <asm/layout.h>
#include "pvh_reg.h"

void arch_boot_parse(struct boot_info *bi, uint32_t info)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)info;

	bi->path_name = "pvh";
	if (si->magic != HVM_START_MAGIC_VALUE) {
		/* Reported by kmain's checks: an empty memory map. */
		return;
	}
	if (si->cmdline_paddr) {
		bi->cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
	}
	bi->rsdp = si->rsdp_paddr;

	const struct hvm_modlist_entry *mods = (const void *)(uintptr_t)si->modlist_paddr;
	for (uint32_t i = 0; i < si->nr_modules && i < BOOT_MODULES_MAX; i++) {
		struct boot_module *m = &bi->modules[bi->module_count++];

		m->base = mods[i].paddr;
		m->size = mods[i].size;
		m->cmdline = mods[i].cmdline_paddr ? (const char *)(uintptr_t)mods[i].cmdline_paddr
						   : "";
	}
	/* QEMU's -initrd (and Firecracker's, Cloud Hypervisor's) is the first module. */
	if (bi->module_count) {
		bi->initrd_base = bi->modules[0].base;
		bi->initrd_size = bi->modules[0].size;
	}

	if (si->version < 1 || !si->memmap_paddr) {
		return;
	}
	const struct hvm_memmap_table_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		boot_mem_add(bi, e[i].addr, e[i].size, e[i].type);
	}
}
