/* SPDX-License-Identifier: MIT */
/*
 * threads - exercises Toro's per-CPU schedulers and heaps, and checks them.
 *
 * With no argument it runs every check and returns 0 only if all hold:
 *   work      on every CPU a worker allocates blocks and hands each to a
 *             thread it creates on the next CPU, which frees it there (a
 *             remote free) - joined or detached, with yields and sleeps;
 *             every CPU's counters must be non-zero, and each CPU's heap
 *             must return to its starting size once the frees arrived home
 *   sleep     threads sleeping 30, 10 and 20 ms wake in the order 10, 20, 30
 *   oom       a huge malloc() and exhausting memory return NULL; afterwards
 *             everything is freed and malloc() works again
 * Arguments select checks by name; `double-free` frees a block twice (with
 * CONFIG_DEBUG_HEAP the kernel stops with a report; it is not run by default).
 */
#include <stdbool.h>
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include <toro/thread.h>

#define MAX_CPUS 64
#define ROUNDS 200
#define OOM_BLOCK (1024 * 1024)
#define OOM_MAX_BLOCKS 4096
#define SETTLE_MS 5000

struct counters {
	unsigned long allocated; /* blocks allocated by this CPU's worker */
	unsigned long freed;	 /* blocks freed by threads running on this CPU */
	unsigned long threads;	 /* threads that ran on this CPU */
	unsigned long yields;
	unsigned long sleeps;
} __attribute__((aligned(64)));

/* Each CPU writes only its own entry; main reads them after joining. */
static struct counters per_cpu[MAX_CPUS];
static int failures;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			printf("FAIL: " __VA_ARGS__);                                    \
			printf("\n");                                                    \
			failures++;                                                      \
		}                                                                        \
	} while (0)

struct block {
	unsigned int size;
	unsigned int from_cpu;
	unsigned char bytes[];
};

/* Runs on the next CPU: checks the block's contents and frees it (remotely). */
static void *consume(void *arg)
{
	struct block *b = arg;
	struct counters *me = &per_cpu[cpu_id()];
	unsigned long bad = 0;

	for (unsigned int i = 0; i < b->size; i++) {
		bad += b->bytes[i] != (unsigned char)(b->from_cpu + i);
	}
	me->threads++;
	if (me->threads % 7 == 0) {
		me->yields++;
		thread_yield();
	}
	free(b);
	me->freed++;
	return (void *)bad;
}

static struct block *make_block(unsigned int seed)
{
	unsigned int size = 16 + (seed * 2654435761u) % 3000;
	struct block *b = malloc(sizeof(*b) + size);

	if (!b) {
		return NULL;
	}
	b->size = size;
	b->from_cpu = cpu_id();
	for (unsigned int i = 0; i < size; i++) {
		b->bytes[i] = (unsigned char)(b->from_cpu + i);
	}
	return b;
}

static void *worker(void *arg)
{
	unsigned int cpu = cpu_id(), next = (cpu + 1) % cpu_count();
	struct counters *me = &per_cpu[cpu];
	unsigned long corrupt = 0;

	me->threads++;
	for (unsigned int round = 0; round < ROUNDS; round++) {
		struct block *b = make_block(round + cpu * ROUNDS);
		thread_t t;

		if (!b) {
			return (void *)1;
		}
		me->allocated++;
		t = thread_create(next, consume, b, 8192);
		if (!t) {
			free(b);
			return (void *)1;
		}
		if (round % 2 == 0) {
			void *bad;

			thread_join(t, &bad);
			corrupt += (unsigned long)bad;
		} else {
			thread_detach(t);
		}
		if (round % 50 == 0) {
			me->sleeps++;
			thread_sleep_ms(1);
		}
	}
	return (void *)corrupt;
}

static size_t heap_in_use(unsigned int cpu)
{
	struct mem_stats s;

	mem_stats(&s);
	return s.cpu[cpu].in_use;
}

static unsigned long total_freed(void)
{
	unsigned long n = 0;

	for (unsigned int c = 0; c < cpu_count(); c++) {
		n += __atomic_load_n(&per_cpu[c].freed, __ATOMIC_RELAXED);
	}
	return n;
}

