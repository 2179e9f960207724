/* SPDX-License-Identifier: MIT */
/*
 * sched.c - one cooperative scheduler per CPU (Toro's model).
 *
 * Each CPU has a FIFO of ready threads, a list of sleepers sorted by wake-up
 * time, and an idle thread: the CPU's boot context, which runs whenever no
 * thread is ready. A running thread keeps the CPU until it yields, sleeps,
 * blocks or exits. There is no lock anywhere in this file: every list here is
 * touched only by its own CPU, and everything that crosses CPUs is a message
 * (struct xmsg) in an exchange slot (xslot.h), one slot per (source,
 * destination) pair:
 *   XMSG_THREAD  a new thread for the destination to run
 *   XMSG_WAKE    make a blocked thread of the destination ready
 *   XMSG_JOIN    a thread of the source waits for a thread of the destination
 *   XMSG_DETACH  the same, but only to mark the target detached
 *   XMSG_FREE    a heap block going home (heap_receive())
 *   XMSG_CALL    a function to run for a blocked thread of the source (xcall.c)
 * A CPU takes its messages at its scheduling points: thread_yield(), every
 * switch, and each turn of the idle loop.
 *
 * Waking an idle CPU. The consumer sets `idle`, then looks at its slots one
 * last time before halting; the producer publishes, then reads `idle`. Each
 * side's store must be visible before its load (store->load order, which
 * x86-64 does not give by itself), hence one MFENCE on each side - a fence,
 * not a locked instruction. Then at least one side sees the other: either the
 * consumer finds the message, or the producer sees `idle` and sends an IPI.
 * A halting CPU enables interrupts only across HLT, so the IPI cannot slip in
 * between its last check and the HLT.
 */
#define pr_fmt(fmt) "sched: " fmt
#include <toro/mem.h>
#include <toro/stdlib.h>
#include <toro/thread.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/xcall.h>
#include <kernel/xmsg_kinds.h>
#include <asm/cpu.h>

struct cpu cpu_data[NR_CPUS];

/* slots[src][dst]: one producer (src), one consumer (dst). */
static struct xslot slots[NR_CPUS][NR_CPUS];
static unsigned int ncpus = 1;
/* Each CPU's idle thread: the context it booted in. */
static struct thread idle_threads[NR_CPUS];

/* Store->load fence of the wake-up protocol above; MFENCE has no LOCK prefix. */
static inline void store_load_fence(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}

unsigned int cpu_count(void)
{
	return ncpus;
}

unsigned int cpu_id(void)
{
	return this_cpu()->id;
}

int cpu_sched_info(unsigned int cpu, struct cpu_sched_info *info)
{
	const struct cpu *c;

	if (cpu >= ncpus) {
		return -EINVAL;
	}
	c = &cpu_data[cpu];
	/* Each CPU writes only its own counters: another's are read as they are. */
	info->online = __atomic_load_n(&c->online, __ATOMIC_ACQUIRE);
	info->switches = __atomic_load_n(&c->switches, __ATOMIC_RELAXED);
	info->threads_run = __atomic_load_n(&c->threads_run, __ATOMIC_RELAXED);
	return 0;
}

void sched_set_cpu_count(unsigned int n)
{
	ncpus = n;
}

/* --- ready queue, sleepers ---------------------------------------------------------- */

static void ready_push(struct cpu *c, struct thread *t)
{
	t->state = THREAD_READY;
	t->next = NULL;
	if (c->ready.tail) {
		c->ready.tail->next = t;
	} else {
		c->ready.head = t;
	}
	c->ready.tail = t;
}

static struct thread *ready_pop(struct cpu *c)
{
	struct thread *t = c->ready.head;

	if (t) {
		c->ready.head = t->next;
		if (!c->ready.head) {
			c->ready.tail = NULL;
		}
	}
	return t;
}

static void sleepers_insert(struct cpu *c, struct thread *t)
{
	struct thread **p = &c->sleepers;

	while (*p && (*p)->wake_tsc <= t->wake_tsc) {
		p = &(*p)->next;
	}
	t->next = *p;
	*p = t;
}

static void sleepers_wake_due(struct cpu *c)
{
	uint64_t now = rdtsc();

	while (c->sleepers && c->sleepers->wake_tsc <= now) {
		struct thread *t = c->sleepers;

		c->sleepers = t->next;
		ready_push(c, t);
	}
}

