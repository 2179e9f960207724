/* SPDX-License-Identifier: MIT */
/*
 * uefi_info.c - boot_info from the hand-off block Toro's EFI stub fills
 * (efi/stub.c, layout in uefi_handoff.h): the firmware's memory map already
 * converted to E820 types, the ACPI RSDP from the configuration table, the
 * command line (EFI load options, else the ESP's `cmdline` file), the ESP's
 * `initrd` file if there is one, and the TSC at the stub's first instruction.
 */
#include <stdint.h>
#include <kernel/boot_info.h>
#include <asm/cpu.h>
#include "uefi_handoff.h"

static char cmdline_buf[BOOT_CMDLINE_MAX];

void arch_boot_parse(struct boot_info *bi, uint32_t info)
{
	const struct uefi_handoff *h = (const void *)(uintptr_t)info;
	unsigned int i;

	bi->path_name = "uefi";

	/* A stale or foreign block: leave the map empty for kmain to report. */
	if (h->magic != UEFI_KERNEL_MAGIC || h->version != UEFI_HANDOFF_VERSION) {
		return;
	}
	boot_tsc_entry = h->tsc_entry;
	bi->tsc_entry = h->tsc_entry;
	bi->rsdp = h->rsdp;

	for (i = 0; i < h->mem_count && i < UEFI_MEM_MAX; i++) {
		boot_mem_add(bi, h->mem[i].base, h->mem[i].size, h->mem[i].type);
	}

	/* The block sits in memory the kernel keeps, but copy: it is not ours to hold. */
	for (i = 0; i + 1 < sizeof(cmdline_buf) && i < UEFI_CMDLINE_MAX && h->cmdline[i]; i++) {
		cmdline_buf[i] = h->cmdline[i];
	}
	cmdline_buf[i] = '\0';
	if (i > 0) {
		bi->cmdline = cmdline_buf;
	}

	/* The initrd, as a module too: whatever keeps modules safe keeps it safe. */
	if (h->initrd_size) {
		bi->initrd_base = h->initrd_base;
		bi->initrd_size = h->initrd_size;
		bi->modules[0] = (struct boot_module){h->initrd_base, h->initrd_size, ""};
		bi->module_count = 1;
	}
}
