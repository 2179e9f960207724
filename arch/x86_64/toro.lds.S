/* SPDX-License-Identifier: MIT */
/*
 * toro.lds.S - the one linker script, shared by every boot path.
 *
 * The image is linked at 1 MiB and runs identity-mapped. Everything loaded
 * lives in one PT_LOAD segment, contiguous in the file and in memory, so the
 * same ELF works for PVH (ELF loader), Multiboot (a.out kludge: the loader
 * copies [__image_start, __image_end) from the file) and the BIOS loader
 * (objcopy -O binary of the same range). The boot header of the chosen path
 * comes first, the kallsyms table last, so adding the table moves no code.
 */
#include <asm/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

PHDRS
{
	image PT_LOAD FLAGS(7);
	/* No file bytes: its own segment, so .pgtable's 4 KiB alignment does not
	 * push the image's file offset to a page boundary (-n keeps it small). */
	zeroed PT_LOAD FLAGS(6);
	note PT_NOTE FLAGS(4);
}

SECTIONS
{
	. = KERNEL_LOAD_ADDR;
	__image_start = .;

	.text : {
		KEEP(*(.boot.header))
		KEEP(*(.boot.text))
		*(.text.unlikely .text.unlikely.*)
		*(.text .text.*)
	} :image
	__text_end = .;

	.notes : {
		KEEP(*(.note.Xen))
	} :image :note

	.rodata : {
		*(.rodata .rodata.*)
		. = ALIGN(8);
		/* initcall.h: one run of pointers per level, in link order. */
		__initcall0_start = .; KEEP(*(.initcall.0))
		__initcall1_start = .; KEEP(*(.initcall.1))
		__initcall2_start = .; KEEP(*(.initcall.2))
		__initcall3_start = .; KEEP(*(.initcall.3))
		__initcall4_start = .; KEEP(*(.initcall.4))
		__initcall5_start = .; KEEP(*(.initcall.5))
		__initcall6_start = .; KEEP(*(.initcall.6))
		__initcall7_start = .; KEEP(*(.initcall.7))
		__initcall8_start = .; KEEP(*(.initcall.8))
		__initcall_end = .;
		/* kernel/pci.h: the DRIVER_PCI() entries, in link order. */
		. = ALIGN(8);
		__driver_pci_start = .; KEEP(*(.driver.pci))
		__driver_pci_end = .;
		/* kernel/virtio.h: the DRIVER_VIRTIO() entries, in link order. */
		. = ALIGN(8);
		__driver_virtio_start = .; KEEP(*(.driver.virtio))
		__driver_virtio_end = .;
		/* kernel/vfs.h: the VFS_FS_TYPE() entries (names as a host linker makes them). */
		. = ALIGN(8);
		__start_vfs_fs_type = .; KEEP(*(vfs_fs_type))
		__stop_vfs_fs_type = .;
	} :image

	.data : {
		*(.data .data.*)
	} :image

	/* Filled by the second link (scripts/kallsyms.py); last of the file. */
	.kallsyms : {
		. = ALIGN(8);
		KEEP(*(.kallsyms))
	} :image
	. = ALIGN(16);
	__image_end = .;

	.bss (NOLOAD) : {
		__bss_start = .;
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(16);
		__bss_end = .;
	} :zeroed

	/*
	 * Early page tables: zeroed by the 32-bit entry, kept by the 64-bit one.
	 * KEEP: on the BIOS path only the loader's stage 2 refers to them.
	 */
	.pgtable (NOLOAD) : ALIGN(4096) {
		KEEP(*(.pgtable))
	} :zeroed
	__kernel_end = .;

	/DISCARD/ : {
		*(.eh_frame) *(.comment) *(.note.GNU-stack) *(.note.gnu.*)
	}
}
