/* SPDX-License-Identifier: MIT */
/*
 * gdt.c - the kernel's own GDT and its 64-bit TSS.
 *
 * The boot GDT of head64.S (read-only, no TSS) gets every path into long
 * mode; gdt_init() replaces it with one that also holds a TSS, because the
 * TSS is where the CPU finds the interrupt-stack-table (IST) stacks: a double
 * fault, an NMI or a machine check then runs on a stack of its own, even when
 * the interrupted code's stack is what broke (Intel SDM vol. 3A §6.14.5).
 * The code and data selectors keep the boot values (asm/boot.h), so nothing
 * already loaded changes meaning. Each CPU has its own GDT, TSS and IST
 * stacks, indexed by its cpu id: gdt_init() sets up CPU 0's, arch_cpu_init()
 * (cpu.c) calls gdt_init_cpu() on every CPU.
 */
#include <stddef.h>
#include <stdint.h>
#include <kernel/compiler.h>
#include <asm/boot.h>
#include <asm/desc.h>

struct gdt_table {
	uint64_t null;
	uint64_t kernel_code;
	uint64_t kernel_data;
	struct gdt_system_desc tss;
} __packed;
_Static_assert(offsetof(struct gdt_table, kernel_code) == GDT_KERNEL_CS, "boot.h selector");
_Static_assert(offsetof(struct gdt_table, kernel_data) == GDT_KERNEL_DS, "boot.h selector");
_Static_assert(offsetof(struct gdt_table, tss) == GDT_TSS_SEL, "desc_reg.h selector");

/* Writable: ltr sets the busy bit in the TSS descriptor (SDM vol. 3A §7.2.3). */
static struct gdt_table gdt[CONFIG_NR_CPUS] __aligned(16);

static struct tss64 tss[CONFIG_NR_CPUS] __aligned(16);

char ist_stacks[CONFIG_NR_CPUS][IST_COUNT][IST_STACK_SIZE] __aligned(16);

/* Fill the TSS descriptor; its 64-bit base is only known at link time. */
static __cold void gdt_set_tss(struct gdt_system_desc *d, const struct tss64 *t)
{
	uint64_t base = (uintptr_t)t;

	d->limit_low = sizeof(*t) - 1;
	d->base_low = (uint16_t)base;
	d->base_mid = (uint8_t)(base >> 16);
	d->access = DESC_PRESENT | DESC_TYPE_TSS_AVAILABLE;
	d->limit_high = 0;
	d->base_high = (uint8_t)(base >> 24);
	d->base_upper = (uint32_t)(base >> 32);
}

/* Reload CS through a far return, then the data segments (SDM vol. 3A §3.4.3). */
static __cold void gdt_reload_segments(void)
{
	__asm__ __volatile__("pushq %[cs]\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %[ds], %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     :
			     : [cs] "i"(GDT_KERNEL_CS), [ds] "i"(GDT_KERNEL_DS)
			     : "rax", "memory");
}

void gdt_init_cpu(unsigned int cpu)
{
	struct gdt_table *g = &gdt[cpu];
	struct tss64 *t = &tss[cpu];
	struct desc_ptr ptr = {sizeof(*g) - 1, (uintptr_t)g};

	g->kernel_code = GDT_ENTRY_CODE64;
	g->kernel_data = GDT_ENTRY_DATA;
	/* Stacks grow down: each IST entry holds the top of its stack. */
	for (int i = 0; i < IST_COUNT; i++) {
		t->ist[i] = (uintptr_t)(ist_stacks[cpu][i] + IST_STACK_SIZE);
	}
	t->iomap_base = sizeof(*t);
	/* Rewritten as "available": loading it again on the same CPU is allowed. */
	gdt_set_tss(&g->tss, t);

	__asm__ __volatile__("lgdt %0" : : "m"(ptr) : "memory");
	gdt_reload_segments();
	__asm__ __volatile__("ltr %w0" : : "r"(GDT_TSS_SEL) : "memory");
}

void gdt_init(void)
{
	gdt_init_cpu(0);
}
