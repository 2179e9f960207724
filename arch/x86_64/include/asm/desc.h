/* SPDX-License-Identifier: MIT */
/*
 * desc.h - the kernel's GDT, TSS and IDT (gdt.c, idt.c). trap_init() calls
 * gdt_init() then idt_init(), once, on the boot CPU, before anything can
 * fault.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <stdint.h>
#include <kernel/compiler.h>
#include <asm/desc_reg.h>

/* Each interrupt-stack-table slot has a stack of its own, in .bss. */
#define IST_STACK_SIZE 4096

/* Indexed by IST slot - 1; the stack walker needs their bounds. */
extern char ist_stacks[IST_COUNT][IST_STACK_SIZE];

/* Load the kernel's GDT, reload the segment registers, load the TSS. */
void gdt_init(void) __cold;

/* Point vectors 0-31 at the exception stubs of entry.S and load the IDT. */
void idt_init(void) __cold;

#endif
