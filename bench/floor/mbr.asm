; SPDX-License-Identifier: MIT
; mbr.asm - the BIOS floor stub: a 512-byte boot sector. SeaBIOS loads it at
; 0:7C00 in real mode; it writes one byte to COM1 and leaves QEMU through
; isa-debug-exit. The bench pads it to a 1 MiB disk (q35's AHCI wants more
; than one sector).
	bits 16
	org 0x7c00

	mov dx, 0x3f8
	mov al, 'F'
	out dx, al
	xor al, al
	out 0xf4, al
.halt:	hlt
	jmp .halt

	times 510 - ($ - $$) db 0
	dw 0xaa55
