; SPDX-License-Identifier: MIT
;
; stage2.asm - stage 2 of Toro's BIOS loader: from real mode to the kernel's
; 64-bit entry.
;
; Loaded by mbr.asm at STAGE2_ADDR and entered in real mode with CS = DS =
; ES = SS = 0, DL = boot drive and EDI:ESI = the TSC stage 1 read. In order:
;   1. check the CPU has long mode (there is no point loading otherwise);
;   2. read the BIOS memory map (INT 15h AX=E820h) into bios_boot_info;
;   3. enable the A20 line (fast A20 through port 0x92, else INT 15h AX=2401h);
;   4. read the kernel (objcopy -O binary of toro.elf, linked at its load
;      address above 1 MiB) with INT 13h AH=42h, up to READ_MAX_SECTORS at a
;      time into a bounce buffer below 1 MiB, copying each chunk to its place
;      through a brief switch to 32-bit protected mode; then the same for the
;      initrd, if the image has one (after the kernel on disk, and in memory
;      from the page after __kernel_end), noted in bios_boot_info;
;   5. in 32-bit protected mode: zero the kernel's bss, build page tables
;      identity-mapping the first MAP_GIB GiB with 2 MiB pages in the space
;      the kernel reserves for them (bios_entry.S), enter long mode and jump
;      to start64 (head64.S) with %edi = BOOT_PATH_BIOS, %esi = BOOT_INFO_ADDR.
; Where the kernel lies on disk and in memory comes from the parameter block
; below, which scripts/mkbiosimg.py fills in from the ELF's symbol table.
; Any failure prints a message (screen and COM1) and halts.
;
; References: Ralf Brown's interrupt list (INT 13h AH=42h, INT 15h AX=E820h
; and AX=2401h); Intel SDM vol. 3A §9.9.1 (switching to protected mode),
; §9.9.2 (switching back to real-address mode), §9.8.5 (initializing IA-32e
; mode), §4.5 (4-level paging).

%include "layout.inc"
%include "bootinfo.inc"

	bits 16
	org STAGE2_ADDR

BOOT_PATH_BIOS		equ 3		; asm/layout.h

; Intel SDM vol. 3A §2.5 (control registers), §4.5 (paging entries).
CR0_PE			equ 1 << 0
CR0_WP			equ 1 << 16
CR0_PG			equ 1 << 31
CR4_PAE			equ 1 << 5
MSR_EFER		equ 0xc0000080
EFER_LME		equ 1 << 8
PTE_PRESENT		equ 1 << 0
PTE_WRITE		equ 1 << 1
PTE_LARGE		equ 1 << 7
PAGE_SIZE		equ 4096
PAGE_SHIFT		equ 12
LARGE_PAGE_SHIFT	equ 21
ENTRIES_PER_TABLE	equ 512
SECTOR_SHIFT		equ 9

; Identity-map the first 4 GiB, as head32.S does for the other paths
; (EARLY_MAP_GIB in asm/layout.h): one PML4, one PDPT, one PD per GiB.
MAP_GIB			equ 4
PT_BYTES		equ (2 + MAP_GIB) * PAGE_SIZE

; CPUID extended leaves (Intel SDM vol. 2A, CPUID): 0x80000001 EDX bit 29 = LM.
CPUID_EXT_MAX		equ 0x80000000
CPUID_EXT_FEATURES	equ 0x80000001
CPUID_LM_BIT		equ 29

; Ralf Brown's interrupt list, INT 15h AX=E820h.
E820_FUNC		equ 0xe820
E820_SMAP		equ 0x534d4150	; "SMAP", in EDX and back in EAX
E820_MIN_SIZE		equ 20		; older BIOSes omit the attributes dword
E820_ATTR_VALID		equ 1 << 0	; ACPI 3.0: clear means "ignore this entry"

; A20: System Control Port A (port 0x92) bit 1; bit 0 would reset the CPU.
PORT_A20		equ 0x92
PORT_A20_ENABLE		equ 1 << 1
PORT_A20_RESET		equ 1 << 0
A20_BIOS_ENABLE		equ 0x2401	; INT 15h AX=2401h
A20_TEST_ADDR		equ 0x0500	; vs 0x100500: the same byte when A20 is off
A20_TRIES		equ 1000

; GDT selectors (gdt below).
SEL_CODE32		equ 0x08
SEL_DATA32		equ 0x10
SEL_CODE16		equ 0x18
SEL_DATA16		equ 0x20
SEL_CODE64		equ 0x28

