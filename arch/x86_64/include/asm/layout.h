/* SPDX-License-Identifier: MIT */
/*
 * layout.h - fixed physical addresses of the kernel image and boot stacks.
 * Included by C, assembly and the linker script.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

/* The kernel is linked and loaded at 1 MiB, above the BIOS area. */
#define KERNEL_LOAD_ADDR 0x100000

/* Size of the boot CPU's stack, in .bss. */
#define BOOT_STACK_SIZE 16384

/*
 * The early page tables identity-map the first 4 GiB with 2 MiB pages: one
 * PML4, one PDPT and four page directories (Intel SDM vol. 3 §4.5).
 */
#define EARLY_MAP_GIB 4

/* Boot path identifiers, passed from each entry stub to x86_boot(). */
#define BOOT_PATH_PVH 1
#define BOOT_PATH_MULTIBOOT 2
#define BOOT_PATH_BIOS 3
#define BOOT_PATH_UEFI 4

#endif
