/* SPDX-License-Identifier: MIT */
/* ctrl_regs.h - reading and writing the control registers (SDM vol. 3A §2.5). */
#ifndef ASM_CTRL_REGS_H
#define ASM_CTRL_REGS_H

#include <stdint.h>

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

/* CR2 holds the linear address of the last page fault (§4.7). */
static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Loading CR3 also flushes the TLB's non-global entries (§4.10.4.1). */
static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

#endif
