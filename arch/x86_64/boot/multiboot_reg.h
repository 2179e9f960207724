/* SPDX-License-Identifier: MIT */
/*
 * multiboot_reg.h - the Multiboot (version 1) structures, as defined by the
 * GNU Multiboot Specification 0.6.96: §3.1.1-3.1.3 (the OS image header),
 * §3.2 (machine state) and §3.3 (boot information format). All addresses are
 * physical. Included by multiboot.S (constants only) and multiboot_info.c.
 */
#ifndef MULTIBOOT_REG_H
#define MULTIBOOT_REG_H

/* §3.1.1: the header lies in the first 8192 bytes of the image, 4-aligned. */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_HEADER_SEARCH 8192
#define MULTIBOOT_HEADER_ALIGN 4

/* §3.1.2: header flags. */
#define MULTIBOOT_PAGE_ALIGN (1 << 0)	/* modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO (1 << 1)	/* mem_* and mmap_* must be filled */
#define MULTIBOOT_VIDEO_MODE (1 << 2)	/* graphics fields are valid */
#define MULTIBOOT_AOUT_KLUDGE (1 << 16) /* address fields are valid (§3.1.3) */

/* §3.2: %eax at the entry point when a Multiboot loader started us. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

/* §3.3: which fields of struct multiboot_info are valid. */
#define MULTIBOOT_INFO_MEMORY (1 << 0)	    /* mem_lower, mem_upper */
#define MULTIBOOT_INFO_BOOTDEV (1 << 1)	    /* boot_device */
#define MULTIBOOT_INFO_CMDLINE (1 << 2)	    /* cmdline */
#define MULTIBOOT_INFO_MODS (1 << 3)	    /* mods_count, mods_addr */
#define MULTIBOOT_INFO_AOUT_SYMS (1 << 4)   /* syms as a.out symbol table */
#define MULTIBOOT_INFO_ELF_SHDR (1 << 5)    /* syms as ELF section headers */
#define MULTIBOOT_INFO_MEM_MAP (1 << 6)	    /* mmap_length, mmap_addr */
#define MULTIBOOT_INFO_LOADER_NAME (1 << 9) /* boot_loader_name */

/* §3.3: mem_lower counts from 0, mem_upper from 1 MiB, both in KiB. */
#define MULTIBOOT_MEM_UPPER_BASE 0x100000
#define MULTIBOOT_MEM_UNIT 1024

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <kernel/compiler.h>

/* §3.1.1 and §3.1.3: the header, with the address fields (flag bit 16). */
struct multiboot_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum; /* magic + flags + checksum == 0 (mod 2^32) */
	uint32_t header_addr;
	uint32_t load_addr;
	uint32_t load_end_addr;
	uint32_t bss_end_addr;
	uint32_t entry_addr;
} __packed;
_Static_assert(sizeof(struct multiboot_header) == 32, "Multiboot 0.6.96 §3.1.1");

/* §3.3: the boot information structure, %ebx at entry. */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length; /* bytes, not entries */
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type;
	uint8_t color_info[6];
} __packed;
_Static_assert(sizeof(struct multiboot_info) == 116, "Multiboot 0.6.96 §3.3");

/*
 * §3.3: one memory map entry. `size` counts the bytes after itself, so the
 * next entry starts at (entry + size + 4); type 1 is RAM, the rest follow
 * the E820 numbering (3 ACPI reclaimable, 4 NVS, 5 bad), anything else is
 * reserved.
 */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __packed;
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "Multiboot 0.6.96 §3.3");

/* §3.3: one boot module; `string` is its command line (may be 0). */
struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end; /* exclusive */
	uint32_t string;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct multiboot_module) == 16, "Multiboot 0.6.96 §3.3");

#endif /* !__ASSEMBLY__ */

#endif
