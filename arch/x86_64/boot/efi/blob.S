/* SPDX-License-Identifier: MIT */
/*
 * blob.S - the kernel's flat image (toro.bin), embedded in toro.efi so the
 * ESP holds one file and the stub cannot load a kernel from another build.
 * The Makefile passes its path as TORO_KERNEL_BIN.
 */
	.section .rodata, "a"
	.balign 16
	.globl toro_kernel_blob, toro_kernel_blob_end
toro_kernel_blob:
	.incbin TORO_KERNEL_BIN
toro_kernel_blob_end:
