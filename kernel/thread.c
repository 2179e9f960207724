/* SPDX-License-Identifier: MIT */
/*
 * thread.c - the thread API of <toro/thread.h> over the scheduler (sched.c).
 *
 * A thread's struct and its stack are one allocation from the creating CPU's
 * heap; whoever frees it last (the joiner, or the thread's own CPU when it is
 * detached) may be on another CPU, and the heap sends the block home.
 *
 * Joining across CPUs never shares a variable: the joiner writes its request
 * into its own struct (target = the thread), sends itself as an XMSG_JOIN to
 * the thread's CPU and blocks. That CPU records the joiner, and wakes it
 * (XMSG_WAKE, the same node) once the thread is dead - at once if it already
 * is. The joiner's node is in flight only while the joiner is blocked.
 */
#include <toro/errno.h>
#include <toro/mem.h>
#include <toro/stdlib.h>
#include <toro/string.h>
#include <toro/thread.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/xmsg_kinds.h>

#define STACK_ALIGN 16


thread_t thread_create(unsigned int cpu, void *(*fn)(void *arg), void *arg, size_t stack_size)
{
	struct cpu *c = this_cpu();
	struct thread *t;
	char *block;

	if (cpu >= cpu_count() || !fn) {
		return NULL;
	}
	stack_size = ALIGN_UP(stack_size ? stack_size : THREAD_STACK_DEFAULT, STACK_ALIGN);
	block = aligned_alloc(STACK_ALIGN, stack_size + ALIGN_UP(sizeof(*t), STACK_ALIGN));
	if (!block) {
		return NULL;
	}
	/* The struct sits above the stack, so an overflow hits the stack's own
	 * allocation neighbour first, not the scheduler's fields. */
	t = (struct thread *)(block + stack_size);
	memset(t, 0, sizeof(*t));
	t->magic = THREAD_MAGIC;
	t->stack = block;
	t->cpu = cpu;
	t->fn = fn;
	t->arg = arg;
	t->state = THREAD_NEW;
	t->sp = arch_thread_stack_init(block + stack_size, t);
	if (cpu == c->id) {
		c->threads_run++;
		sched_enqueue_new(t);
	} else {
		t->msg.kind = XMSG_THREAD; /* the thread travels in its own node */
		sched_send(cpu, &t->msg);
	}
	return t;
}

void thread_sleep_ms(uint64_t ms)
{
	thread_sleep_ns(ms * 1000000ULL);
}

void thread_sleep_us(uint64_t us)
{
	thread_sleep_ns(us * 1000ULL);
}

thread_t thread_self(void)
{
	return this_cpu()->current;
}

static bool claimable(struct thread *t)
{
	return t && t->magic == THREAD_MAGIC && !t->join_claimed && t != thread_self() &&
	       t != this_cpu()->idle_thread;
}

/* Ask @t's CPU to record us as its joiner (or detach it), and wait for the answer. */
static void request(struct thread *t, unsigned int kind)
{
	struct thread *me = thread_self();

	me->target = t;
	me->msg.kind = kind;
	me->state = THREAD_BLOCKED;
	sched_send(t->cpu, &me->msg);
	thread_block();
}

int thread_join(thread_t t, void **result)
{
	if (!claimable(t) || t->detached) {
		return -EINVAL;
	}
	t->join_claimed = true;
	if (t->cpu == cpu_id()) {
		if (t->state != THREAD_DEAD) {
			t->joiner = thread_self();
			thread_block();
		}
	} else {
		request(t, XMSG_JOIN);
	}
	/* Dead now: its CPU wrote the result before the wake-up that let us run. */
	if (result) {
		*result = t->result;
	}
	t->magic = 0;
	free(t->stack);
	return 0;
}

int thread_detach(thread_t t)
{
	if (!claimable(t)) {
		return -EINVAL;
	}
	t->join_claimed = true;
	if (t->cpu != cpu_id()) {
		request(t, XMSG_DETACH);
		return 0;
	}
	if (t->state == THREAD_DEAD) {
		t->magic = 0;
		free(t->stack);
	} else {
		t->detached = true;
	}
	return 0;
}

int *__errno_location(void)
{
	return &this_cpu()->current->err_no;
}
