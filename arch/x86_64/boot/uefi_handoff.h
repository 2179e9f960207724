/* SPDX-License-Identifier: MIT */
/*
 * uefi_handoff.h - the contract between Toro's EFI stub (efi/stub.c) and the
 * kernel's UEFI entry (uefi_entry.S, uefi_info.c). Included by C and assembly.
 *
 * The kernel image (toro.bin, linked at KERNEL_LOAD_ADDR) starts with a
 * struct uefi_kernel_header. The stub copies the image to KERNEL_LOAD_ADDR,
 * fills the struct uefi_handoff the header points at (it lives in the
 * kernel's .pgtable area: inside [__image_start, __kernel_end), which the
 * kernel never hands to its allocator, and not cleared by start64), builds
 * the identity page tables at header.pml4, exits boot services and jumps to
 * the header's first byte with %rdi = header.pml4 and %rsp = header.stack_top.
 */
#ifndef UEFI_HANDOFF_H
#define UEFI_HANDOFF_H

/* "TOROEFI1", little-endian: the header's and the hand-off block's magic. */
#define UEFI_KERNEL_MAGIC 0x3149464552524f54ULL
#define UEFI_HANDOFF_VERSION 1

/* Header offsets, for the assembly that lays it out. */
#define UEFI_HDR_MAGIC 8
#define UEFI_HDR_SIZE 48

/* Memory map entries the stub may pass (after merging neighbours). */
#define UEFI_MEM_MAX 128
#define UEFI_CMDLINE_MAX 1024
/* The stack the stub switches to before it loads our CR3: start64 only pushes a far return. */
#define UEFI_HANDOFF_STACK 1024
/* Room uefi_entry.S reserves for struct uefi_handoff (checked below). */
#define UEFI_HANDOFF_SIZE 8192

#ifndef __ASSEMBLY__
#include <stdint.h>

struct uefi_kernel_header {
	uint8_t jump[8];     /* jmp to the UEFI entry, padded */
	uint64_t magic;	     /* UEFI_KERNEL_MAGIC */
	uint64_t pml4;	     /* 4 KiB PML4, then PDPT, then EARLY_MAP_GIB PDs */
	uint64_t handoff;    /* struct uefi_handoff */
	uint64_t stack_top;  /* 16-byte aligned, below 4 GiB */
	uint64_t kernel_end; /* __kernel_end: the range to allocate and zero past the file */
};

struct uefi_mem_entry {
	uint64_t base;
	uint64_t size;
	uint32_t type; /* enum boot_mem_type (E820 numbering) */
	uint32_t pad;
};

struct uefi_handoff {
	uint64_t magic;
	uint32_t version;
	uint32_t mem_count;
	uint64_t rsdp;	    /* 0 if the configuration table has none */
	uint64_t tsc_entry; /* TSC at efi_main's first instruction */
	struct uefi_mem_entry mem[UEFI_MEM_MAX];
	char cmdline[UEFI_CMDLINE_MAX]; /* NUL-terminated ASCII */
	uint64_t initrd_base; /* the ESP's \initrd, read into loader data below 4 GiB; 0 if none */
	uint64_t initrd_size;
};

_Static_assert(sizeof(struct uefi_kernel_header) == UEFI_HDR_SIZE, "header layout");
_Static_assert(sizeof(struct uefi_handoff) <= UEFI_HANDOFF_SIZE, "hand-off block room");
#endif

#endif