stage2_start:
	jmp short stage2_main
	times STAGE2_MAGIC_OFFSET - ($ - $$) db 0

; Patched by scripts/mkbiosimg.py, which finds it by its magic.
params:
.magic:		dd STAGE2_PARAMS_MAGIC
.kernel_lba:	dq 0		; first sector of the kernel on disk
.kernel_sectors: dd 0
.load_addr:	dd 0		; physical address of the binary's first byte
.image_end:	dd 0		; load_addr + binary size: bss starts here
.bss_end:	dd 0		; __kernel_end
.page_tables:	dd 0		; early_pml4, PT_BYTES reserved by the kernel
.entry:		dq 0		; start64
.pt_bytes:	dd PT_BYTES	; read-only: what the kernel must reserve
.initrd_lba:	dq 0		; the initrd (a cpio archive) on disk; 0 sectors: none
.initrd_sectors: dd 0
.initrd_addr:	dd 0		; where it goes, page-aligned past __kernel_end
.initrd_size:	dd 0		; bytes

stage2_main:
	cld
	movzx esp, sp		; 32-bit code below uses ESP
	mov [boot_drive], dl
	mov dword [BOOT_INFO_ADDR + bios_boot_info.magic], BIOS_INFO_MAGIC
	mov word [BOOT_INFO_ADDR + bios_boot_info.version], BIOS_INFO_VERSION
	mov word [BOOT_INFO_ADDR + bios_boot_info.e820_count], 0
	movzx eax, dl
	mov [BOOT_INFO_ADDR + bios_boot_info.boot_drive], eax
	mov dword [BOOT_INFO_ADDR + bios_boot_info.reserved], 0
	mov [BOOT_INFO_ADDR + bios_boot_info.stage1_tsc], esi
	mov [BOOT_INFO_ADDR + bios_boot_info.stage1_tsc + 4], edi
	mov dword [BOOT_INFO_ADDR + bios_boot_info.initrd_addr], 0
	mov dword [BOOT_INFO_ADDR + bios_boot_info.initrd_size], 0

	call check_long_mode
	call read_e820
	call enable_a20
	call load_kernel
	call load_initrd
	jmp enter_long_mode

fail:
	call print
	jmp halt

; check_long_mode - CPUID 0x80000001 EDX.LM, or fail.
check_long_mode:
	mov eax, CPUID_EXT_MAX
	cpuid
	cmp eax, CPUID_EXT_FEATURES
	jb .no
	mov eax, CPUID_EXT_FEATURES
	cpuid
	bt edx, CPUID_LM_BIT
	jnc .no
	ret
.no:
	mov si, msg_no_long_mode
	jmp fail

; read_e820 - the BIOS memory map into bios_boot_info.e820, or fail.
; Entries the BIOS marks invalid (ACPI 3.0 attributes) or empty are dropped.
read_e820:
	mov di, BOOT_INFO_ADDR + bios_boot_info.e820
	xor ebx, ebx		; continuation value: 0 starts the list
	xor bp, bp		; entries kept
.next:
	mov dword [di + e820_entry.attributes], E820_ATTR_VALID
	mov eax, E820_FUNC
	mov edx, E820_SMAP
	mov ecx, e820_entry_size
	int 0x15
	jc .carry
	cmp eax, E820_SMAP
	jne .fail
	cmp ecx, E820_MIN_SIZE
	jb .skip
	test byte [di + e820_entry.attributes], E820_ATTR_VALID
	jz .skip
	mov eax, [di + e820_entry.length]
	or eax, [di + e820_entry.length + 4]
	jz .skip
	inc bp
	add di, e820_entry_size
	cmp bp, BIOS_E820_MAX
	je .done
.skip:
	test ebx, ebx		; 0: that was the last entry
	jnz .next
	jmp .done
.carry:
	; Carry on the first call: no E820; on a later one, some BIOSes' end of list.
	test bp, bp
	jz .fail
.done:
	test bp, bp
	jz .fail
	mov [BOOT_INFO_ADDR + bios_boot_info.e820_count], bp
	ret
.fail:
	mov si, msg_e820
	jmp fail

