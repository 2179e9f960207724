/* SPDX-License-Identifier: MIT */
/*
 * test_mptable.c - arch/x86_64/kernel/mptable.c against hand-built MP
 * tables (MP spec 1.4 ch. 4): a table like SeaBIOS's, one like qboot's
 * (entry count 0), disabled entries, ISA interrupts that become overrides,
 * and tables with bad checksums, bad pointers or entries it cannot parse.
 * The tables live below 4 GiB (MAP_32BIT): the floating pointer holds a
 * 32-bit address.
 */
#include <stdint.h>
#include <sys/mman.h>
#include "harness.h"
#include <kernel/errno.h>
#include "fw_tables_env.h"
#include "../../../../../arch/x86_64/kernel/mptable_reg.h"

#define AREA_SIZE 8192

static uint8_t *area;
static struct mp_floating *fp;
static struct mp_config *cfg;
static size_t cfg_len;

/* mptable.c's search of the BIOS areas is not run here, but it links. */
uint16_t bda_read16(uintptr_t addr)
{
	(void)addr;
	return 0;
}

static uint8_t checksum_of(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++) {
		sum += b[i];
	}
	return sum;
}

static void seal(void)
{
	cfg->base_length = (uint16_t)cfg_len;
	cfg->checksum = 0;
	cfg->checksum = (uint8_t)-checksum_of(cfg, cfg_len);
	fp->checksum = 0;
	fp->checksum = (uint8_t)-checksum_of(fp, sizeof(*fp));
}

static void mp_begin(void)
{
	env_reset();
	memset(area, 0, AREA_SIZE);
	fp = (struct mp_floating *)area;
	cfg = (struct mp_config *)(area + 64);
	memcpy(fp->signature, MP_FLOATING_SIGNATURE, 4);
	fp->config_table = (uint32_t)(uintptr_t)cfg;
	fp->length = 1;
	fp->spec_rev = 4;
	memcpy(cfg->signature, MP_CONFIG_SIGNATURE, 4);
	cfg->spec_rev = 4;
	cfg_len = sizeof(*cfg);
	seal();
}

static void add(const void *entry, size_t len)
{
	memcpy((uint8_t *)cfg + cfg_len, entry, len);
	cfg_len += len;
	cfg->entry_count++;
	seal();
}

static void add_cpu(uint8_t apic_id, uint8_t flags)
{
	struct mp_processor e = {MP_ENTRY_PROCESSOR, apic_id, 0x14, flags, 0, 0, {0, 0}};

	add(&e, sizeof(e));
}

static void add_bus(uint8_t id, const char *type)
{
	struct mp_bus e = {MP_ENTRY_BUS, id, {0}};

	memcpy(e.bus_type, type, sizeof(e.bus_type));
	add(&e, sizeof(e));
}

static void add_ioapic(uint8_t id, uint8_t flags, uint32_t address)
{
	struct mp_ioapic e = {MP_ENTRY_IOAPIC, id, 0x11, flags, address};

	add(&e, sizeof(e));
}

static void add_irq(uint8_t bus, uint8_t irq, uint8_t ioapic, uint8_t intin, uint16_t flags)
{
	struct mp_interrupt e = {
		MP_ENTRY_IO_INTERRUPT, MP_INT_VECTORED, flags, bus, irq, ioapic, intin};

	add(&e, sizeof(e));
}

/* What SeaBIOS builds for QEMU pc: PCI bus 0, ISA bus 1, IRQ 0 on pin 2. */
static void build_seabios_like(void)
{
	mp_begin();
	add_cpu(0, MP_CPU_ENABLED | MP_CPU_BOOT);
	add_bus(0, "PCI   ");
	add_bus(1, MP_BUS_ISA);
	add_ioapic(0, MP_IOAPIC_ENABLED, 0xfec00000);
	add_irq(1, 0, 0, 2, 0);
	add_irq(1, 1, 0, 1, 0);
	add_irq(1, 4, 0, 4, 0);
	add_irq(0, 0x0c, 0, 11, IRQ_POLARITY_LOW | IRQ_TRIGGER_LEVEL); /* a PCI device's */
}

static void test_seabios_like_table(void)
{
	build_seabios_like();
	CHECK_EQ(mptable_parse_floating(fp), 0);
	CHECK_EQ(env.cpus, 1);
	CHECK_EQ(env.apic_id[0], 0);
	CHECK_EQ(env.ioapics, 1);
	CHECK_EQ(env.ioapic[0].base, 0xfec00000);
	CHECK_EQ(env.ioapic[0].gsi_base, 0);
	/* Only IRQ 0 is not the identity; the PCI bus's entry is not an ISA override. */
	CHECK_EQ(env.overrides, 1);
	CHECK_EQ(env.override[0].isa_irq, 0);
	CHECK_EQ(env.override[0].gsi, 2);
	CHECK_STREQ(env.source, "mp table");
	CHECK_EQ(env.log[0], '\0');
}