static void check_work(void)
{
	unsigned int n = cpu_count();
	size_t start[MAX_CPUS];
	thread_t workers[MAX_CPUS];

	for (unsigned int c = 0; c < n; c++) {
		start[c] = heap_in_use(c);
	}
	for (unsigned int c = 0; c < n; c++) {
		workers[c] = thread_create(c, worker, NULL, 0);
		CHECK(workers[c], "thread_create on cpu %u", c);
	}
	for (unsigned int c = 0; c < n; c++) {
		void *corrupt = NULL;

		if (workers[c]) {
			thread_join(workers[c], &corrupt);
		}
		CHECK(corrupt == NULL, "worker on cpu %u saw %lu corrupt bytes or failed", c,
		      (unsigned long)corrupt);
	}
	/* Detached consumers may still run; remote frees may still be on their way. */
	for (int ms = 0; ms < SETTLE_MS && total_freed() < (unsigned long)n * ROUNDS; ms++) {
		thread_sleep_ms(1);
	}
	for (unsigned int c = 0; c < n; c++) {
		struct counters *k = &per_cpu[c];

		printf("cpu %u: allocated %lu, freed %lu, threads %lu, yields %lu, sleeps %lu\n",
		       c, k->allocated, k->freed, k->threads, k->yields, k->sleeps);
		CHECK(k->allocated && k->freed && k->threads, "cpu %u has a zero counter", c);
	}
	CHECK(total_freed() == (unsigned long)n * ROUNDS, "freed %lu of %lu blocks",
	      total_freed(), (unsigned long)n * ROUNDS);
	for (unsigned int c = 0; c < n; c++) {
		size_t now = heap_in_use(c);

		for (int ms = 0; ms < SETTLE_MS && now != start[c]; ms++) {
			thread_sleep_ms(1);
			now = heap_in_use(c);
		}
		CHECK(now == start[c], "cpu %u heap in use %zu bytes, was %zu", c, now, start[c]);
	}
}

static int wake_order[3];
static int woken;

static void *sleeper(void *arg)
{
	int ms = (int)(long)arg;

	thread_sleep_ms((uint64_t)ms);
	wake_order[woken++] = ms; /* all sleepers run on this CPU: no race */
	return NULL;
}

static void check_sleep_order(void)
{
	static const int order[3] = { 30, 10, 20 };
	thread_t t[3];

	woken = 0;
	for (int i = 0; i < 3; i++) {
		t[i] = thread_create(cpu_id(), sleeper, (void *)(long)order[i], 0);
	}
	for (int i = 0; i < 3; i++) {
		thread_join(t[i], NULL);
	}
	printf("sleep order: %d %d %d\n", wake_order[0], wake_order[1], wake_order[2]);
	CHECK(wake_order[0] == 10 && wake_order[1] == 20 && wake_order[2] == 30,
	      "sleepers woke out of order");
}

static void check_oom(void)
{
	static void *blocks[OOM_MAX_BLOCKS];
	size_t start = heap_in_use(cpu_id());
	int n = 0;

	CHECK(malloc((size_t)1 << 46) == NULL, "a 64 TiB malloc() did not fail");
	CHECK(calloc((size_t)1 << 40, (size_t)1 << 30) == NULL, "an overflowing calloc() did not fail");
	while (n < OOM_MAX_BLOCKS && (blocks[n] = malloc(OOM_BLOCK)) != NULL) {
		memset(blocks[n], 0xa5, 64);
		n++;
	}
	printf("oom: malloc returned NULL after %d MiB\n", n);
	CHECK(n > 0 && n < OOM_MAX_BLOCKS, "memory never ran out (%d blocks)", n);
	while (n > 0) {
		free(blocks[--n]);
	}
	void *p = malloc(4096);
	CHECK(p != NULL, "malloc() failed after memory was freed again");
	free(p);
	CHECK(heap_in_use(cpu_id()) == start, "heap in use %zu after oom, was %zu",
	      heap_in_use(cpu_id()), start);
}

/* Not inlined, so the report names it. */
static __attribute__((noinline)) void double_free(void)
{
	char *p = malloc(64);

	printf("double-free: freeing %p twice\n", (void *)p);
	free(p);
	free(p);
	printf("double-free: not detected\n");
	failures++;
}

static bool wanted(int argc, char **argv, const char *name)
{
	if (argc <= 1) {
		return strcmp(name, "double-free") != 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], name) == 0) {
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	printf("threads: %u cpus\n", cpu_count());
	if (cpu_count() > MAX_CPUS) {
		printf("FAIL: more than %d cpus\n", MAX_CPUS);
		return 1;
	}
	if (wanted(argc, argv, "work")) {
		check_work();
	}
	if (wanted(argc, argv, "sleep")) {
		check_sleep_order();
	}
	if (wanted(argc, argv, "oom")) {
		check_oom();
	}
	if (wanted(argc, argv, "double-free")) {
		double_free();
	}
	printf(failures ? "threads: %d checks failed\n" : "threads: all checks passed\n",
	       failures);
	return failures ? 1 : 0;
}
