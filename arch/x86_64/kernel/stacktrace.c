/* SPDX-License-Identifier: MIT */
/*
 * stacktrace.c - printing call chains by following frame pointers.
 *
 * With -fno-omit-frame-pointer a function that needs a frame starts with
 * push %rbp; mov %rsp, %rbp, so %rbp points at the caller's saved %rbp with
 * the return address just above it. head64.S zeroes %rbp before the first
 * call, which ends the chain. GCC gives leaf functions that use no stack no
 * frame at all: when one of those faults, %rbp is still its caller's, and
 * the caller's own return address is found on top of the stack instead
 * (backtrace_print_context()).
 *
 * The walker runs while the kernel is already broken, so it trusts nothing:
 * a stack word is read only if it lies inside the stack the walk started on
 * (the boot stack or any CPU's IST stack), and each caller's frame must be above the
 * one before (stacks grow down), so a corrupt chain can neither fault nor
 * loop.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <toro/string.h>
#include <kernel/backtrace.h>
#include <kernel/kallsyms.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <asm/cpu.h>
#include <asm/desc.h>

/* head64.S */
extern char boot_stack[], boot_stack_top[];

#define MSR_GS_BASE 0xc0000101

struct frame {
	uintptr_t next; /* the caller's %rbp */
	uintptr_t ret;	/* where this function returns to */
};

/* push %rbp; mov %rsp, %rbp: the start of a function that keeps a frame. */
static const uint8_t frame_prologue[] = {0x55, 0x48, 0x89, 0xe5};

/* The stack that holds @sp: the boot stack or an IST stack of some CPU. */
static __cold bool stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	if (sp >= (uintptr_t)boot_stack && sp < (uintptr_t)boot_stack_top) {
		*lo = (uintptr_t)boot_stack;
		*hi = (uintptr_t)boot_stack_top;
		return true;
	}
	for (int i = 0; i < CONFIG_NR_CPUS * IST_COUNT; i++) {
		uintptr_t base = (uintptr_t)ist_stacks[i / IST_COUNT][i % IST_COUNT];

		if (sp >= base && sp < base + IST_STACK_SIZE) {
			*lo = base;
			*hi = base + IST_STACK_SIZE;
			return true;
		}
	}
	/* A thread's own stack; this_cpu() needs the GS base, unset very early. */
	return rdmsr(MSR_GS_BASE) != 0 && sched_thread_stack(sp, lo, hi);
}

/* Is [addr, addr + len) an aligned run of words inside one known stack? */
static __cold bool stack_readable(uintptr_t addr, size_t len)
{
	uintptr_t lo, hi;

	return addr % sizeof(uintptr_t) == 0 && stack_bounds(addr, &lo, &hi) && addr + len <= hi;
}

void backtrace_print_symbol(uintptr_t addr)
{
	uintptr_t offset, size;
	const char *name = kallsyms_lookup(addr, &offset, &size);

	if (name) {
		pr_emerg(" %s+0x%lx/0x%lx", name, (unsigned long)offset, (unsigned long)size);
	}
}

/*
 * One line for @addr. A return address is the instruction after a call: it
 * is looked up one byte earlier, so a call that ends a function (to a
 * noreturn one) is not named after the next function.
 */
static __cold void print_entry(uintptr_t addr, bool return_address, const char *mark)
{
	uintptr_t offset, size;
	uintptr_t lookup = return_address ? addr - 1 : addr;
	const char *name = kallsyms_lookup(lookup, &offset, &size);

	if (name) {
		pr_emerg("  [<0x%016lx>] %s%s+0x%lx/0x%lx\n", (unsigned long)addr, mark, name,
			 (unsigned long)(offset + (addr - lookup)), (unsigned long)size);
	} else {
		pr_emerg("  [<0x%016lx>]\n", (unsigned long)addr);
	}
}

void backtrace_print(uintptr_t fp)
{
	uintptr_t lo, hi;

	if (!stack_bounds(fp, &lo, &hi)) {
		if (fp) {
			pr_emerg("  (frame pointer 0x%lx is on no known stack)\n",
				 (unsigned long)fp);
		}
		return;
	}
	for (int n = 0; n < BACKTRACE_MAX_FRAMES; n++) {
		const struct frame *f = (const struct frame *)fp;

		if (fp % sizeof(uintptr_t) || fp < lo || fp > hi - sizeof(*f) || !f->ret) {
			return;
		}
		print_entry(f->ret, true, "");
		if (f->next <= fp) {
			return;
		}
		fp = f->next;
	}
}

/*
 * Had the function at @pc set up its frame? Only a function that starts with
 * the frame prologue, interrupted past it, has: a leaf without a frame (or
 * one stopped inside its prologue) has not. Unknown without a symbol table.
 */
static __cold bool has_own_frame(uintptr_t pc)
{
	uintptr_t offset, size;

	if (!kallsyms_lookup(pc, &offset, &size)) {
		return true;
	}
	return offset >= sizeof(frame_prologue) &&
	       memcmp((const void *)(pc - offset), frame_prologue, sizeof(frame_prologue)) == 0;
}

void backtrace_print_context(uintptr_t pc, uintptr_t sp, uintptr_t fp)
{
	uintptr_t offset, size;

	print_entry(pc, false, "");
	/*
	 * Without a frame of its own the function's return address is the word
	 * at %rsp, if it pushed nothing: shown only when it points into code.
	 */
	if (!has_own_frame(pc) && stack_readable(sp, sizeof(uintptr_t))) {
		uintptr_t ret = *(const uintptr_t *)sp;

		if (kallsyms_lookup(ret - 1, &offset, &size)) {
			print_entry(ret, true, "? ");
		}
	}
	backtrace_print(fp);
}
