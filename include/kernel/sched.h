/* SPDX-License-Identifier: MIT */
/*
 * sched.h - the per-CPU cooperative scheduler, as the kernel sees it.
 *
 * A thread belongs to one CPU for its whole life. Only that CPU touches its
 * scheduling fields, except through messages: creation, wake-up and join
 * requests travel in the exchange slots (xslot.h), carried by the thread's
 * own `msg` node, which is free whenever the thread is not in flight.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/percpu.h>
#include <kernel/xslot.h>

enum thread_state {
	THREAD_NEW,	 /* created, not yet run */
	THREAD_READY,	 /* in its CPU's ready queue */
	THREAD_RUNNING,
	THREAD_SLEEPING, /* in its CPU's sleepers until wake_tsc */
	THREAD_BLOCKED,	 /* waiting for thread_wake() */
	THREAD_ZOMBIE,	 /* exited; its stack is still in use until the next switch */
	THREAD_DEAD,	 /* exited and reaped: only a joiner reads it now */
};

struct thread {
	struct xmsg msg;	  /* first: the node that carries it between CPUs */
	uint64_t sp;		  /* saved stack pointer while switched out */
	struct thread *next;	  /* ready queue, sleepers, wait queue or zombie link */
	unsigned int cpu;	  /* where it runs */
	enum thread_state state;
	uint64_t wake_tsc;	  /* THREAD_SLEEPING: when to wake */
	void *(*fn)(void *);
	void *arg;
	void *result;
	struct thread *joiner;	  /* the thread waiting in thread_join() */
	struct thread *target;	  /* a request in flight: the thread it is about */
	int err_no;		  /* errno (<toro/errno.h>) */
	bool detached;
	bool join_claimed;	  /* thread_join() or thread_detach() was called */
	uint32_t magic;		  /* THREAD_MAGIC while the handle is valid */
	char *stack;		  /* the allocation holding this struct and its stack */
};

#define THREAD_MAGIC 0x74687264 /* "thrd" */

/* A queue of threads of one CPU waiting for an event of that CPU. */
struct waitq {
	struct thread *head;
	struct thread *tail;
};

/*
 * CPU 0, once the heap works: make the boot context CPU 0's idle thread.
 * Returns 0 or -ENOMEM.
 */
int sched_init(void);

/*
 * The idle loop of the calling CPU: runs ready threads, reaps exited ones,
 * takes messages, and halts when there is nothing to do. Never returns.
 */
void sched_idle_loop(void) __attribute__((noreturn));

/* The caller becomes the idle thread of CPU @c (APs, from their entry). */
void sched_cpu_online(struct cpu *c) __attribute__((noreturn));

/* Block the calling thread until thread_wake(); the caller set up who wakes it. */
void thread_block(void);

/* Sleep at least @ns nanoseconds. */
void thread_sleep_ns(uint64_t ns);

/* A thread just created for this CPU joins its ready queue. */
void sched_enqueue_new(struct thread *t);

/* If @sp is on the running thread's stack, its bounds (for backtraces). */
bool sched_thread_stack(uintptr_t sp, uintptr_t *lo, uintptr_t *hi);

/* Set by the SMP code once the CPUs are counted. */
void sched_set_cpu_count(unsigned int n);

/* Make @t (blocked, on any CPU) ready again. */
void thread_wake(struct thread *t);

/* Queue @m for CPU @cpu and publish it if the slot is free; wakes an idle @cpu. */
void sched_send(unsigned int cpu, struct xmsg *m);

/* Publish what this CPU queued for @cpu (this_cpu()->out[cpu]) if the slot is free. */
void sched_publish(unsigned int cpu);

/* Wait queues: same-CPU events (driver completions, socket data). */
void waitq_wait(struct waitq *wq);
void waitq_wake_one(struct waitq *wq);
void waitq_wake_all(struct waitq *wq);

/* The architecture's context switch: save callee-saved state on the current
 * stack and its pointer in *@save_sp, then resume the stack at @new_sp. */
void arch_switch(uint64_t *save_sp, uint64_t new_sp);

/* Prepare a new thread's stack (top at @stack_top) so that arch_switch() to
 * the returned stack pointer calls thread_start(@t). */
uint64_t arch_thread_stack_init(void *stack_top, struct thread *t);

/* What arch_thread_stack_init() makes a new thread call first. */
void thread_start(struct thread *t) __attribute__((noreturn));

#endif
