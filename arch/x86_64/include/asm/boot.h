/* SPDX-License-Identifier: MIT */
/*
 * boot.h - constants shared by the boot assembly (control registers, page
 * table bits, the boot GDT). Intel SDM vol. 3 §2.5 (CR0/CR4), §4.5 (paging
 * entries), §3.4.5 (segment descriptors).
 */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)

#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define PTE_PRESENT (1 << 0)
#define PTE_WRITE (1 << 1)
#define PTE_LARGE (1 << 7)

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10

/*
 * Flat 64-bit code (L=1, P=1, S=1, execute/read) and data descriptors, with the
 * accessed bit preset so the CPU never writes to the GDT (it may be read-only).
 */
#define GDT_ENTRY_CODE64 0x00af9b000000ffff
#define GDT_ENTRY_DATA 0x00cf93000000ffff

#endif