; a20_check - ZF clear when A20 is on, i.e. 0:0500 and ffff:0510 (0x100500)
; are different bytes. Preserves everything but flags and AX.
a20_check:
	push ds
	push es
	push si
	push di
	xor ax, ax
	mov ds, ax
	not ax
	mov es, ax
	mov si, A20_TEST_ADDR
	mov di, A20_TEST_ADDR + 0x10	; 0xffff0 + 0x510 = 0x100500
	mov al, [ds:si]
	mov ah, [es:di]
	push ax
	mov byte [ds:si], 0x00
	mov byte [es:di], 0xff
	cmp byte [ds:si], 0xff		; ZF: the second write wrapped to 0x500
	pop ax
	mov [es:di], ah			; mov does not touch the flags
	mov [ds:si], al
	pop di
	pop si
	pop es
	pop ds
	ret

; a20_wait - a20_check until it succeeds or A20_TRIES run out (the gate
; may take a moment to switch). ZF clear when A20 is on.
a20_wait:
	mov cx, A20_TRIES
.again:
	call a20_check
	jnz .done
	loop .again
.done:
	ret

; enable_a20 - or fail. Most BIOSes (SeaBIOS too) hand over with A20 on.
enable_a20:
	call a20_check
	jnz .on
	in al, PORT_A20
	or al, PORT_A20_ENABLE
	and al, ~PORT_A20_RESET & 0xff
	out PORT_A20, al
	call a20_wait
	jnz .on
	mov ax, A20_BIOS_ENABLE
	int 0x15
	call a20_wait
	jnz .on
	mov si, msg_a20
	jmp fail
.on:
	ret

; load_kernel - kernel_sectors from kernel_lba to load_addr, or fail.
load_kernel:
	mov eax, [params.kernel_lba]
	mov [dap.lba], eax
	mov eax, [params.kernel_lba + 4]
	mov [dap.lba + 4], eax
	mov eax, [params.load_addr]
	mov [load_dest], eax
	mov eax, [params.kernel_sectors]
	mov [load_left], eax
	jmp load_sectors

; load_initrd - initrd_sectors from initrd_lba to initrd_addr (if any), or fail.
load_initrd:
	mov eax, [params.initrd_sectors]
	test eax, eax
	jz .none
	mov [load_left], eax
	mov eax, [params.initrd_lba]
	mov [dap.lba], eax
	mov eax, [params.initrd_lba + 4]
	mov [dap.lba + 4], eax
	mov eax, [params.initrd_addr]
	mov [load_dest], eax
	call load_sectors
	mov eax, [params.initrd_addr]
	mov [BOOT_INFO_ADDR + bios_boot_info.initrd_addr], eax
	mov eax, [params.initrd_size]
	mov [BOOT_INFO_ADDR + bios_boot_info.initrd_size], eax
.none:
	ret

; load_sectors - load_left sectors from dap.lba to load_dest, or fail.
load_sectors:
.next:
	mov eax, [load_left]
	test eax, eax
	jz .done
	cmp eax, READ_MAX_SECTORS
	jbe .count_ok
	mov eax, READ_MAX_SECTORS
.count_ok:
	mov [dap.count], ax
	mov [load_count], ax
	mov si, dap
	mov ah, 0x42
	mov dl, [boot_drive]
	int 0x13
	jc .error
	mov ax, [load_count]
	cmp [dap.count], ax	; the BIOS writes back how many it read
	mov ah, 0		; a short read has no status of its own
	jne .error

	movzx ecx, word [load_count]
	shl ecx, SECTOR_SHIFT - 2	; dwords
	mov esi, BOUNCE_ADDR
	mov edi, [load_dest]
	call copy_high

	movzx eax, word [load_count]
	add [dap.lba], eax
	adc dword [dap.lba + 4], 0
	sub [load_left], eax
	shl eax, SECTOR_SHIFT
	add [load_dest], eax
	jmp .next
.done:
	ret
.error:
	mov al, ah
	mov di, msg_disk_status
	call hex8
	mov si, msg_disk
	jmp fail

; hex8 - AL as two hex digits at DI.
hex8:
	push ax
	shr al, 4
	call .digit
	pop ax
	and al, 0x0f
.digit:
	add al, '0'
	cmp al, '9'
	jbe .store
	add al, 'a' - '9' - 1
.store:
	mov [di], al
	inc di
	ret

; copy_high - copy ECX dwords from physical ESI to physical EDI (below
; 4 GiB) in 32-bit protected mode, then come back to real mode. A brief
; switch for each chunk rather than "unreal" mode set up once: SeaBIOS
; returns from INT 13h with real-mode segment limits, and an interrupt
; taken meanwhile could do the same, so interrupts stay off throughout.
; Intel SDM vol. 3A §9.9.1 and §9.9.2.
copy_high:
	cli
	lgdt [gdt_desc]
	mov eax, cr0
	or al, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:.protected

	bits 32
