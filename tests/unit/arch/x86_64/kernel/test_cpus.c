/* SPDX-License-Identifier: MIT */
/*
 * test_cpus.c - arch/x86_64/kernel/cpus.c: arch_cpus_discover() with the
 * table parsers replaced by scripted lists of APIC ids. The boot CPU is
 * cpu 0 wherever the table lists it, duplicates count once, CONFIG_NR_CPUS
 * (4 here) caps the count, and the MADT wins over the MP table, which wins
 * over nothing.
 */
#include <stdarg.h>
#include <stdint.h>
#include "harness.h"
#include <kernel/errno.h>
#include <kernel/smp.h>
#include <asm/ioapic.h>
#include "../../../../../arch/x86_64/kernel/cpus.h"

#define LIST_MAX 16

struct cpu cpu_data[NR_CPUS];

/* One scripted table: the APIC ids it lists, and what its parser returns. */
struct script {
	int result; /* 0: found; else -ENODEV */
	uint32_t ids[LIST_MAX];
	unsigned int count;
};

static struct script madt, mptable;
static uint32_t boot_id;
static unsigned int masked;
static struct irq_routing routing;
static char log_buf[4096];

static int run(const struct script *s)
{
	for (unsigned int i = 0; i < s->count; i++) {
		cpus_add(s->ids[i]);
	}
	return s->result;
}

int madt_parse(void)
{
	return run(&madt);
}

int mptable_parse(void)
{
	return run(&mptable);
}

uint32_t lapic_id(void)
{
	return boot_id;
}

void irq_routing_reset(void)
{
}

void ioapic_mask_all(void)
{
	masked++;
}

const struct irq_routing *irq_routing(void)
{
	return &routing;
}

int printk(int level, const char *fmt, ...)
{
	size_t len = strlen(log_buf);
	va_list ap;
	int n;

	(void)level;
	va_start(ap, fmt);
	n = vsnprintf(log_buf + len, sizeof(log_buf) - len, fmt, ap);
	va_end(ap);
	return n;
}

static struct script table(int result, unsigned int count, ...)
{
	struct script s = {result, {0}, count};
	va_list ap;

	va_start(ap, count);
	for (unsigned int i = 0; i < count; i++) {
		s.ids[i] = va_arg(ap, unsigned int);
	}
	va_end(ap);
	return s;
}

static unsigned int discover(uint32_t boot, struct script m, struct script mp)
{
	memset(cpu_data, 0, sizeof(cpu_data));
	log_buf[0] = '\0';
	masked = 0;
	boot_id = boot;
	madt = m;
	mptable = mp;
	return arch_cpus_discover();
}

static void check_ids(unsigned int n, const uint32_t *want)
{
	for (unsigned int i = 0; i < n; i++) {
		CHECK_EQ(cpu_data[i].id, i);
		CHECK_MSG(cpu_data[i].apic_id == want[i], "cpu %u: apic id %u, want %u", i,
			  cpu_data[i].apic_id, want[i]);
	}
}

static void test_boot_cpu_first(void)
{
	static const uint32_t want[] = {2, 0, 1, 3};

	CHECK_EQ(discover(2, table(0, 4, 0, 1, 2, 3), table(-ENODEV, 0)), 4);
	check_ids(4, want);
	CHECK(strstr(log_buf, "smp: 4 cpus (madt), apic ids 2 0 1 3\n"));
	CHECK_EQ(masked, 1);
}

static void test_duplicates_count_once(void)
{
	static const uint32_t want[] = {0, 5};

	CHECK_EQ(discover(0, table(0, 4, 0, 5, 5, 0), table(-ENODEV, 0)), 2);
	check_ids(2, want);
	CHECK(!strstr(log_buf, "the firmware lists"));
}

static void test_cap_at_nr_cpus_keeps_the_boot_cpu(void)
{
	static const uint32_t want[] = {9, 0, 1, 2};

	/* The boot CPU listed last, beyond the cap: it is still cpu 0. */
	CHECK_EQ(discover(9, table(0, 6, 0, 1, 2, 3, 4, 9), table(-ENODEV, 0)), NR_CPUS);
	check_ids(NR_CPUS, want);
	CHECK(strstr(log_buf, "the firmware lists 6 cpus; using 4 (CONFIG_NR_CPUS)"));
}

static void test_fallbacks(void)
{
	static const uint32_t want[] = {0, 1, 2};

	/* A MADT that failed half-way leaves nothing behind for the MP table. */
	CHECK_EQ(discover(0, table(-ENODEV, 2, 7, 8), table(0, 3, 0, 1, 2)), 3);
	check_ids(3, want);
	CHECK(strstr(log_buf, "smp: 3 cpus (mp table), apic ids 0 1 2\n"));

	CHECK_EQ(discover(4, table(-ENODEV, 0), table(-ENODEV, 1, 5)), 1);
	CHECK_EQ(cpu_data[0].apic_id, 4);
	CHECK(strstr(log_buf, "smp: 1 cpu (no table), apic ids 4\n"));
}

static void test_boot_cpu_missing_from_the_table(void)
{
	static const uint32_t want[] = {3, 0, 1};

	CHECK_EQ(discover(3, table(0, 2, 0, 1), table(-ENODEV, 0)), 3);
	check_ids(3, want);
	CHECK(strstr(log_buf, "the boot cpu (apic id 3) is missing from the madt"));
}

int main(void)
{
	test_boot_cpu_first();
	test_duplicates_count_once();
	test_cap_at_nr_cpus_keeps_the_boot_cpu();
	test_fallbacks();
	test_boot_cpu_missing_from_the_table();
	return harness_report();
}
