/* SPDX-License-Identifier: MIT */
/*
 * cpus.c - arch_cpus_discover(): which CPUs there are, from the firmware.
 *
 * The ACPI MADT first (madt.c), else the MP table (mptable.c), else the
 * boot CPU alone. The parsers report each enabled processor's APIC id here
 * (cpus_add()), and the IOAPICs and ISA overrides to ioapic.c. The boot CPU,
 * recognised by the id in its own local APIC, becomes cpu 0 wherever the
 * table lists it; the others follow in table order, up to NR_CPUS (the rest
 * are reported and left halted). A table that names no CPU at all is not
 * believed. Once the IOAPICs are known their inputs are masked: no device
 * interrupt is routed until a driver asks.
 *
 * Runs once on the boot CPU, after arch_cpu_init(&cpu_data[0]) (the local
 * APIC must be on) and before any other CPU starts.
 */
#define pr_fmt(fmt) "smp: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/stdio.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include "cpus.h"

/* "NNN " per APIC id, the longest an xAPIC id prints. */
#define ID_TEXT_LEN 4

static uint32_t found[NR_CPUS]; /* found[0]: the boot CPU */
static unsigned int found_count;
static unsigned int others_listed; /* CPUs other than the boot CPU in the table */
static bool boot_listed;
static uint32_t boot_apic_id;

void cpus_add(uint32_t apic_id)
{
	if (apic_id == boot_apic_id) {
		boot_listed = true; /* slot 0 is kept for it */
		return;
	}
	for (unsigned int i = 1; i < found_count; i++) {
		if (found[i] == apic_id) {
			return; /* listed twice (e.g. as xAPIC and x2APIC) */
		}
	}
	others_listed++;
	if (found_count < NR_CPUS) {
		found[found_count++] = apic_id;
	}
}

/* Start over: slot 0 is the boot CPU's, whatever the table says. */
static void cpus_reset(void)
{
	found[0] = boot_apic_id;
	found_count = 1;
	others_listed = 0;
	boot_listed = false;
	irq_routing_reset();
}

static const char *cpus_from_tables(void)
{
	cpus_reset();
	if (madt_parse() == 0) {
		return "madt";
	}
	cpus_reset();
	if (mptable_parse() == 0) {
		return "mp table";
	}
	cpus_reset();
	return "no table";
}

static void cpus_report(const char *source)
{
	char ids[NR_CPUS * ID_TEXT_LEN + 1];
	size_t len = 0;

	for (unsigned int i = 0; i < found_count; i++) {
		len += snprintf(ids + len, sizeof(ids) - len, " %u", cpu_data[i].apic_id);
	}
	pr_info("%u cpu%s (%s), apic ids%s\n", found_count, found_count == 1 ? "" : "s", source,
		ids);
	if (others_listed + 1 > found_count) {
		pr_warn("the firmware lists %u cpus; using %u (CONFIG_NR_CPUS)\n",
			others_listed + 1, found_count);
	}
	if (!boot_listed && found_count > 1) {
		pr_warn("the boot cpu (apic id %u) is missing from the %s\n", boot_apic_id, source);
	}
}

/* With CONFIG_DEBUG_KERNEL: the interrupt routing the same table gave. */
static void cpus_report_routing(void)
{
	const struct irq_routing *r = irq_routing();

	for (unsigned int i = 0; i < r->override_count; i++) {
		pr_debug("ISA IRQ %u -> GSI %u, flags 0x%x\n", r->override[i].isa_irq,
			 r->override[i].gsi, r->override[i].flags);
	}
}

unsigned int arch_cpus_discover(void)
{
	const char *source;

	boot_apic_id = lapic_id();
	source = cpus_from_tables();
	for (unsigned int i = 0; i < found_count; i++) {
		cpu_data[i].id = i;
		cpu_data[i].apic_id = found[i];
	}
	cpus_report(source);
	cpus_report_routing();
	ioapic_mask_all();
	return found_count;
}
