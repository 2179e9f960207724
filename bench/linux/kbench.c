/* SPDX-License-Identifier: MIT */
/*
 * kbench.c - apps/kbench's measurements, made the Linux way, for the Linux
 * reference guest of `make bench` (bench/linux.py packs it as /kbench of a
 * second initramfs; /init runs it when the command line says toro_kbench=1).
 *
 *   yield          sched_yield() between two threads pinned to CPU 0 (per yield)
 *   remote-create  pthread_create() of a thread pinned to CPU 1 + pthread_join()
 *                  from a thread on CPU 0 (round trip)
 *   malloc-free    a malloc(64)/free() pair on one CPU
 *   remote-free    free() on CPU 0 of 64-byte blocks malloc'ed by a thread on
 *                  CPU 1 (the freeing side)
 *
 * Same method as apps/kbench/main.c: TSC cycles read with `lfence; rdtsc`,
 * the same iteration counts, the median of 5 runs of each, printed as
 * `kbench: NAME CYCLES cycles (N iterations, median of 5)`. Cross-CPU
 * figures need two CPUs; with one they are reported as skipped, as on Toro.
 *
 * Built with `gcc -static -O2 -pthread`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNS 5
#define YIELDS 20000
#define CREATES 500
#define ALLOCS 20000
#define REMOTE_FREES 5000

static inline uint64_t cycles(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	return v[n / 2];
}

static void die(const char *what, int err)
{
	printf("kbench: error: %s: %s\n", what, strerror(err));
	fflush(stdout);
	exit(1);
}

/* The calling thread runs on `cpu` only from now on. */
static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		die("sched_setaffinity", errno);
	}
}

/* pthread_create() of fn(arg) already pinned to `cpu` (glibc applies the
 * attribute's affinity before the thread runs its first instruction). */
static pthread_t spawn_on(int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	pthread_t t;
	int err;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&attr);
	err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (err == 0) {
		err = pthread_create(&t, &attr, fn, arg);
	}
	pthread_attr_destroy(&attr);
	if (err != 0) {
		die("pthread_create", err);
	}
	return t;
}

/* --- yield --------------------------------------------------------------------- */

static pthread_barrier_t yield_start;
static uint64_t yield_t0;

static void *yielder(void *arg)
{
	(void)arg;
	/* Both yielders runnable on CPU 0 before either starts: the last to
	 * arrive (the barrier's serial thread) starts the clock. */
	if (pthread_barrier_wait(&yield_start) == PTHREAD_BARRIER_SERIAL_THREAD) {
		yield_t0 = cycles();
	}
	for (int i = 0; i < YIELDS; i++) {
		sched_yield();
	}
	return NULL;
}

static uint64_t bench_yield(void)
{
	pthread_t a, b;

	pthread_barrier_init(&yield_start, NULL, 2);
	a = spawn_on(0, yielder, NULL);
	b = spawn_on(0, yielder, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_barrier_destroy(&yield_start);
	return (cycles() - yield_t0) / (2 * YIELDS);
}

/* --- remote-create ------------------------------------------------------------- */

static void *noop(void *arg)
{
	return arg;
}

static uint64_t bench_remote_create(void)
{
	uint64_t t0 = cycles();

	for (int i = 0; i < CREATES; i++) {
		pthread_join(spawn_on(1, noop, NULL), NULL);
	}
	return (cycles() - t0) / CREATES;
}

/* --- malloc-free --------------------------------------------------------------- */

static uint64_t bench_malloc_free(void)
{
	uint64_t t0 = cycles();

	for (int i = 0; i < ALLOCS; i++) {
		void *p = malloc(64);

		__asm__ __volatile__("" : : "r"(p) : "memory");
		free(p);
	}
	return (cycles() - t0) / ALLOCS;
}

/* --- remote-free --------------------------------------------------------------- */

static void *blocks[REMOTE_FREES];

static void *allocate_blocks(void *arg)
{
	(void)arg;
	for (int i = 0; i < REMOTE_FREES; i++) {
		blocks[i] = malloc(64);
		if (!blocks[i]) {
			die("malloc", ENOMEM);
		}
	}
	return NULL;
}

static uint64_t bench_remote_free(void)
{
	uint64_t t0;

	pthread_join(spawn_on(1, allocate_blocks, NULL), NULL);
	t0 = cycles();
	for (int i = 0; i < REMOTE_FREES; i++) {
		free(blocks[i]);
	}
	return (cycles() - t0) / REMOTE_FREES;
}

/* ------------------------------------------------------------------------------ */

static void report(const char *name, uint64_t (*fn)(void), int iterations)
{
	uint64_t v[RUNS];

	for (int i = 0; i < RUNS; i++) {
		v[i] = fn();
	}
	printf("kbench: %s %llu cycles (%d iterations, median of %d)\n", name,
	       (unsigned long long)median(v, RUNS), iterations, RUNS);
	fflush(stdout);
}

int main(void)
{
	cpu_set_t online;
	int ncpu;

	if (sched_getaffinity(0, sizeof(online), &online) != 0) {
		die("sched_getaffinity", errno);
	}
	ncpu = CPU_COUNT(&online);
	printf("kbench: %d cpus\n", ncpu);
	fflush(stdout);
	pin_self(0);
	report("yield", bench_yield, YIELDS);
	report("malloc-free", bench_malloc_free, ALLOCS);
	if (ncpu < 2 || !CPU_ISSET(1, &online)) {
		printf("kbench: remote-create skipped (1 cpu)\n");
		printf("kbench: remote-free skipped (1 cpu)\n");
		return 0;
	}
	report("remote-create", bench_remote_create, CREATES);
	report("remote-free", bench_remote_free, REMOTE_FREES);
	return 0;
}
