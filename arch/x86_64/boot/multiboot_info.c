/* SPDX-License-Identifier: MIT */
/*
 * multiboot_info.c - boot_info from the Multiboot (v1) information structure
 * that %ebx pointed to at entry (multiboot.S). Layouts: multiboot_reg.h,
 * GNU Multiboot Specification 0.6.96 §3.3. Each field is used only when its
 * flag bit says the loader filled it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <toro/string.h>
#include <kernel/boot_info.h>
#include "multiboot_reg.h"

/* boot_loader_name of QEMU's -kernel Multiboot loader (hw/i386/multiboot.c). */
#define QEMU_LOADER_NAME "qemu"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * §3.3 leaves the form of the command line to the loader. QEMU's -kernel
 * loader puts the image's file name first, like argv[0]; GRUB 2 passes only
 * the words after the file name. Only a loader known to add the name has it
 * removed: left in place, an extra word before `--` is a harmless unknown
 * kernel parameter, while removing a real one would lose it.
 */
static bool loader_prefixes_image_name(const struct multiboot_info *mi)
{
	if (!(mi->flags & MULTIBOOT_INFO_LOADER_NAME) || !mi->boot_loader_name) {
		return false;
	}
	return strcmp((const char *)(uintptr_t)mi->boot_loader_name, QEMU_LOADER_NAME) == 0;
}

static const char *skip_image_name(const char *s)
{
	while (is_blank(*s)) {
		s++;
	}
	while (*s && !is_blank(*s)) {
		s++;
	}
	while (is_blank(*s)) {
		s++;
	}
	return s;
}

/* §3.3: mmap_length bytes of entries, each `size + 4` bytes long. */
static void parse_mmap(struct boot_info *bi, const struct multiboot_info *mi)
{
	const uint32_t min_size = sizeof(struct multiboot_mmap_entry) - sizeof(uint32_t);
	uint32_t off = 0;

	while (off + sizeof(struct multiboot_mmap_entry) <= mi->mmap_length) {
		const struct multiboot_mmap_entry *e =
			(const void *)(uintptr_t)(mi->mmap_addr + off);

		/* A too-short entry would make us loop or read garbage: stop there. */
		if (e->size < min_size) {
			break;
		}
		boot_mem_add(bi, e->addr, e->len, e->type);
		off += e->size + sizeof(e->size);
	}
}

/* Without a map (§3.3 bit 0 only): low memory from 0 and upper memory from 1 MiB. */
static void parse_mem_bounds(struct boot_info *bi, const struct multiboot_info *mi)
{
	boot_mem_add(bi, 0, (uint64_t)mi->mem_lower * MULTIBOOT_MEM_UNIT, BOOT_MEM_USABLE);
	boot_mem_add(bi, MULTIBOOT_MEM_UPPER_BASE, (uint64_t)mi->mem_upper * MULTIBOOT_MEM_UNIT,
		     BOOT_MEM_USABLE);
}

static void parse_modules(struct boot_info *bi, const struct multiboot_info *mi)
{
	const struct multiboot_module *mods = (const void *)(uintptr_t)mi->mods_addr;

	for (uint32_t i = 0; i < mi->mods_count && bi->module_count < BOOT_MODULES_MAX; i++) {
		struct boot_module *m = &bi->modules[bi->module_count++];

		m->base = mods[i].mod_start;
		m->size = mods[i].mod_end - mods[i].mod_start;
		m->cmdline = mods[i].string ? (const char *)(uintptr_t)mods[i].string : "";
	}
	/*
	 * The initrd is the first module: QEMU's -initrd "a,b" loads a and b as modules
	 * in that order, and GRUB's `module` lines come in the order written.
	 */
	if (bi->module_count) {
		bi->initrd_base = bi->modules[0].base;
		bi->initrd_size = bi->modules[0].size;
	}
}

void arch_boot_parse(struct boot_info *bi, uint32_t info)
{
	const struct multiboot_info *mi = (const void *)(uintptr_t)info;

	bi->path_name = "multiboot";
	/* Multiboot v1 carries no RSDP: 0 makes ACPI search the BIOS areas. */
	bi->rsdp = 0;

	if ((mi->flags & MULTIBOOT_INFO_CMDLINE) && mi->cmdline) {
		bi->cmdline = (const char *)(uintptr_t)mi->cmdline;
		if (loader_prefixes_image_name(mi)) {
			bi->cmdline = skip_image_name(bi->cmdline);
		}
	}
	if (mi->flags & MULTIBOOT_INFO_MODS) {
		parse_modules(bi, mi);
	}
	/* The full map is better than the two bounds: it shows the holes. */
	if (mi->flags & MULTIBOOT_INFO_MEM_MAP) {
		parse_mmap(bi, mi);
	}
	/* An empty map is reported by kmain. */
	if (bi->mem_count == 0 && (mi->flags & MULTIBOOT_INFO_MEMORY)) {
		parse_mem_bounds(bi, mi);
	}
}
