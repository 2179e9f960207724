/* SPDX-License-Identifier: MIT */
/*
 * xcall.h - run a function on another CPU and wait for its result, through the
 * exchange slots (no locks): how a thread reaches a device, or a file system,
 * that another CPU owns (blk_dedicate()).
 *
 * The request travels in a node on the caller's stack (XMSG_CALL); the owner
 * CPU queues it for its call worker, a thread it starts the first time it gets
 * one, which runs the calls one after another and wakes each caller
 * (XMSG_WAKE, the caller's own node). The caller is blocked meanwhile.
 *
 * Rules: call from a thread, never from an interrupt handler or initcall. A
 * function run by xcall() may block (disk I/O) but must not itself xcall()
 * another CPU: two workers waiting on each other would never wake.
 *
 * kmutex: a sleeping lock for threads of ONE CPU (the cooperative scheduler
 * makes test-and-set safe without atomics); code that owns an object on one CPU
 * uses it to keep that object's threads from interleaving across a block.
 */
#ifndef KERNEL_XCALL_H
#define KERNEL_XCALL_H

#include <stdbool.h>
#include <kernel/sched.h>

/* Run @fn(@arg) on CPU @cpu (directly when it is the caller's) and return its result. */
long xcall(unsigned int cpu, long (*fn)(void *arg), void *arg);

/* The scheduler's dispatch of an XMSG_CALL that reached this CPU. */
void xcall_receive(struct xmsg *m);

struct kmutex {
	bool locked;
	unsigned int cpu; /* the CPU whose threads use it (checked) */
	struct waitq waiters;
};

/* A kmutex for threads of CPU @cpu. */
void kmutex_init(struct kmutex *m, unsigned int cpu);
void kmutex_lock(struct kmutex *m);
void kmutex_unlock(struct kmutex *m);

#endif /* KERNEL_XCALL_H */
