/* SPDX-License-Identifier: MIT */
/*
 * bios_info.c - boot_info from the block Toro's BIOS loader leaves for the
 * kernel (bios/stage2.asm, layout in bios_reg.h): the E820 map, the boot
 * drive, the TSC at the MBR's first instruction and the initrd stage 2 read
 * from the disk after the kernel (Documentation/initrd.md).
 *
 * No loader passes a command line on this path; QEMU's fw_cfg file
 * opt/org.toro/cmdline does (`-fw_cfg name=opt/org.toro/cmdline,string=...`,
 * which scripts/qemu-run adds when CMDLINE is set). Without it the command
 * line is empty and kmain() uses CONFIG_CMDLINE. The RSDP is not known here
 * either: 0 makes ACPI search the BIOS areas for it.
 */
#include <stdint.h>
#include <kernel/boot_info.h>
#include <asm/cpu.h>
#include <asm/fw_cfg.h>
#include "bios_reg.h"

#define BIOS_CMDLINE_FW_CFG_FILE "opt/org.toro/cmdline"

static char cmdline_buf[BOOT_CMDLINE_MAX];

void arch_boot_parse(struct boot_info *bi, uint32_t info)
{
	const struct bios_boot_info *bbi = (const void *)(uintptr_t)info;

	bi->path_name = "bios";
	bi->rsdp = 0;

	/* A stale or foreign block: leave the map empty for kmain to report. */
	if (bbi->magic != BIOS_BOOT_INFO_MAGIC || bbi->version != BIOS_BOOT_INFO_VERSION) {
		return;
	}
	/* Boot statistics count from the MBR, the first code of ours that ran. */
	boot_tsc_entry = bbi->stage1_tsc;
	bi->tsc_entry = bbi->stage1_tsc;

	for (unsigned int i = 0; i < bbi->e820_count && i < BIOS_E820_MAX; i++) {
		const struct bios_e820_entry *e = &bbi->e820[i];

		boot_mem_add(bi, e->base, e->length, e->type);
	}

	/* The initrd, as a module too: whatever keeps modules safe keeps it safe. */
	if (bbi->initrd_size) {
		bi->initrd_base = bbi->initrd_addr;
		bi->initrd_size = bbi->initrd_size;
		bi->modules[0] = (struct boot_module){bbi->initrd_addr, bbi->initrd_size, ""};
		bi->module_count = 1;
	}

	/* Longer than the buffer: truncated, like any loader's command line. */
	if (fw_cfg_read_file(BIOS_CMDLINE_FW_CFG_FILE, cmdline_buf, sizeof(cmdline_buf)) > 0) {
		bi->cmdline = cmdline_buf;
	}
}