.protected:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	rep movsd
	; §9.9.2: back through a 16-bit segment with a 64 KiB limit.
	jmp SEL_CODE16:.protected16

	bits 16
.protected16:
	mov ax, SEL_DATA16
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr0
	and al, ~CR0_PE & 0xff
	mov cr0, eax
	jmp 0:.real
.real:
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	sti
	ret

; enter_long_mode - the last step; does not return.
enter_long_mode:
	cli
	lgdt [gdt_desc]
	mov eax, cr0
	or al, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:protected_final

	bits 32
protected_final:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov esp, STACK_TOP

	; The kernel's bss: the loader read whole sectors, so start at the image end.
	mov edi, [params.image_end]
	mov ecx, [params.bss_end]
	sub ecx, edi
	xor eax, eax
	rep stosb

	call build_page_tables

	; §9.8.5: PAE on, CR3 loaded, EFER.LME set, then CR0.PG; a far jump
	; to a 64-bit code segment completes the switch.
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, [params.page_tables]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax
	jmp SEL_CODE64:long_mode

; build_page_tables - PML4, PDPT and MAP_GIB page directories of 2 MiB
; pages at params.page_tables, identity-mapping [0, MAP_GIB GiB).
build_page_tables:
	mov ebx, [params.page_tables]
	mov edi, ebx
	mov ecx, PT_BYTES / 4
	xor eax, eax
	rep stosd

	lea eax, [ebx + PAGE_SIZE + PTE_PRESENT + PTE_WRITE]
	mov [ebx], eax			; PML4[0] -> PDPT

	xor ecx, ecx			; PDPT[i] -> page directory i
.pdpt:
	mov eax, ecx
	shl eax, PAGE_SHIFT
	lea eax, [eax + ebx + 2 * PAGE_SIZE + PTE_PRESENT + PTE_WRITE]
	mov [ebx + PAGE_SIZE + ecx * 8], eax
	inc ecx
	cmp ecx, MAP_GIB
	jb .pdpt

	xor ecx, ecx			; entry i maps i * 2 MiB
.pd:
	mov eax, ecx
	shl eax, LARGE_PAGE_SHIFT
	or eax, PTE_PRESENT | PTE_WRITE | PTE_LARGE
	mov [ebx + 2 * PAGE_SIZE + ecx * 8], eax
	mov eax, ecx
	shr eax, 32 - LARGE_PAGE_SHIFT	; address bits 32 and up
	mov [ebx + 2 * PAGE_SIZE + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, MAP_GIB * ENTRIES_PER_TABLE
	jb .pd
	ret

	bits 64
long_mode:
	mov edi, BOOT_PATH_BIOS
	mov esi, BOOT_INFO_ADDR
	mov rax, [params.entry]
	jmp rax

	bits 16
%include "print.inc"

; Flat 4 GiB code and data for 32-bit protected mode, 64 KiB 16-bit ones to
; return to real mode (§9.9.2), and 64-bit code (Intel SDM vol. 3A §3.4.5).
	align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff	; SEL_CODE32
	dq 0x00cf92000000ffff	; SEL_DATA32
	dq 0x00009a000000ffff	; SEL_CODE16
	dq 0x000092000000ffff	; SEL_DATA16
	dq 0x00af9a000000ffff	; SEL_CODE64
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt

; INT 13h AH=42h disk address packet (Ralf Brown's interrupt list).
	align 4
dap:
.size:		db 16
.reserved:	db 0
.count:		dw 0
.buffer:	dw 0, BOUNCE_SEG	; offset, segment
.lba:		dq 0

load_dest:	dd 0
load_left:	dd 0
load_count:	dw 0
boot_drive:	db 0

msg_no_long_mode:
	db "toro: this CPU has no 64-bit long mode; cannot boot", 13, 10, 0
msg_e820:
	db "toro: the BIOS gave no memory map (INT 15h AX=E820h)", 13, 10, 0
msg_a20:
	db "toro: cannot enable the A20 line", 13, 10, 0
msg_disk:
	db "toro: kernel read error (INT 13h AH=42h status 0x"
msg_disk_status:
	db "??)", 13, 10, 0
