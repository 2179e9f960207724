/* SPDX-License-Identifier: MIT */
/*
 * madt.c - CPUs, IOAPICs and interrupt overrides from the ACPI MADT
 * (ACPI 6.5 §5.2.12), for arch_cpus_discover().
 *
 * A processor is used when its Enabled flag is set. Online-capable ones
 * (Enabled clear) are not running and may not even exist until hot-added:
 * they are counted in the log, not started. x2APIC entries (type 9) are
 * taken when their id fits the xAPIC's 8 bits, which is how the local APIC
 * is driven. The walk stops at the first malformed entry; what came before
 * is kept, like the rest of the table's checksum-verified content.
 */
#define pr_fmt(fmt) "smp: " fmt
#include <stdint.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <asm/acpi.h>
#include <asm/ioapic.h>
#include "apic_reg.h"
#include "cpus.h"
#include "madt_reg.h"

struct madt_count {
	unsigned int cpus;
	unsigned int online_capable;
};

static void madt_cpu(struct madt_count *n, uint32_t apic_id, uint32_t flags)
{
	if (flags & MADT_CPU_ENABLED) {
		if (apic_id > APIC_ID_MAX) {
			pr_warn("x2APIC id %u cannot be reached in xAPIC mode; not used\n",
				apic_id);
			return;
		}
		cpus_add(apic_id);
		n->cpus++;
	} else if (flags & MADT_CPU_ONLINE_CAPABLE) {
		n->online_capable++;
	}
}

/* One interrupt controller structure; -EINVAL if it is too short for its type. */
static int madt_parse_entry(struct madt_count *n, const struct madt_entry *e)
{
	switch (e->type) {
	case MADT_LOCAL_APIC: {
		const struct madt_local_apic *lapic = (const void *)e;

		if (e->length < sizeof(*lapic)) {
			return -EINVAL;
		}
		madt_cpu(n, lapic->apic_id, lapic->flags);
		return 0;
	}
	case MADT_LOCAL_X2APIC: {
		const struct madt_local_x2apic *x2 = (const void *)e;

		if (e->length < sizeof(*x2)) {
			return -EINVAL;
		}
		madt_cpu(n, x2->x2apic_id, x2->flags);
		return 0;
	}
	case MADT_IOAPIC: {
		const struct madt_ioapic *io = (const void *)e;

		if (e->length < sizeof(*io)) {
			return -EINVAL;
		}
		ioapic_add(io->ioapic_id, io->address, io->gsi_base, false);
		return 0;
	}
	case MADT_INT_OVERRIDE: {
		const struct madt_int_override *o = (const void *)e;

		if (e->length < sizeof(*o)) {
			return -EINVAL;
		}
		if (o->bus == MADT_BUS_ISA) {
			irq_override_add(o->source, o->gsi, o->flags);
		}
		return 0;
	}
	default:
		return 0; /* NMI sources, SAPICs, GICs...: not ours */
	}
}

int madt_parse(void)
{
	const struct madt *madt = (const void *)acpi_table(MADT_SIGNATURE);
	struct madt_count n = {0, 0};
	const uint8_t *p, *end;

	if (!madt || madt->header.length < sizeof(*madt)) {
		return -ENODEV;
	}
	end = (const uint8_t *)madt + madt->header.length;
	for (p = (const uint8_t *)(madt + 1); p + sizeof(struct madt_entry) <= end;) {
		const struct madt_entry *e = (const void *)p;

		if (e->length < sizeof(*e) || p + e->length > end || madt_parse_entry(&n, e) < 0) {
			pr_warn("MADT entry of type %u at offset %u is malformed; stopping there\n",
				e->type, (unsigned int)(p - (const uint8_t *)madt));
			break;
		}
		p += e->length;
	}
	if (n.online_capable) {
		pr_info("%u more cpus are online-capable (hot-add): not started\n",
			n.online_capable);
	}
	irq_routing_set_source("madt");
	return n.cpus ? 0 : -ENODEV;
}
