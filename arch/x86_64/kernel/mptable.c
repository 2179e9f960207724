/* SPDX-License-Identifier: MIT */
/*
 * mptable.c - CPUs, IOAPICs and ISA interrupt routing from the Intel
 * MultiProcessor Specification 1.4 tables, for machines without ACPI (QEMU
 * microvm with acpi=off, old PCs). arch_cpus_discover() tries it when there
 * is no MADT.
 *
 * The floating pointer (§4.1) is searched where the spec puts it: the first
 * KiB of the EBDA, the last KiB of base memory, the BIOS ROM. Both it and
 * the configuration table must carry the right signature and checksum. The
 * entries are walked twice: processors, buses and IOAPICs first, so that
 * the interrupt entries after them can name a bus type and an IOAPIC's GSI
 * range. The default configurations of chapter 5 (no table) are not
 * supported: only the boot CPU runs then.
 */
#define pr_fmt(fmt) "smp: " fmt
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <asm/ioapic.h>
#include <asm/paging.h>
#include "cpus.h"
#include "mptable_reg.h"

#define KIB 1024
/* Base memory ends where the VGA window starts; page 0 is not mapped. */
#define BASE_MEMORY_END 0xa0000
#define BUS_IDS 256

struct mp_walk {
	bool isa_bus[BUS_IDS];
	unsigned int cpus;
};

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++) {
		sum += b[i];
	}
	return sum == 0;
}

static const struct mp_floating *mp_scan(uintptr_t start, uintptr_t end)
{
	for (uintptr_t a = ALIGN_UP(start, MP_ALIGN); a + sizeof(struct mp_floating) <= end;
	     a += MP_ALIGN) {
		const struct mp_floating *f = (const void *)a;

		if (memcmp(f->signature, MP_FLOATING_SIGNATURE, 4) == 0 && f->length &&
		    a + f->length * MP_ALIGN <= end && checksum_ok(f, f->length * MP_ALIGN)) {
			return f;
		}
	}
	return NULL;
}

/* Is the KiB at @start mapped low memory, below the VGA window? */
static bool low_kib_ok(uintptr_t start)
{
	return start >= PAGE_SIZE && start + KIB <= BASE_MEMORY_END;
}

/*
 * The BDA is not always filled in: on microvm, qboot leaves it unset (and a
 * PVH boot may find other bytes there), while its MP table sits at 639 KiB.
 * A base memory size that makes no sense is taken as 640 KiB.
 */
static const struct mp_floating *mp_find(void)
{
	uintptr_t ebda = (uintptr_t)bda_read16(MP_BDA_EBDA_SEGMENT) << 4;
	uintptr_t top = (uintptr_t)bda_read16(MP_BDA_BASE_MEM_KIB) * KIB;
	const struct mp_floating *f = NULL;

	if (top < KIB || !low_kib_ok(top - KIB)) {
		top = MP_DEFAULT_BASE_MEM_KIB * KIB;
	}
	if (low_kib_ok(ebda)) {
		f = mp_scan(ebda, ebda + MP_SEARCH_LEN);
	}
	if (!f) {
		f = mp_scan(top - KIB, top);
	}
	return f ? f : mp_scan(MP_BIOS_ROM_START, MP_BIOS_ROM_END);
}

static const struct mp_config *mp_config(const struct mp_floating *f)
{
	const struct mp_config *c = (const void *)(uintptr_t)f->config_table;

	if (f->feature[0]) {
		pr_warn("MP default configuration %u (no table) is not supported\n", f->feature[0]);
		return NULL;
	}
	if (f->config_table < PAGE_SIZE || memcmp(c->signature, MP_CONFIG_SIGNATURE, 4) != 0 ||
	    c->base_length < sizeof(*c) || !checksum_ok(c, c->base_length)) {
		pr_warn("MP configuration table at 0x%x is invalid\n", f->config_table);
		return NULL;
	}
	return c;
}

static void mp_first_pass(struct mp_walk *w, const uint8_t *p)
{
	const struct mp_processor *cpu = (const void *)p;
	const struct mp_bus *bus = (const void *)p;
	const struct mp_ioapic *io = (const void *)p;

	switch (*p) {
	case MP_ENTRY_PROCESSOR:
		if (cpu->cpu_flags & MP_CPU_ENABLED) {
			cpus_add(cpu->lapic_id);
			w->cpus++;
		}
		break;
	case MP_ENTRY_BUS:
		w->isa_bus[bus->bus_id] = memcmp(bus->bus_type, MP_BUS_ISA, 6) == 0;
		break;
	case MP_ENTRY_IOAPIC:
		if (io->flags & MP_IOAPIC_ENABLED) {
			ioapic_add(io->ioapic_id, io->address, 0, true);
		}
		break;
	}
}

/* An ISA IRQ not wired to the GSI of its number, or not edge/high, is an override. */
static void mp_second_pass(struct mp_walk *w, const uint8_t *p)
{
	const struct mp_interrupt *in = (const void *)p;
	const struct ioapic *io;
	uint32_t gsi;

	if (*p != MP_ENTRY_IO_INTERRUPT || in->interrupt_type != MP_INT_VECTORED ||
	    !w->isa_bus[in->source_bus]) {
		return;
	}
	io = ioapic_by_id(in->dest_ioapic_id);
	if (!io) {
		return;
	}
	gsi = io->gsi_base + in->dest_intin;
	if (gsi != in->source_irq || in->flags) {
		irq_override_add(in->source_irq, gsi, in->flags);
	}
}

/*
 * Walk the base entries; -EINVAL at an unknown type (its length is unknown).
 * The table's length bounds the walk, not its entry count: QEMU microvm's
 * firmware (qboot) leaves the count 0.
 */
static int mp_walk(const struct mp_config *c, struct mp_walk *w,
		   void (*visit)(struct mp_walk *, const uint8_t *))
{
	const uint8_t *p = (const uint8_t *)(c + 1), *end = (const uint8_t *)c + c->base_length;

	for (unsigned int i = 0; p < end; i++) {
		size_t len = *p == MP_ENTRY_PROCESSOR ? sizeof(struct mp_processor)
						      : MP_ENTRY_SHORT_LENGTH;

		if (*p > MP_ENTRY_LOCAL_INTERRUPT || p + len > end) {
			pr_warn("MP table entry %u (type %u) is malformed; stopping there\n", i,
				*p);
			return -EINVAL;
		}
		visit(w, p);
		p += len;
	}
	return 0;
}

int mptable_parse_floating(const struct mp_floating *f)
{
	const struct mp_config *c = mp_config(f);
	struct mp_walk w;

	if (!c) {
		return -ENODEV;
	}
	memset(&w, 0, sizeof(w));
	if (mp_walk(c, &w, mp_first_pass) == 0) {
		mp_walk(c, &w, mp_second_pass);
	}
	irq_routing_set_source("mp table");
	return w.cpus ? 0 : -ENODEV;
}

int mptable_parse(void)
{
	const struct mp_floating *f = mp_find();

	return f ? mptable_parse_floating(f) : -ENODEV;
}