/* --- messages ----------------------------------------------------------------------- */

static void publish_to(struct cpu *c, unsigned int dst)
{
	if (!xslot_pending(&c->out[dst]) || !xslot_publish(&slots[c->id][dst], &c->out[dst])) {
		return;
	}
	store_load_fence();
	if (__atomic_load_n(&cpu_data[dst].idle, __ATOMIC_ACQUIRE)) {
		arch_wake_cpu(dst);
	}
}

void sched_publish(unsigned int cpu)
{
	publish_to(this_cpu(), cpu);
}

void sched_send(unsigned int cpu, struct xmsg *m)
{
	struct cpu *c = this_cpu();

	xslot_queue(&c->out[cpu], m);
	publish_to(c, cpu);
}

static void send_wake(struct thread *t)
{
	t->msg.kind = XMSG_WAKE;
	sched_send(t->cpu, &t->msg);
}

void sched_enqueue_new(struct thread *t)
{
	ready_push(this_cpu(), t);
}

void thread_wake(struct thread *t)
{
	struct cpu *c = this_cpu();

	if (t->cpu != c->id) {
		send_wake(t);
	} else if (t->state == THREAD_BLOCKED) {
		ready_push(c, t);
	}
}

/* A join or detach request from @req (blocked on its CPU) about our thread. */
static void handle_request(struct cpu *c, struct thread *req, bool detach)
{
	struct thread *t = req->target;

	if (detach) {
		t->detached = true;
	} else {
		t->joiner = req;
	}
	if (t->state == THREAD_DEAD || detach) {
		send_wake(req); /* the answer travels in the requester's own node */
	}
	if (t->state == THREAD_DEAD && detach) {
		free(t->stack);
	}
}

static void dispatch(struct cpu *c, struct xmsg *m)
{
	struct thread *t = (struct thread *)m;

	switch (m->kind) {
	case XMSG_THREAD:
		c->threads_run++;
		ready_push(c, t);
		break;
	case XMSG_WAKE:
		ready_push(c, t);
		break;
	case XMSG_JOIN:
	case XMSG_DETACH:
		handle_request(c, t, m->kind == XMSG_DETACH);
		break;
	case XMSG_CALL:
		xcall_receive(m);
		break;
	case XMSG_FREE:
		m->next = NULL;
		heap_receive(this_cpu_heap(), m);
		break;
	default:
		panic("cpu %u: message of unknown kind %u at %p", c->id, m->kind, (void *)m);
	}
}

/* Take every published batch, then publish what we could not before. */
static void messages_poll(struct cpu *c)
{
	for (unsigned int src = 0; src < ncpus; src++) {
		struct xmsg *m = xslot_take(&slots[src][c->id]);

		while (m) {
			struct xmsg *next = m->next; /* read before the node is reused */

			dispatch(c, m);
			m = next;
		}
	}
	for (unsigned int dst = 0; dst < ncpus; dst++) {
		publish_to(c, dst);
	}
}

static bool messages_waiting(struct cpu *c)
{
	for (unsigned int i = 0; i < ncpus; i++) {
		if (__atomic_load_n(&slots[i][c->id].head, __ATOMIC_ACQUIRE) ||
		    xslot_pending(&c->out[i])) {
			return true;
		}
	}
	return false;
}

/* --- switching ---------------------------------------------------------------------- */

/* Threads that exited on this CPU, reaped once we run on another stack. */
static void reap(struct thread *t)
{
	t->state = THREAD_DEAD;
	if (t->detached) {
		free(t->stack);
	} else if (t->joiner) {
		thread_wake(t->joiner);
	}
}

static void zombies_reap(struct cpu *c, struct thread *zombie)
{
	if (zombie && zombie->state == THREAD_ZOMBIE) {
		reap(zombie);
	}
}

static void switch_to(struct cpu *c, struct thread *next)
{
	struct thread *prev = c->current;

	if (next == prev) {
		prev->state = THREAD_RUNNING;
		return;
	}
	c->current = next;
	next->state = THREAD_RUNNING;
	c->switches++;
	arch_switch(&prev->sp, next->sp);
	/* Back on prev's stack: whoever switched to us may have exited. */
	zombies_reap(c, c->last_prev);
	c->last_prev = NULL;
}

