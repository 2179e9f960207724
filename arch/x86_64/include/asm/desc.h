/* SPDX-License-Identifier: MIT */
/*
 * desc.h - the kernel's GDT, TSS and IDT (gdt.c, idt.c). trap_init() calls
 * gdt_init() then idt_init(), once, on the boot CPU, before anything can
 * fault; every other CPU calls gdt_init_cpu() and idt_load() as it starts.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <stdint.h>
#include <kernel/compiler.h>
#include <asm/desc_reg.h>

/* Each interrupt-stack-table slot has a stack of its own, in .bss. */
#define IST_STACK_SIZE 4096

/* Indexed by cpu id, then IST slot - 1; the stack walker needs their bounds. */
extern char ist_stacks[CONFIG_NR_CPUS][IST_COUNT][IST_STACK_SIZE];

/* Load CPU 0's GDT, reload the segment registers, load its TSS. */
void gdt_init(void) __cold;

/* The same for CPU @cpu, on that CPU (arch_cpu_init()). */
void gdt_init_cpu(unsigned int cpu) __cold;

/*
 * Point vectors 0-31 at the exception stubs of entry.S, the local APIC's
 * vectors (asm/irq_vectors.h) at theirs, and load the IDT.
 */
void idt_init(void) __cold;

/* Load the IDT idt_init() built, on another CPU (one IDT serves all). */
void idt_load(void) __cold;

#endif
