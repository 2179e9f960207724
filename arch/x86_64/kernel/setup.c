/* SPDX-License-Identifier: MIT */
/*
 * setup.c - from the boot path's 64-bit entry (head64.S) to kmain().
 *
 * x86_boot() is called once on the boot stack with the path id and the
 * loader's info pointer; it fills struct boot_info through the path's own
 * parser, normalises the memory map, sets up paging and CPU 0 (per-CPU data,
 * local APIC) and hands over to kmain().
 */
#include <stdint.h>
#include <kernel/boot_info.h>
#include <kernel/memmap.h>
#include <kernel/errno.h>
#include <kernel/smp.h>
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/smp.h>
#include <asm/traps.h>

void x86_boot(uint32_t path, uint32_t info);

static struct boot_info boot_info;

int boot_mem_add(struct boot_info *bi, uint64_t base, uint64_t size, uint32_t type)
{
	if (bi->mem_count >= BOOT_MEM_MAX) {
		return -ENOSPC;
	}
	bi->mem[bi->mem_count++] = (struct boot_mem_region){ base, size, type };
	return 0;
}

uint64_t boot_mem_usable(const struct boot_info *bi)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < bi->mem_count; i++) {
		if (bi->mem[i].type == BOOT_MEM_USABLE) {
			total += bi->mem[i].size;
		}
	}
	return total;
}

const struct boot_info *boot_info_get(void)
{
	return &boot_info;
}

void x86_boot(uint32_t path, uint32_t info)
{
	struct boot_info *bi = &boot_info;
	int n;

	trap_init();
	bi->path = (int)path;
	bi->cmdline = "";
	bi->tsc_entry = boot_tsc_entry;
	arch_boot_parse(bi, info);
	acpi_set_rsdp(bi->rsdp);
	n = memmap_normalize(bi->mem, bi->mem_count, BOOT_MEM_MAX);
	/* A map too fragmented to normalise is kept as the loader gave it. */
	if (n >= 0) {
		bi->mem_count = (unsigned int)n;
	}
	paging_init(bi);
	smp_trampoline_reserve(bi);
	arch_cpu_init(&cpu_data[0]); /* this_cpu() works from kmain() on */
	kmain(bi);
}
