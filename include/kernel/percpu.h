/* SPDX-License-Identifier: MIT */
/*
 * percpu.h - what each CPU owns, and how code finds its own CPU.
 *
 * cpu_data[i] belongs to CPU i. Each CPU's GS base points at its entry, whose
 * first field points back at itself, so this_cpu() is one load from %gs:0
 * (set by arch_cpu_init()). CPU ids are dense: 0 is the boot CPU, then the
 * others in the order the firmware tables list them.
 *
 * Only the owning CPU writes its entry after boot, with two exceptions that
 * are read across CPUs with acquire/release semantics: `idle` (a producer
 * decides whether to send a wake-up IPI) and `online`.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/compiler.h>
#include <kernel/xslot.h>

#define NR_CPUS CONFIG_NR_CPUS

struct thread;

struct runqueue {
	struct thread *head; /* ready threads, FIFO; NULL when none */
	struct thread *tail;
};

struct cpu {
	struct cpu *self;	 /* %gs:0 - must stay first */
	unsigned int id;	 /* dense, 0 = boot CPU */
	uint32_t apic_id;	 /* the local APIC id from the MADT / MP table */
	bool online;		 /* set by the CPU itself once it schedules */
	bool idle;		 /* halted or about to halt: send it an IPI to wake it */
	struct thread *current;	 /* the running thread */
	struct thread *idle_thread;
	struct thread *last_prev; /* the thread we switched away from; may need reaping */
	struct runqueue ready;
	struct thread *sleepers; /* sorted by wake-up time, soonest first */
	struct xslot_out out[NR_CPUS]; /* messages not yet published, per destination */
	uint64_t switches;	 /* context switches, for statistics */
	uint64_t threads_run;	 /* threads started on this CPU */
	void *arch;		 /* the architecture's per-CPU data (TSS, stacks) */
} __aligned(64);

extern struct cpu cpu_data[NR_CPUS];

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* The calling CPU's id, 0 .. cpu_count() - 1 (also in <toro/thread.h>). */
unsigned int cpu_id(void);

/* How many CPUs were found (and started, once smp_init() has run). */
unsigned int cpu_count(void);

#endif
