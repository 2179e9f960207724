/* SPDX-License-Identifier: MIT */
/*
 * test_madt.c - arch/x86_64/kernel/madt.c against hand-built MADTs: which
 * processors count (Enabled, not Online Capable; x2APIC ids that fit 8 bits),
 * IOAPICs and ISA overrides, and tables that are truncated or malformed.
 */
#include <stdint.h>
#include "harness.h"
#include <kernel/errno.h>
#include "fw_tables_env.h"
#include "../../../../../arch/x86_64/kernel/madt_reg.h"

static uint8_t table[1024] __attribute__((aligned(8)));
static size_t table_len;
static bool table_present;

/* madt.c finds its table through here. */
const struct acpi_header *acpi_table(const char *sig)
{
	return table_present && strcmp(sig, MADT_SIGNATURE) == 0 ? (const void *)table : NULL;
}

static void madt_begin(void)
{
	env_reset();
	memset(table, 0, sizeof(table));
	memcpy(table, MADT_SIGNATURE, 4);
	table_len = sizeof(struct madt);
	((struct madt *)table)->header.length = (uint32_t)table_len;
	table_present = true;
}

static void add(const void *entry, size_t len)
{
	memcpy(table + table_len, entry, len);
	table_len += len;
	((struct madt *)table)->header.length = (uint32_t)table_len;
}

static void add_lapic(uint8_t apic_id, uint32_t flags)
{
	struct madt_local_apic e = {{MADT_LOCAL_APIC, sizeof(e)}, apic_id, apic_id, flags};

	add(&e, sizeof(e));
}

static void add_x2apic(uint32_t apic_id, uint32_t flags)
{
	struct madt_local_x2apic e = {{MADT_LOCAL_X2APIC, sizeof(e)}, 0, apic_id, flags, apic_id};

	add(&e, sizeof(e));
}

static void add_ioapic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
	struct madt_ioapic e = {{MADT_IOAPIC, sizeof(e)}, id, 0, address, gsi_base};

	add(&e, sizeof(e));
}

static void add_override(uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	struct madt_int_override e = {{MADT_INT_OVERRIDE, sizeof(e)}, bus, irq, gsi, flags};

	add(&e, sizeof(e));
}

static void test_qemu_like_table(void)
{
	madt_begin();
	add_lapic(0, MADT_CPU_ENABLED);
	add_lapic(1, MADT_CPU_ENABLED);
	add_lapic(2, MADT_CPU_ENABLED);
	add_ioapic(0, 0xfec00000, 0);
	add_override(MADT_BUS_ISA, 0, 2, 0);
	add_override(MADT_BUS_ISA, 9, 9, IRQ_POLARITY_HIGH | IRQ_TRIGGER_LEVEL);

	CHECK_EQ(madt_parse(), 0);
	CHECK_EQ(env.cpus, 3);
	CHECK_EQ(env.apic_id[0], 0);
	CHECK_EQ(env.apic_id[2], 2);
	CHECK_EQ(env.ioapics, 1);
	CHECK_EQ(env.ioapic[0].base, 0xfec00000);
	CHECK_EQ(env.ioapic[0].gsi_base, 0);
	CHECK_EQ(env.overrides, 2);
	CHECK_EQ(env.override[0].isa_irq, 0);
	CHECK_EQ(env.override[0].gsi, 2);
	CHECK_EQ(env.override[1].flags, IRQ_POLARITY_HIGH | IRQ_TRIGGER_LEVEL);
	CHECK_STREQ(env.source, "madt");
	CHECK_EQ(env.log[0], '\0');
}

/* Online Capable without Enabled: hot-add, not running now. Neither flag: unusable. */
static void test_only_enabled_processors_count(void)
{
	madt_begin();
	add_lapic(0, MADT_CPU_ENABLED);
	add_lapic(1, MADT_CPU_ONLINE_CAPABLE);
	add_lapic(2, 0);
	add_lapic(3, MADT_CPU_ENABLED);

	CHECK_EQ(madt_parse(), 0);
	CHECK_EQ(env.cpus, 2);
	CHECK_EQ(env.apic_id[1], 3);
	CHECK(env_logged("1 more cpus are online-capable"));
}

static void test_x2apic_entries(void)
{
	madt_begin();
	add_x2apic(0, MADT_CPU_ENABLED);
	add_x2apic(7, MADT_CPU_ENABLED);
	add_x2apic(300, MADT_CPU_ENABLED); /* beyond xAPIC ids */

	CHECK_EQ(madt_parse(), 0);
	CHECK_EQ(env.cpus, 2);
	CHECK_EQ(env.apic_id[1], 7);
	CHECK(env_logged("x2APIC id 300 cannot be reached"));
}

/* Other buses' overrides and unknown entry types are skipped, not fatal. */
static void test_foreign_entries_are_skipped(void)
{
	static const uint8_t gicc_like[] = {0x0b, 8, 1, 2, 3, 4, 5, 6};

	madt_begin();
	add(gicc_like, sizeof(gicc_like));
	add_override(1, 5, 20, 0);
	add_lapic(0, MADT_CPU_ENABLED);

	CHECK_EQ(madt_parse(), 0);
	CHECK_EQ(env.cpus, 1);
	CHECK_EQ(env.overrides, 0);
}

/* A zero length would loop forever; the walk stops there and keeps what came before. */
static void test_zero_length_entry_stops_the_walk(void)
{
	static const uint8_t broken[] = {MADT_LOCAL_APIC, 0};

	madt_begin();
	add_lapic(0, MADT_CPU_ENABLED);
	add(broken, sizeof(broken));
	add_lapic(1, MADT_CPU_ENABLED);

	CHECK_EQ(madt_parse(), 0);
	CHECK_EQ(env.cpus, 1);
	CHECK(env_logged("is malformed; stopping there"));
}

static void test_entry_shorter_than_its_type(void)
{
	static const uint8_t short_ioapic[] = {MADT_IOAPIC, 6, 0, 0, 0, 0};

	madt_begin();
	add_lapic(0, MADT_CPU_ENABLED);
	add(short_ioapic, sizeof(short_ioapic));

	CHECK_EQ(madt_parse(), 0);
	CHECK_EQ(env.ioapics, 0);
	CHECK(env_logged("MADT entry of type 1 at offset 52 is malformed"));
}

/* An entry whose length runs past the table's end is not read. */
static void test_entry_past_the_end(void)
{
	madt_begin();
	add_lapic(0, MADT_CPU_ENABLED);
	add_lapic(1, MADT_CPU_ENABLED);
	((struct madt *)table)->header.length -= 2;

	CHECK_EQ(madt_parse(), 0);
	CHECK_EQ(env.cpus, 1);
	CHECK(env_logged("malformed"));
}

static void test_no_usable_table(void)
{
	madt_begin();
	table_present = false;
	CHECK_EQ(madt_parse(), -ENODEV);

	madt_begin();
	((struct madt *)table)->header.length = sizeof(struct madt) - 1;
	CHECK_EQ(madt_parse(), -ENODEV);

	/* A table without a single enabled processor is not believed. */
	madt_begin();
	add_lapic(0, 0);
	add_ioapic(0, 0xfec00000, 0);
	CHECK_EQ(madt_parse(), -ENODEV);
}

int main(void)
{
	test_qemu_like_table();
	test_only_enabled_processors_count();
	test_x2apic_entries();
	test_foreign_entries_are_skipped();
	test_zero_length_entry_stops_the_walk();
	test_entry_shorter_than_its_type();
	test_entry_past_the_end();
	test_no_usable_table();
	return harness_report();
}
