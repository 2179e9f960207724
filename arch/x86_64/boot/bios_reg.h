/* SPDX-License-Identifier: MIT */
/*
 * bios_reg.h - struct bios_boot_info, the hand-off from Toro's BIOS loader
 * (bios/stage2.asm) to the kernel: %esi at start64 points to it. The loader's
 * view of the same layout is bios/bootinfo.inc; change both together.
 *
 * E820 entries as Ralf Brown's interrupt list gives them for INT 15h
 * AX=E820h, with the ACPI 3.0 extended attributes dword.
 */
#ifndef BIOS_REG_H
#define BIOS_REG_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>

#define BIOS_BOOT_INFO_MAGIC 0x42524f54 /* "TORB" in memory order */
#define BIOS_BOOT_INFO_VERSION 2
#define BIOS_E820_MAX 128

/* ACPI 3.0 extended attributes: bit 0 clear means "ignore this entry". */
#define BIOS_E820_ATTR_VALID (1 << 0)

struct bios_e820_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* E820 numbering, as enum boot_mem_type */
	uint32_t attributes;
} __packed;
_Static_assert(sizeof(struct bios_e820_entry) == 24, "RBIL INT 15h AX=E820h");

struct bios_boot_info {
	uint32_t magic;
	uint16_t version;
	uint16_t e820_count;
	uint32_t boot_drive; /* BIOS drive number (0x80: first hard disk) */
	uint32_t reserved;
	uint64_t stage1_tsc; /* TSC at the MBR's first instructions */
	struct bios_e820_entry e820[BIOS_E820_MAX];
	uint32_t initrd_addr; /* version 2: the initrd stage 2 loaded, 0 if none */
	uint32_t initrd_size; /* bytes */
} __packed;
_Static_assert(offsetof(struct bios_boot_info, e820_count) == 6, "bootinfo.inc");
_Static_assert(offsetof(struct bios_boot_info, boot_drive) == 8, "bootinfo.inc");
_Static_assert(offsetof(struct bios_boot_info, stage1_tsc) == 16, "bootinfo.inc");
_Static_assert(offsetof(struct bios_boot_info, e820) == 24, "bootinfo.inc");
_Static_assert(offsetof(struct bios_boot_info, initrd_addr) == 24 + 24 * BIOS_E820_MAX,
	       "bootinfo.inc");
_Static_assert(sizeof(struct bios_boot_info) == 32 + 24 * BIOS_E820_MAX, "bootinfo.inc");

#endif
