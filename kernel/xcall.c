/* SPDX-License-Identifier: MIT */
/*
 * xcall.c - cross-CPU calls over the exchange slots (include/kernel/xcall.h),
 * and the one-CPU sleeping lock.
 *
 * Each CPU has a FIFO of calls that reached it (only it touches the FIFO) and,
 * once the first call arrives, a worker thread that drains it. A call's node
 * belongs to the caller, who is blocked until the worker wakes it; the worker
 * reads the node's fields before waking the caller and never after.
 */
#include <stdbool.h>
#include <toro/thread.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/xcall.h>
#include <kernel/xmsg_kinds.h>

#define WORKER_STACK (64 * 1024) /* file-system calls run here: ext2 paths nest a little */

struct xcall_req {
	struct xmsg msg; /* first: the node that travels */
	long (*fn)(void *arg);
	void *arg;
	long result;
	struct thread *caller;
};

struct call_queue {
	struct xmsg *head;
	struct xmsg *tail;
	struct thread *worker;
	bool worker_idle; /* blocked for want of calls, not inside one */
} __attribute__((aligned(64)));

static struct call_queue queues[NR_CPUS];

static void *worker_main(void *unused)
{
	struct call_queue *q = &queues[cpu_id()];

	(void)unused;
	for (;;) {
		while (q->head) {
			struct xcall_req *req = (struct xcall_req *)q->head;

			q->head = req->msg.next;
			if (!q->head) {
				q->tail = NULL;
			}
			req->result = req->fn(req->arg);
			thread_wake(req->caller); /* last touch of req */
		}
		/*
		 * Only this block is for want of work: a call that blocks (disk
		 * I/O, a kmutex) is woken by its own event, and a wake-up from
		 * here would cut that wait short while the thread still sits on
		 * its wait queue.
		 */
		q->worker_idle = true;
		thread_block(); /* xcall_receive() wakes us */
	}
	return NULL;
}

void xcall_receive(struct xmsg *m)
{
	struct call_queue *q = &queues[cpu_id()];

	m->next = NULL;
	if (q->tail) {
		q->tail->next = m;
	} else {
		q->head = m;
	}
	q->tail = m;
	if (!q->worker) {
		q->worker = thread_create(cpu_id(), worker_main, NULL, WORKER_STACK);
		if (!q->worker) {
			panic("cpu %u: no memory for the call worker", cpu_id());
		}
	} else if (q->worker_idle) {
		q->worker_idle = false;
		thread_wake(q->worker);
	}
}

long xcall(unsigned int cpu, long (*fn)(void *arg), void *arg)
{
	struct xcall_req req = {.fn = fn, .arg = arg};

	if (cpu == cpu_id()) {
		return fn(arg);
	}
	if (cpu >= cpu_count()) {
		panic("xcall to cpu %u of %u", cpu, cpu_count());
	}
	req.caller = this_cpu()->current;
	req.msg.kind = XMSG_CALL;
	sched_send(cpu, &req.msg);
	thread_block();
	return req.result;
}

void kmutex_init(struct kmutex *m, unsigned int cpu)
{
	*m = (struct kmutex){.cpu = cpu};
}

void kmutex_lock(struct kmutex *m)
{
	if (m->cpu != cpu_id()) {
		panic("kmutex of cpu %u taken on cpu %u", m->cpu, cpu_id());
	}
	while (m->locked) {
		waitq_wait(&m->waiters);
	}
	m->locked = true;
}

void kmutex_unlock(struct kmutex *m)
{
	m->locked = false;
	waitq_wake_one(&m->waiters);
}
