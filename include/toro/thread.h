/* SPDX-License-Identifier: MIT */
/*
 * <toro/thread.h> - threads on Toro's per-CPU cooperative schedulers.
 *
 * Every CPU runs its own scheduler; a thread stays on the CPU it was created
 * on and runs until it yields, sleeps, blocks, or exits - there is no
 * preemption. Creating a thread on another CPU is a message through a
 * lock-free exchange slot, not a lock. Threads must be joined (which frees
 * them) or detached.
 */
#ifndef TORO_THREAD_H
#define TORO_THREAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct thread *thread_t;

/* Stack size used when thread_create() is given 0. */
#define THREAD_STACK_DEFAULT (32 * 1024)

/*
 * Create a thread running @fn(@arg) on CPU @cpu (any CPU, this one included)
 * with a stack of @stack_size bytes (0: THREAD_STACK_DEFAULT). It starts at
 * that CPU's next scheduling point. Returns its handle, or NULL if @cpu does
 * not exist or memory is short.
 */
thread_t thread_create(unsigned int cpu, void *(*fn)(void *arg), void *arg, size_t stack_size);

/* Let the other ready threads of this CPU run; returns when it is our turn again. */
void thread_yield(void);

/* Sleep at least @ms milliseconds / @us microseconds; other threads run meanwhile. */
void thread_sleep_ms(uint64_t ms);
void thread_sleep_us(uint64_t us);

/* End the calling thread; @result is what thread_join() returns. main() must return instead. */
void thread_exit(void *result) __attribute__((noreturn));

/*
 * Wait for @t to end and free it. Stores its result in *@result unless
 * @result is NULL. Returns 0, or -22 (EINVAL) for a thread that is detached,
 * already joined, or the caller itself.
 */
int thread_join(thread_t t, void **result);

/* Let @t's resources go when it ends, instead of at thread_join(). Returns 0 or -22. */
int thread_detach(thread_t t);

/* The calling thread. */
thread_t thread_self(void);

/* The CPU the caller runs on (0 .. cpu_count() - 1) and how many CPUs run threads. */
unsigned int cpu_id(void);
unsigned int cpu_count(void);

/* Scheduler figures of one CPU, for tools (the shell's `cpus`). */
struct cpu_sched_info {
	int online;	      /* 1 once the CPU schedules threads */
	uint64_t switches;    /* context switches since boot */
	uint64_t threads_run; /* threads started on it since boot */
};

/*
 * A snapshot of CPU @cpu's figures (another CPU's may be a switch or two
 * old). Returns 0, or -EINVAL (-22) when @cpu >= cpu_count().
 */
int cpu_sched_info(unsigned int cpu, struct cpu_sched_info *info);

#endif