/* qboot (QEMU microvm) leaves the entry count 0: the length is what counts. */
static void test_entry_count_zero(void)
{
	mp_begin();
	for (uint8_t id = 0; id < 4; id++) {
		add_cpu(id, MP_CPU_ENABLED);
	}
	add_ioapic(4, MP_IOAPIC_ENABLED, 0xfec00000);
	cfg->entry_count = 0;
	seal();

	CHECK_EQ(mptable_parse_floating(fp), 0);
	CHECK_EQ(env.cpus, 4);
	CHECK_EQ(env.apic_id[3], 3);
	CHECK_EQ(env.ioapics, 1);
	CHECK_EQ(env.ioapic[0].id, 4);
}

static void test_disabled_entries_and_level_isa_irqs(void)
{
	mp_begin();
	add_cpu(0, MP_CPU_ENABLED | MP_CPU_BOOT);
	add_cpu(1, 0);
	add_cpu(2, MP_CPU_ENABLED);
	add_bus(0, MP_BUS_ISA);
	add_ioapic(8, 0, 0xfec00000);
	add_ioapic(9, MP_IOAPIC_ENABLED, 0xfec10000);
	add_irq(0, 9, 9, 9, IRQ_POLARITY_LOW | IRQ_TRIGGER_LEVEL);
	add_irq(0, 3, 8, 3, 0); /* to the disabled IOAPIC: no GSI */

	CHECK_EQ(mptable_parse_floating(fp), 0);
	CHECK_EQ(env.cpus, 2);
	CHECK_EQ(env.apic_id[1], 2);
	CHECK_EQ(env.ioapics, 1);
	CHECK_EQ(env.overrides, 1);
	CHECK_EQ(env.override[0].gsi, 9);
	CHECK_EQ(env.override[0].flags, IRQ_POLARITY_LOW | IRQ_TRIGGER_LEVEL);
}

static void test_bad_tables_are_not_used(void)
{
	build_seabios_like();
	cfg->checksum++;
	CHECK_EQ(mptable_parse_floating(fp), -ENODEV);
	CHECK(env_logged("MP configuration table at 0x"));
	CHECK_EQ(env.cpus, 0);

	build_seabios_like();
	memcpy(cfg->signature, "PCMX", 4);
	seal();
	CHECK_EQ(mptable_parse_floating(fp), -ENODEV);

	build_seabios_like();
	cfg->base_length = sizeof(*cfg) - 1;
	cfg->checksum = 0;
	cfg->checksum = (uint8_t)-checksum_of(cfg, sizeof(*cfg) - 1);
	CHECK_EQ(mptable_parse_floating(fp), -ENODEV);

	/* A pointer into page 0 (unmapped in the kernel) is never followed. */
	build_seabios_like();
	fp->config_table = 0x400;
	CHECK_EQ(mptable_parse_floating(fp), -ENODEV);

	build_seabios_like();
	fp->feature[0] = 5;
	CHECK_EQ(mptable_parse_floating(fp), -ENODEV);
	CHECK(env_logged("MP default configuration 5 (no table) is not supported"));

	/* Entries but no enabled processor. */
	mp_begin();
	add_cpu(0, 0);
	CHECK_EQ(mptable_parse_floating(fp), -ENODEV);
}

/* An unknown type has no known length: stop there; the CPUs before it stay. */
static void test_unknown_entry_type_stops_the_walk(void)
{
	static const uint8_t extended[8] = {0x80, 8};

	mp_begin();
	add_cpu(0, MP_CPU_ENABLED);
	add(extended, sizeof(extended));
	add_cpu(1, MP_CPU_ENABLED);

	CHECK_EQ(mptable_parse_floating(fp), 0);
	CHECK_EQ(env.cpus, 1);
	CHECK(env_logged("MP table entry 1 (type 128) is malformed"));
}

/* A processor entry cut short by the table's length is not read. */
static void test_truncated_entry(void)
{
	mp_begin();
	add_cpu(0, MP_CPU_ENABLED);
	add_cpu(1, MP_CPU_ENABLED);
	cfg_len -= 4;
	seal();

	CHECK_EQ(mptable_parse_floating(fp), 0);
	CHECK_EQ(env.cpus, 1);
	CHECK(env_logged("malformed"));
}

int main(void)
{
	area = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (!CHECK(area != MAP_FAILED)) {
		return harness_report();
	}
	test_seabios_like_table();
	test_entry_count_zero();
	test_disabled_entries_and_level_isa_irqs();
	test_bad_tables_are_not_used();
	test_unknown_entry_type_stops_the_walk();
	test_truncated_entry();
	return harness_report();
}
