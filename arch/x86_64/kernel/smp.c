/* SPDX-License-Identifier: MIT */
/*
 * smp.c - starting an application processor (AP): arch_cpu_start().
 *
 * The boot CPU copies the real-mode trampoline (trampoline.S) to a free page
 * below 1 MiB, fills its data block (kernel CR3, EFER bits, the AP's stack,
 * struct cpu and entry), and sends INIT then a start-up IPI naming the page
 * (Intel SDM vol. 3A §8.4.4.1, MP spec 1.4 appendix B.4). There are no fixed
 * delays: INIT needs none on a P6-or-later xAPIC, and instead of waiting a
 * set time after each SIPI, the boot CPU polls the AP's `started` flag. If
 * it has not come after SIPI_RETRY_MS, a second SIPI follows (an AP that did
 * start from the first ignores it); after START_TIMEOUT_MS the AP is put
 * back into wait-for-SIPI with another INIT, so that a late start can never
 * run on the next AP's data, and -ETIMEDOUT is returned. The times are
 * lower bounds measured with the TSC at the fastest rate any TSC has
 * (clocks.h), so no clock needs calibrating first.
 *
 * APs start one at a time: they share the trampoline page and its block.
 *
 * Memory ordering, boot CPU (B) and AP (A):
 *  - B writes the trampoline and its block with plain stores, then the ICR.
 *    The ICR is uncacheable MMIO, and x86 makes stores visible in program
 *    order (SDM vol. 3A §8.2.2), so A - which runs only after the SIPI -
 *    sees all of them. A fetches the code fresh: it starts from INIT.
 *  - A reads everything it needs from the block, runs arch_cpu_init(), and
 *    then stores `started` with release semantics; B loads it with acquire.
 *    A never touches the block again, so B may reuse it for the next AP.
 */
#define pr_fmt(fmt) "smp: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/string.h>
#include <kernel/boot_info.h>
#include <kernel/errno.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <asm/apic.h>
#include <asm/boot.h>
#include <asm/cpu.h>
#include <asm/ctrl_regs.h>
#include <asm/paging.h>
#include <asm/smp.h>
#include "acpi_reg.h"
#include "clocks.h"
#include "trampoline.h"

#define SIPI_RETRY_MS 1
#define START_TIMEOUT_MS 1000

/*
 * Where the trampoline goes if that page is free: above the BIOS data and
 * the loaders' small structures, inside conventional memory on every PC.
 */
#define TRAMPOLINE_PREFERRED 0x8000
/* A start-up IPI's vector is a page number below 1 MiB; 0xa0-0xbf are not allowed (§8.4.4.1). */
#define TRAMPOLINE_LIMIT 0xa0000
#define CR3_LIMIT (1ULL << 32) /* the trampoline loads CR3 in 32-bit mode */

static uintptr_t trampoline_page;

static bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
	return a < b + b_len && b < a + a_len;
}

static bool string_in_page(const char *s, uint64_t page)
{
	return s && overlaps((uintptr_t)s, strlen(s) + 1, page, PAGE_SIZE);
}

static bool page_is_usable(const struct boot_info *bi, uint64_t page)
{
	for (unsigned int i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_region *r = &bi->mem[i];

		if (r->type == BOOT_MEM_USABLE && r->base <= page &&
		    page + PAGE_SIZE <= r->base + r->size) {
			return true;
		}
	}
	return false;
}

/* Usable RAM that holds nothing the kernel reads after boot. */
static bool page_is_free(const struct boot_info *bi, uint64_t page)
{
	if (!page_is_usable(bi, page) || string_in_page(bi->cmdline, page) ||
	    (bi->rsdp && overlaps(bi->rsdp, sizeof(struct acpi_rsdp), page, PAGE_SIZE))) {
		return false;
	}
	for (unsigned int i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];

		if (overlaps(m->base, m->size, page, PAGE_SIZE) ||
		    string_in_page(m->cmdline, page)) {
			return false;
		}
	}
	return true;
}

