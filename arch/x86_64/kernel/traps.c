/* SPDX-License-Identifier: MIT */
/*
 * traps.c - what happens when the CPU raises an exception.
 *
 * trap_init() installs the GDT, TSS and IDT first thing in x86_boot(), so a
 * fault anywhere after that - in boot parsing, an initcall, the application -
 * prints a report instead of silently resetting the machine:
 *
 *   Kernel exception: page fault (vector 14), error code 0x2
 *   CR2: 0x0000000000000010 (not-present page, write, kernel mode)
 *   RIP: 0x0000000000102b6a crash_write_null+0xa/0x1b
 *   ... registers, CR0/CR3/CR4 ...
 *   Call trace:
 *     [<0x0000000000102b6a>] crash_write_null+0xa/0x1b
 *     [<0x0000000000102b95>] crash_level2+0x25/0x3c
 *
 * Every exception is fatal for now (no interrupts, no user mode, no demand
 * paging): after the report the machine stops through panic_stop(), with
 * PANIC_EXIT_CODE, as panic() does.
 */
#include <stddef.h>
#include <stdint.h>
#include <kernel/backtrace.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <asm/ctrl_regs.h>
#include <asm/desc.h>
#include <asm/traps.h>

/* Names as the Intel SDM vol. 3A §6.15 titles them; NULL: reserved. */
static const char *const exception_names[EXCEPTION_COUNT] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug exception",
	[X86_TRAP_NMI] = "non-maskable interrupt",
	[X86_TRAP_BP] = "breakpoint",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "BOUND range exceeded",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack-segment fault",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_MF] = "x87 floating-point error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XM] = "SIMD floating-point exception",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection exception",
	[X86_TRAP_VC] = "VMM communication exception",
	[X86_TRAP_SX] = "security exception",
};

/* The order registers are printed in, as indices into struct trap_frame. */
#define FRAME_INDEX(reg) (__builtin_offsetof(struct trap_frame, reg) / sizeof(uint64_t))
static const struct {
	char name[4];
	uint8_t index;
} gpr_order[] = {
	{"RAX", FRAME_INDEX(rax)}, {"RBX", FRAME_INDEX(rbx)}, {"RCX", FRAME_INDEX(rcx)},
	{"RDX", FRAME_INDEX(rdx)}, {"RSI", FRAME_INDEX(rsi)}, {"RDI", FRAME_INDEX(rdi)},
	{"RBP", FRAME_INDEX(rbp)}, {"R08", FRAME_INDEX(r8)},  {"R09", FRAME_INDEX(r9)},
	{"R10", FRAME_INDEX(r10)}, {"R11", FRAME_INDEX(r11)}, {"R12", FRAME_INDEX(r12)},
	{"R13", FRAME_INDEX(r13)}, {"R14", FRAME_INDEX(r14)}, {"R15", FRAME_INDEX(r15)},
};
#define GPRS_PER_LINE 3

/* How deep we are in trap_handler(): a fault while reporting one must not loop. */
static int trap_depth;

void trap_init(void)
{
	gdt_init();
	idt_init();
}

/* SDM vol. 3A §4.7: the error code says why the access at CR2 failed. */
static __cold void report_page_fault(uint64_t error_code)
{
	pr_emerg("CR2: 0x%016llx (%s, %s, %s mode%s%s)\n", (unsigned long long)read_cr2(),
		 error_code & PF_ERR_PRESENT ? "protection violation" : "not-present page",
		 error_code & PF_ERR_WRITE ? "write" : "read",
		 error_code & PF_ERR_USER ? "user" : "kernel",
		 error_code & PF_ERR_FETCH ? ", instruction fetch" : "",
		 error_code & PF_ERR_RSVD ? ", reserved bit set" : "");
}

/* SDM vol. 3A §6.13: a non-zero error code of #TS/#NP/#SS/#GP names a selector or vector. */
static __cold void report_selector_error(uint64_t error_code)
{
	if (!error_code) {
		return;
	}
	pr_emerg("error code refers to %s 0x%llx%s\n",
		 error_code & SEL_ERR_IDT
			 ? "IDT vector"
			 : (error_code & SEL_ERR_TI ? "LDT selector" : "GDT selector"),
		 (unsigned long long)(error_code >> SEL_ERR_INDEX_SHIFT),
		 error_code & SEL_ERR_EXT ? " (external event)" : "");
}

static __cold void report_registers(const struct trap_frame *f)
{
	const uint64_t *regs = (const uint64_t *)f;

	pr_emerg("RIP: 0x%016llx", (unsigned long long)f->rip);
	backtrace_print_symbol(f->rip);
	pr_emerg("\nRSP: 0x%016llx RFLAGS: 0x%08llx CS: 0x%llx SS: 0x%llx\n",
		 (unsigned long long)f->rsp, (unsigned long long)f->rflags,
		 (unsigned long long)f->cs, (unsigned long long)f->ss);
	for (unsigned int i = 0; i < ARRAY_SIZE(gpr_order); i++) {
		pr_emerg("%s: 0x%016llx%s", gpr_order[i].name,
			 (unsigned long long)regs[gpr_order[i].index],
			 (i + 1) % GPRS_PER_LINE ? " " : "\n");
	}
	pr_emerg("CR0: 0x%016llx CR3: 0x%016llx CR4: 0x%016llx\n", (unsigned long long)read_cr0(),
		 (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

void trap_handler(struct trap_frame *frame)
{
	uint64_t vector = frame->vector;
	const char *name = vector < EXCEPTION_COUNT ? exception_names[vector] : NULL;

	if (++trap_depth > 1) {
		/* Faulted while reporting: say so once, then stop as simply as possible. */
		if (trap_depth == 2) {
			pr_emerg("Kernel exception %llu at 0x%llx while reporting one\n",
				 (unsigned long long)vector, (unsigned long long)frame->rip);
			panic_stop();
		}
		arch_halt();
	}

	pr_emerg("Kernel exception: %s (vector %llu), error code 0x%llx\n",
		 name ? name : "reserved", (unsigned long long)vector,
		 (unsigned long long)frame->error_code);
	if (vector == X86_TRAP_PF) {
		report_page_fault(frame->error_code);
	} else if (vector >= X86_TRAP_TS && vector <= X86_TRAP_GP) {
		report_selector_error(frame->error_code);
	}
	report_registers(frame);

	pr_emerg("Call trace:\n");
	backtrace_print_context(frame->rip, frame->rsp, frame->rbp);
	panic_stop();
}
