/* SPDX-License-Identifier: MIT */
/*
 * kbench - micro-benchmarks of the scheduler and the heap, in TSC cycles.
 *
 *   yield          thread_yield() between two threads of one CPU (per yield)
 *   remote-create  thread_create() on CPU 1 + thread_join() from CPU 0 (round trip)
 *   malloc-free    a malloc(64)/free() pair on one CPU
 *   remote-free    free() on CPU 0 of a block allocated on CPU 1 (the freeing side)
 *
 * One line each, `kbench: NAME CYCLES cycles (N iterations)`, which `make bench`
 * parses; the median of several runs of each is printed. Cross-CPU figures
 * need two CPUs (`-smp 2`); with one they are reported as skipped.
 */
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include <toro/thread.h>

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

static void *yielder(void *arg)
{
	for (int i = 0; i < YIELDS; i++) {
		thread_yield();
	}
	return NULL;
}

static uint64_t bench_yield(void)
{
	thread_t a = thread_create(cpu_id(), yielder, NULL, 0);
	thread_t b = thread_create(cpu_id(), yielder, NULL, 0);
	uint64_t t0 = cycles();

	thread_join(a, NULL);
	thread_join(b, NULL);
	return (cycles() - t0) / (2 * YIELDS);
}

static void *noop(void *arg)
{
	return arg;
}

static uint64_t bench_remote_create(void)
{
	uint64_t t0 = cycles();

	for (int i = 0; i < CREATES; i++) {
		thread_join(thread_create(1, noop, NULL, 4096), NULL);
	}
	return (cycles() - t0) / CREATES;
}

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

static void *blocks[REMOTE_FREES];

static void *allocate_blocks(void *arg)
{
	for (int i = 0; i < REMOTE_FREES; i++) {
		blocks[i] = malloc(64);
	}
	return NULL;
}

static uint64_t bench_remote_free(void)
{
	uint64_t t0;

	thread_join(thread_create(1, allocate_blocks, NULL, 0), NULL);
	t0 = cycles();
	for (int i = 0; i < REMOTE_FREES; i++) {
		free(blocks[i]);
	}
	return (cycles() - t0) / REMOTE_FREES;
}

static void report(const char *name, uint64_t (*fn)(void), int iterations)
{
	uint64_t v[RUNS];

	for (int i = 0; i < RUNS; i++) {
		v[i] = fn();
	}
	printf("kbench: %s %llu cycles (%d iterations, median of %d)\n", name,
	       (unsigned long long)median(v, RUNS), iterations, RUNS);
}

int main(int argc, char **argv)
{
	printf("kbench: %u cpus\n", cpu_count());
	report("yield", bench_yield, YIELDS);
	report("malloc-free", bench_malloc_free, ALLOCS);
	if (cpu_count() < 2) {
		printf("kbench: remote-create skipped (1 cpu)\n");
		printf("kbench: remote-free skipped (1 cpu)\n");
		return 0;
	}
	report("remote-create", bench_remote_create, CREATES);
	report("remote-free", bench_remote_free, REMOTE_FREES);
	return 0;
}