/* Run something else: a ready thread, or the idle thread. */
static void schedule(struct cpu *c)
{
	struct thread *next;

	messages_poll(c);
	sleepers_wake_due(c);
	next = ready_pop(c);
	c->last_prev = c->current;
	switch_to(c, next ? next : c->idle_thread);
}

void thread_yield(void)
{
	struct cpu *c = this_cpu();
	struct thread *next;

	messages_poll(c);
	sleepers_wake_due(c);
	next = ready_pop(c);
	if (!next) {
		return;
	}
	if (c->current != c->idle_thread) {
		ready_push(c, c->current);
	}
	c->last_prev = c->current;
	switch_to(c, next);
}

void thread_block(void)
{
	struct cpu *c = this_cpu();

	c->current->state = THREAD_BLOCKED;
	schedule(c);
}

void thread_sleep_ns(uint64_t ns)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;
	/* First: the first ns_to_tsc() calibrates the TSC, which takes a while. */
	uint64_t ticks = ns_to_tsc(ns);

	t->wake_tsc = rdtsc() + ticks;
	t->state = THREAD_SLEEPING;
	sleepers_insert(c, t);
	schedule(c);
}

void thread_start(struct thread *t)
{
	struct cpu *c = this_cpu();

	zombies_reap(c, c->last_prev);
	c->last_prev = NULL;
	thread_exit(t->fn(t->arg));
}

void thread_exit(void *result)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;

	if (t == c->idle_thread) {
		panic("thread_exit() from cpu %u's idle context", c->id);
	}
	t->result = result;
	t->state = THREAD_ZOMBIE;
	schedule(c);
	panic("a zombie thread ran again");
}

bool sched_thread_stack(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	struct thread *t = this_cpu()->current;

	if (!t || !t->stack || sp < (uintptr_t)t->stack || sp >= (uintptr_t)t) {
		return false;
	}
	*lo = (uintptr_t)t->stack;
	*hi = (uintptr_t)t; /* the struct sits right above its stack */
	return true;
}

/* --- idle --------------------------------------------------------------------------- */

static void idle_wait(struct cpu *c)
{
	__atomic_store_n(&c->idle, true, __ATOMIC_RELAXED);
	store_load_fence();
	if (!messages_waiting(c)) {
		arch_timer_arm(c->sleepers ? c->sleepers->wake_tsc : 0);
		arch_idle();
	}
	__atomic_store_n(&c->idle, false, __ATOMIC_RELAXED);
}

void sched_idle_loop(void)
{
	struct cpu *c = this_cpu();

	for (;;) {
		messages_poll(c);
		sleepers_wake_due(c);
		struct thread *next = ready_pop(c);

		if (next) {
			c->last_prev = c->idle_thread;
			switch_to(c, next);
			continue;
		}
		if (messages_waiting(c)) {
			continue; /* a slot still full: retry until the peer takes it */
		}
		idle_wait(c);
	}
}

/* The calling context becomes @c's idle thread (its struct lives in cpu_data). */
static void become_idle_thread(struct cpu *c, struct thread *t)
{
	t->magic = THREAD_MAGIC;
	t->cpu = c->id;
	t->state = THREAD_RUNNING;
	c->idle_thread = t;
	c->current = t;
}

void sched_cpu_online(struct cpu *c)
{
	become_idle_thread(c, &idle_threads[c->id]);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	sched_idle_loop();
}

int sched_init(void)
{
	struct cpu *c = this_cpu();

	become_idle_thread(c, &idle_threads[c->id]);
	c->online = true;
	return 0;
}

/* --- wait queues -------------------------------------------------------------------- */

void waitq_wait(struct waitq *wq)
{
	struct thread *t = this_cpu()->current;

	t->next = NULL;
	if (wq->tail) {
		wq->tail->next = t;
	} else {
		wq->head = t;
	}
	wq->tail = t;
	thread_block();
}

void waitq_wake_one(struct waitq *wq)
{
	struct thread *t = wq->head;

	if (t) {
		wq->head = t->next;
		if (!wq->head) {
			wq->tail = NULL;
		}
		thread_wake(t);
	}
}

void waitq_wake_all(struct waitq *wq)
{
	while (wq->head) {
		waitq_wake_one(wq);
	}
}
