/* SPDX-License-Identifier: MIT */
/*
 * smp.c - bringing the other CPUs into the scheduler.
 *
 * CPU 0 counts the CPUs (arch_cpus_discover()) early, so the boot line can
 * say how many there are; once its own scheduler works it gives each other
 * CPU a heap and a boot stack and starts it, one after the other. Each AP
 * enters sched_cpu_online() and idles until a thread is sent to it.
 */
#define pr_fmt(fmt) "smp: " fmt
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>

/* The idle context of an AP: small, it only runs the idle loop and switches. */
#define AP_STACK_PAGES 4
#define AP_STACK_BYTES (AP_STACK_PAGES * 4096)

unsigned int smp_discover(void)
{
	unsigned int n = arch_cpus_discover();

	sched_set_cpu_count(n ? n : 1);
	return cpu_count();
}

static int smp_start_one(unsigned int id)
{
	char *stack;
	int err;

	err = mm_cpu_init(id);
	if (err) {
		return err;
	}
	stack = mm_alloc_pages(AP_STACK_PAGES, AP_STACK_BYTES);
	if (!stack) {
		return -ENOMEM;
	}
	return arch_cpu_start(&cpu_data[id], stack + AP_STACK_BYTES, sched_cpu_online);
}

void smp_start(void)
{
	unsigned int n = cpu_count();

	for (unsigned int id = 1; id < n; id++) {
		int err = smp_start_one(id);

		if (err) {
			/* Ids are dense: the CPUs after a failed one are not used either. */
			pr_err("cpu %u (apic %u) did not start (%d); running on %u cpus\n", id,
			       cpu_data[id].apic_id, err, id);
			sched_set_cpu_count(id);
			return;
		}
	}
}
