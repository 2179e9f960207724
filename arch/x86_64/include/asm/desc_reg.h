/* SPDX-License-Identifier: MIT */
/*
 * desc_reg.h - the CPU's descriptor tables as the hardware lays them out in
 * 64-bit mode: GDT descriptors, the 64-bit TSS, IDT gates and the
 * pseudo-descriptor lgdt/lidt load. Intel SDM vol. 3A section numbers as in
 * the rest of the tree: §3.4.5 (segment descriptors), §3.5.1 (GDTR),
 * §7.2.3 (TSS descriptor in 64-bit mode), §7.7 (64-bit TSS), §6.10 (IDTR),
 * §6.14.1 (64-bit IDT gates).
 *
 * Included by C and by entry.S: the structures are hidden from assembly.
 */
#ifndef ASM_DESC_REG_H
#define ASM_DESC_REG_H

/* Exception vectors, SDM vol. 3A §6.15 and table 6-1. */
#define X86_TRAP_DE 0  /* divide error */
#define X86_TRAP_DB 1  /* debug */
#define X86_TRAP_NMI 2 /* non-maskable interrupt */
#define X86_TRAP_BP 3  /* breakpoint (int3) */
#define X86_TRAP_OF 4  /* overflow (into) */
#define X86_TRAP_BR 5  /* BOUND range exceeded */
#define X86_TRAP_UD 6  /* invalid opcode */
#define X86_TRAP_NM 7  /* device not available */
#define X86_TRAP_DF 8  /* double fault */
#define X86_TRAP_TS 10 /* invalid TSS */
#define X86_TRAP_NP 11 /* segment not present */
#define X86_TRAP_SS 12 /* stack-segment fault */
#define X86_TRAP_GP 13 /* general protection */
#define X86_TRAP_PF 14 /* page fault */
#define X86_TRAP_MF 16 /* x87 floating-point error */
#define X86_TRAP_AC 17 /* alignment check */
#define X86_TRAP_MC 18 /* machine check */
#define X86_TRAP_XM 19 /* SIMD floating-point */
#define X86_TRAP_VE 20 /* virtualization exception */
#define X86_TRAP_CP 21 /* control protection */
#define X86_TRAP_VC 29 /* VMM communication (AMD APM vol. 2 §8.2) */
#define X86_TRAP_SX 30 /* security exception (AMD APM vol. 2 §8.2) */

/* Vectors 0-31 are the CPU's; 32-255 are free for interrupts. */
#define EXCEPTION_COUNT 32
#define IDT_ENTRIES 256

/*
 * Each exception stub in entry.S is padded to this many bytes, so the IDT
 * entry of vector v points at exception_stubs + v * EXCEPTION_STUB_SIZE:
 * two 2-byte pushes and a 5-byte jmp fit.
 */
#define EXCEPTION_STUB_SIZE 9

/* Page-fault error code bits, SDM vol. 3A §4.7, figure 4-12. */
#define PF_ERR_PRESENT (1 << 0) /* 0: page not present; 1: protection violation */
#define PF_ERR_WRITE (1 << 1)	/* the access was a write */
#define PF_ERR_USER (1 << 2)	/* the access came from CPL 3 */
#define PF_ERR_RSVD (1 << 3)	/* a reserved bit was set in a paging entry */
#define PF_ERR_FETCH (1 << 4)	/* the access was an instruction fetch */

/*
 * Selector error code of #TS, #NP, #SS, #GP, SDM vol. 3A §6.13, figure 6-7:
 * EXT (external event), IDT (the index is an IDT vector), TI (LDT), index.
 */
#define SEL_ERR_EXT (1 << 0)
#define SEL_ERR_IDT (1 << 1)
#define SEL_ERR_TI (1 << 2)
#define SEL_ERR_INDEX_SHIFT 3

/* The kernel's GDT (gdt.c): boot.h's code and data selectors, then the TSS. */
#define GDT_TSS_SEL 0x18

/* Interrupt-stack-table slots (1-7; 0 means "no stack switch"), §6.14.5. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <kernel/compiler.h>

/*
 * Access byte of a descriptor (§3.4.5, figure 3-8): present, privilege
 * level (0 for every descriptor here), S (0: system), then the 4-bit type.
 */
#define DESC_PRESENT 0x80

/* System descriptor types in IA-32e mode, §3.5, table 3-2. */
#define DESC_TYPE_TSS_AVAILABLE 0x9
#define DESC_TYPE_INTERRUPT_GATE 0xe

/* 64-bit TSS (and LDT) descriptor: 16 bytes, §7.2.3, figure 7-4. */
struct gdt_system_desc {
	uint16_t limit_low;
	uint16_t base_low;
	uint8_t base_mid;
	uint8_t access;	     /* DESC_PRESENT | type */
	uint8_t limit_high;  /* limit 19:16; flags G, AVL in the high nibble */
	uint8_t base_high;   /* base 31:24 */
	uint32_t base_upper; /* base 63:32 */
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct gdt_system_desc) == 16, "SDM vol. 3A figure 7-4");

/* 64-bit TSS, §7.7, figure 7-11: only the stack pointers are used. */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3]; /* stacks for a change to CPL 0-2 (unused: ring 0 only) */
	uint64_t reserved1;
	uint64_t ist[7]; /* IST1..IST7: ist[n - 1] */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* >= the TSS limit: no I/O permission bitmap */
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "SDM vol. 3A figure 7-11");

/* 64-bit interrupt/trap gate, §6.14.1, figure 6-8. */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector; /* code segment of the handler */
	uint8_t ist;	   /* bits 2:0: IST slot, 0 for none */
	uint8_t access;	   /* DESC_PRESENT | DPL | type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "SDM vol. 3A figure 6-8");

/* The operand of lgdt and lidt in 64-bit mode, §3.5.1 and §6.10. */
struct desc_ptr {
	uint16_t limit; /* size in bytes - 1 */
	uint64_t base;
} __packed;
_Static_assert(sizeof(struct desc_ptr) == 10, "SDM vol. 3A figure 3-11");

#endif /* __ASSEMBLY__ */
#endif
