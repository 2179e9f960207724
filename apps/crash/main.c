/* SPDX-License-Identifier: MIT */
/*
 * crash - faults on purpose, three calls deep, to show (and test) the
 * kernel's exception report: main -> crash_level1 -> crash_level2 -> the
 * faulting function. The first argument picks the fault:
 *
 *   pf (default)  write through a NULL struct pointer: page fault
 *   ud2           an undefined instruction: invalid opcode
 *   gp            write to a non-canonical address: general protection fault
 *   divide        integer division by zero: divide error
 *   double        page fault with an unusable stack: double fault, handled on
 *                 its own IST stack
 *   panic         call the kernel's panic() (kernel code's way to give up)
 *
 * Every mode ends the run with the kernel's panic exit code. The functions
 * are noipa (no inlining, cloning or renaming), so each keeps its own frame
 * and its own name in the backtrace; the empty asm statements hide the bad
 * values from the optimiser, which would otherwise turn the undefined
 * behaviour into something else.
 */
#include <stdint.h>
#include <toro/stdio.h>
#include <toro/string.h>

#define __noipa __attribute__((noipa))

/* A structure whose third field sits 0x10 bytes into it. */
struct crash_record {
	long header[2];
	long value;
};

/* The lowest non-canonical address (Intel SDM vol. 3A §3.3.7.1). */
#define NONCANONICAL_ADDR 0x8000000000000000ULL

/* The top of page 0, which the kernel leaves unmapped. */
#define UNMAPPED_STACK_TOP 0x1000ULL

/*
 * Not part of the application API (include/toro/): this test app declares
 * it to show what a kernel panic prints.
 */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static __noipa void crash_write_null(void)
{
	struct crash_record *r = NULL;

	__asm__ __volatile__("" : "+r"(r));
	printf("crash: writing to 0x%016llx\n", (unsigned long long)(uintptr_t)&r->value);
	r->value = 1;
}

static __noipa void crash_invalid_opcode(void)
{
	__asm__ __volatile__("ud2");
}

static __noipa void crash_noncanonical_write(void)
{
	uintptr_t addr = NONCANONICAL_ADDR;

	__asm__ __volatile__("" : "+r"(addr));
	*(volatile long *)addr = 1;
}

static __noipa int crash_divide(int dividend)
{
	int divisor = 0;

	__asm__ __volatile__("" : "+r"(divisor));
	return dividend / divisor;
}

/*
 * The push faults (page 0 is not mapped); delivering that page fault needs
 * the same stack and faults again, which the CPU turns into a double fault
 * (SDM vol. 3A §6.15, interrupt 8, table 6-5). The printf makes this a
 * function with a frame, so the backtrace still finds its callers.
 */
static __noipa void crash_bad_stack(void)
{
	printf("crash: moving the stack to 0x%llx\n", UNMAPPED_STACK_TOP);
	__asm__ __volatile__("movq %0, %%rsp\n\t"
			     "pushq $0"
			     :
			     : "r"(UNMAPPED_STACK_TOP)
			     : "memory");
}

static __noipa void crash_panic(void)
{
	panic("crash: panic requested");
}

static __noipa int crash_level2(const char *mode)
{
	if (strcmp(mode, "pf") == 0) {
		crash_write_null();
	} else if (strcmp(mode, "ud2") == 0) {
		crash_invalid_opcode();
	} else if (strcmp(mode, "gp") == 0) {
		crash_noncanonical_write();
	} else if (strcmp(mode, "divide") == 0) {
		printf("crash: %d\n", crash_divide(1));
	} else if (strcmp(mode, "double") == 0) {
		crash_bad_stack();
	} else if (strcmp(mode, "panic") == 0) {
		crash_panic();
	} else {
		printf("crash: unknown fault \"%s\"; use pf, ud2, gp, divide, double or panic\n",
		       mode);
		return 1;
	}
	printf("crash: survived \"%s\"\n", mode);
	return 2;
}

static __noipa int crash_level1(const char *mode)
{
	return crash_level2(mode);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pf";

	printf("crash: provoking \"%s\"\n", mode);
	return crash_level1(mode);
}
