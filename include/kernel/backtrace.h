/* SPDX-License-Identifier: MIT */
/*
 * backtrace.h - printing where the kernel is: one address as
 * "name+0xoff/0xsize", and the chain of callers found through frame
 * pointers (the kernel is built with -fno-omit-frame-pointer). Everything
 * prints at LOGLEVEL_EMERG: these are for panics and exception reports.
 */
#ifndef KERNEL_BACKTRACE_H
#define KERNEL_BACKTRACE_H

#include <stdint.h>
#include <kernel/compiler.h>

/* Maximum number of callers backtrace_print() shows. */
#define BACKTRACE_MAX_FRAMES 32

/* Print " name+0xoff/0xsize" for @addr, or nothing if no symbol covers it. */
void backtrace_print_symbol(uintptr_t addr) __cold;

/*
 * Print the callers of the frame whose frame pointer is @fp, innermost
 * first, one line "  [<0x...>] name+0xoff/0xsize" each. Stops at a zero or
 * implausible frame pointer (never reads outside the known stacks) or after
 * BACKTRACE_MAX_FRAMES lines.
 */
void backtrace_print(uintptr_t fp) __cold;

/*
 * Print the chain of an interrupted context: the instruction at @pc, then
 * its callers from stack pointer @sp and frame pointer @fp. A caller that
 * can only be guessed (the interrupted function had no frame of its own) is
 * marked "?", as Linux does.
 */
void backtrace_print_context(uintptr_t pc, uintptr_t sp, uintptr_t fp) __cold;

#endif
