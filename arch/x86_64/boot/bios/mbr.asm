; SPDX-License-Identifier: MIT
;
; mbr.asm - stage 1 of Toro's BIOS loader: the 512-byte master boot record.
;
; The BIOS loads sector 0 at 0x7c00 and jumps to it in real mode with DL =
; the boot drive (BIOS Boot Specification 1.01 §6.5.1). Stage 1 records the
; TSC (boot statistics count from here), checks for the INT 13h extensions,
; reads stage 2 (the LBA and sector count scripts/mkbiosimg.py patched into
; the parameter block below) to STAGE2_ADDR and jumps to it with:
;   CS = DS = ES = SS = 0, SP = STACK_TOP, interrupts on,
;   DL = boot drive, EDI:ESI = TSC at stage 1's first instructions.
; Any failure prints a message (screen and COM1) and halts.
;
; Bytes 0x1b8-0x1fd (disk signature and partition table) stay zero and
; free for partitioning tools; 0x1fe holds the 0x55 0xaa boot signature.

%include "layout.inc"

	bits 16
	org MBR_ADDR

DISK_SIG_OFFSET		equ 0x1b8	; Windows disk signature, then the partition table
BOOT_SIG		equ 0xaa55	; bytes 0x55 0xaa at offset 0x1fe

; Ralf Brown's interrupt list, INT 13h AH=41h "installation check".
EXT_CHECK_IN		equ 0x55aa
EXT_CHECK_OUT		equ 0xaa55
EXT_SUBSET_PACKET	equ 1		; CX bit 0: AH=42h-44h, 47h, 48h available

mbr_start:
	mov bp, dx		; DL = boot drive; rdtsc overwrites EDX
	rdtsc
	cli
	xor bx, bx
	mov ss, bx
	mov sp, STACK_TOP
	mov ds, bx
	mov es, bx
	jmp 0:.flat		; some BIOSes enter at 07c0:0000: make CS 0 too
.flat:
	sti
	cld
	mov [tsc_low], eax
	mov [tsc_high], edx
	mov ax, bp
	mov [boot_drive], al

	; INT 13h AH=41h: are the extensions (LBA packet reads) there?
	mov ah, 0x41
	mov bx, EXT_CHECK_IN
	mov dl, [boot_drive]
	int 0x13
	jc no_extensions
	cmp bx, EXT_CHECK_OUT
	jne no_extensions
	test cl, EXT_SUBSET_PACKET
	jz no_extensions

	; INT 13h AH=42h: extended read of stage 2, DS:SI = the packet.
	mov si, dap
	mov ah, 0x42
	mov dl, [boot_drive]
	int 0x13
	jc disk_error

	cmp dword [STAGE2_ADDR + STAGE2_MAGIC_OFFSET], STAGE2_PARAMS_MAGIC
	jne bad_stage2

	mov dl, [boot_drive]
	mov esi, [tsc_low]
	mov edi, [tsc_high]
	jmp 0:STAGE2_ADDR

no_extensions:
	mov si, msg_no_ext
	jmp fail
disk_error:
	mov si, msg_disk
	jmp fail
bad_stage2:
	mov si, msg_stage2
fail:
	call print
	jmp halt

%include "print.inc"

msg_no_ext:	db "toro: BIOS lacks INT 13h extensions", 13, 10, 0
msg_disk:	db "toro: stage 2 read error", 13, 10, 0
msg_stage2:	db "toro: stage 2 missing", 13, 10, 0

; Patched by scripts/mkbiosimg.py, which finds it by its magic.
	align 4
mbr_params:
	dd MBR_PARAMS_MAGIC
	dw STAGE2_MAX_SECTORS	; read-only: the most stage 2 may take
; INT 13h AH=42h disk address packet (Ralf Brown's interrupt list).
dap:
	db 16			; packet size
	db 0
	dw 0			; sectors to read: patched
	dw STAGE2_ADDR, 0	; buffer offset, segment
	dq 0			; first LBA: patched

; Written at run time; the MBR is plain RAM once loaded.
tsc_low:	dd 0
tsc_high:	dd 0
boot_drive:	db 0

	times DISK_SIG_OFFSET - ($ - $$) db 0
	times SECTOR_SIZE - 2 - ($ - $$) db 0
	dw BOOT_SIG