void smp_trampoline_reserve(const struct boot_info *bi)
{
	if (page_is_free(bi, TRAMPOLINE_PREFERRED)) {
		trampoline_page = TRAMPOLINE_PREFERRED;
		return;
	}
	/* Page 0 is unmapped and holds the real-mode IVT: start above it. */
	for (uint64_t page = PAGE_SIZE; page < TRAMPOLINE_LIMIT; page += PAGE_SIZE) {
		if (page_is_free(bi, page)) {
			trampoline_page = page;
			return;
		}
	}
}

static struct trampoline_data *trampoline_install(struct cpu *c, void *stack_top,
						  void (*entry)(struct cpu *c))
{
	struct trampoline_data *td =
		(void *)(trampoline_page + (trampoline_data - trampoline_start));

	memcpy((void *)trampoline_page, trampoline_start, trampoline_end - trampoline_start);
	td->cr3 = (uint32_t)read_cr3();
	td->efer = EFER_LME | (uint32_t)(rdmsr(MSR_EFER) & EFER_NXE);
	td->stack_top = (uintptr_t)stack_top;
	td->cpu = c;
	td->entry = entry;
	td->started = 0;
	return td;
}

/* Has the AP said it started, within @tsc_ticks? */
static bool ap_started(struct trampoline_data *td, uint64_t tsc_ticks)
{
	uint64_t start = rdtsc();

	while (!__atomic_load_n(&td->started, __ATOMIC_ACQUIRE)) {
		if (rdtsc() - start > tsc_ticks) {
			return false;
		}
		cpu_relax();
	}
	return true;
}

/* INIT, SIPI, and a second SIPI if the first was not enough. */
static int ap_init_sipi_sipi(struct cpu *c, struct trampoline_data *td)
{
	uint8_t vector = (uint8_t)(trampoline_page >> PAGE_SHIFT);
	int err;

	err = lapic_send_init(c->apic_id);
	if (!err) {
		err = lapic_send_startup(c->apic_id, vector);
	}
	if (err || ap_started(td, TSC_AT_LEAST_MS(SIPI_RETRY_MS))) {
		return err;
	}
	err = lapic_send_startup(c->apic_id, vector);
	if (err || ap_started(td, TSC_AT_LEAST_MS(START_TIMEOUT_MS))) {
		return err;
	}
	return -ETIMEDOUT;
}

int arch_cpu_start(struct cpu *c, void *stack_top, void (*entry)(struct cpu *c))
{
	struct trampoline_data *td;
	int err;

	if (!trampoline_page) {
		pr_err("no free page below 1 MiB for the AP trampoline\n");
		return -ENOMEM;
	}
	/* The assembler cannot check this (its size is known only at link time). */
	if (trampoline_end - trampoline_start > (long)PAGE_SIZE) {
		pr_err("the AP trampoline is larger than the page a SIPI names\n");
		return -E2BIG;
	}
	if (read_cr3() >= CR3_LIMIT) {
		pr_err("page tables above 4 GiB: an AP cannot load them in 32-bit mode\n");
		return -EINVAL;
	}
	td = trampoline_install(c, stack_top, entry);
	err = ap_init_sipi_sipi(c, td);
	if (err) {
		/* Back to wait-for-SIPI: it must not wake up later on stale data. */
		lapic_send_init(c->apic_id);
		return err;
	}
	pr_info("cpu %u online, apic id %u\n", c->id, c->apic_id);
	return 0;
}

/* The AP's first C code, on its own stack, called by the trampoline. */
void smp_ap_start(struct trampoline_data *td)
{
	struct cpu *c = td->cpu;
	void (*entry)(struct cpu *) = td->entry;

	arch_cpu_init(c);
	/* Release: the reads of @td above come first; the boot CPU may reuse it now. */
	__atomic_store_n(&td->started, 1, __ATOMIC_RELEASE);
	entry(c);
	panic("cpu %u: its entry function returned", c->id);
}
