/*
 * test_heap_remote.c - remote frees between real host threads, under
 * ThreadSanitizer (unit.mk), wired the way the kernel's glue wires CPUs.
 *
 * Each thread is a "CPU" with its own heap. It allocates blocks, fills
 * them, and hands most of them to another thread through a hand-off
 * exchange slot; whoever receives a block checks it and frees it on its own
 * heap, which sends a foreign block home as an XMSG_FREE message through
 * the free slot of that (sender, owner) pair. Every thread drains its
 * incoming slots in its loop. Heaps start with one chunk and grow from one
 * shared page allocator under a mutex (the kernel's growth lock), so growth
 * and release race too. A monitor reads every heap's statistics meanwhile.
 *
 * At the end: every block was received exactly once and came home, every
 * heap's in-use bytes are zero, and no chunk was lost.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include "harness.h"
#include <kernel/heap.h>
#include <kernel/page_alloc.h>

#define CPUS 4
#define BLOCKS 20000 /* per CPU */
#define ARENA_SIZE ((size_t)96 << 20)
#define IN_USE_CAP ((size_t)4 << 20) /* a CPU stops allocating while it has this out */
#define DEADLINE_S 120
#define XMSG_TEST_HANDOFF 100 /* a kind of this test's own, for the hand-off slots */

struct block {
	struct xmsg link; /* first: the hand-off message, then the free message */
	uint32_t owner;
	uint32_t seq;
	uint32_t size;
};

struct cpu {
	struct heap heap;
	struct xslot_out free_out[CPUS];    /* private: frees waiting for each owner */
	struct xslot_out handoff_out[CPUS]; /* private: blocks for each receiver */
	unsigned int rand_state;
	unsigned long sent_home, received;
};

static struct cpu cpus[CPUS];
static struct xslot free_slot[CPUS][CPUS];    /* [from][owner] */
static struct xslot handoff_slot[CPUS][CPUS]; /* [from][to] */
static uint8_t received[CPUS][BLOCKS];	      /* how often each block arrived */
static unsigned long home;		      /* blocks back at their owner: all threads */
static int failed;			      /* a thread gave up or saw a bad block */

static struct pmm pmm;
static pthread_mutex_t growth_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *arena;

static void *grow(struct heap *h, size_t bytes)
{
	void *p;

	(void)h;
	pthread_mutex_lock(&growth_lock);
	p = pmm_alloc_aligned(&pmm, bytes / PMM_PAGE_SIZE, HEAP_CHUNK_SIZE);
	pthread_mutex_unlock(&growth_lock);
	return p;
}

static void release(struct heap *h, void *mem, size_t bytes)
{
	(void)h;
	pthread_mutex_lock(&growth_lock);
	if (pmm_free_pages(&pmm, mem, bytes / PMM_PAGE_SIZE)) {
		__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&growth_lock);
}

/* The glue's job: queue on the sender's private list, publish if the slot is empty. */
static void send_remote(struct heap *from, struct heap *owner, struct xmsg *m)
{
	struct xslot_out *out = &cpus[from->cpu].free_out[owner->cpu];

	heap_queue_remote(from, out, m);
	xslot_publish(&free_slot[from->cpu][owner->cpu], out);
}

static void report(struct heap *h, const void *p, const char *what)
{
	printf("cpu %u: corruption reported: %s (%p)\n", h->cpu, what, p);
	__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
}

static const struct heap_ops ops = {
	.grow = grow,
	.release = release,
	.send_remote = send_remote,
	.report_corruption = report,
};

static uint8_t pattern(const struct block *b, size_t i)
{
	return (uint8_t)(b->owner * 7 + b->seq + i);
}

/* Mostly small, some page runs, now and then a huge block. */
static size_t pick_size(struct cpu *c)
{
	unsigned int r = (unsigned int)rand_r(&c->rand_state);

	if (r % 512 == 0) {
		return HEAP_LARGE_MAX + r % 100000;
	}
	if (r % 16 == 0) {
		return 4096 + r % 20000;
	}
	return sizeof(struct block) + r % 2000;
}

static bool check_block(const struct block *b)
{
	for (size_t i = sizeof(*b); i < b->size; i += 1 + i / 64) {
		if (((const uint8_t *)b)[i] != pattern(b, i)) {
			return false;
		}
	}
	return b->owner < CPUS && b->seq < BLOCKS;
}

static bool allocate_one(struct cpu *c, unsigned int me, uint32_t seq)
{
	size_t size = pick_size(c);
	struct block *b = heap_alloc(&c->heap, size, 0);
	unsigned int to = (unsigned int)rand_r(&c->rand_state) % CPUS;

	if (!b) {
		return false;
	}
	b->owner = me;
	b->seq = seq;
	b->size = (uint32_t)size;
	for (size_t i = sizeof(*b); i < size; i += 1 + i / 64) {
		((uint8_t *)b)[i] = pattern(b, i);
	}
	b->link.kind = XMSG_TEST_HANDOFF;
	xslot_queue(&c->handoff_out[to], &b->link);
	return true;
}

/* A block handed to us: check it, count it, free it on our heap (maybe remotely). */
static void consume(struct cpu *c, unsigned int me, struct block *b)
{
	if (b->link.kind != XMSG_TEST_HANDOFF || !check_block(b)) {
		__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&received[b->owner][b->seq], 1, __ATOMIC_RELAXED);
	c->received++;
	if (b->owner == me) {
		__atomic_fetch_add(&home, 1, __ATOMIC_RELAXED);
	}
	heap_free(&c->heap, b);
}

static void drain(struct cpu *c, unsigned int me)
{
	for (unsigned int from = 0; from < CPUS; from++) {
		struct xmsg *m = xslot_take(&handoff_slot[from][me]);
		struct xmsg *frees = xslot_take(&free_slot[from][me]);
		unsigned long n = 0;

		while (m) {
			struct xmsg *next = m->next; /* before the block is freed */

			consume(c, me, (struct block *)m);
			m = next;
		}
		for (struct xmsg *f = frees; f; f = f->next) {
			n++;
		}
		heap_receive(&c->heap, frees);
		if (n) {
			__atomic_fetch_add(&home, n, __ATOMIC_RELAXED);
		}
	}
	for (unsigned int to = 0; to < CPUS; to++) {
		xslot_publish(&handoff_slot[me][to], &c->handoff_out[to]);
		xslot_publish(&free_slot[me][to], &c->free_out[to]);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *cpu_main(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg;
	struct cpu *c = &cpus[me];
	double deadline = now() + DEADLINE_S;
	uint32_t seq = 0;

	while (__atomic_load_n(&home, __ATOMIC_RELAXED) < (unsigned long)CPUS * BLOCKS) {
		if (seq < BLOCKS && c->heap.in_use < IN_USE_CAP && allocate_one(c, me, seq)) {
			seq++;
		}
		drain(c, me);
		if (__atomic_load_n(&failed, __ATOMIC_RELAXED) || now() > deadline) {
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	return NULL;
}

static void setup(void)
{
	struct boot_mem_region r;

	if (posix_memalign((void **)&arena, HEAP_CHUNK_SIZE, ARENA_SIZE)) {
		abort();
	}
	r = (struct boot_mem_region){(uint64_t)(uintptr_t)arena, ARENA_SIZE, BOOT_MEM_USABLE};
	CHECK_EQ(pmm_init(&pmm, &r, 1, NULL, 0), 0);
	for (unsigned int i = 0; i < CPUS; i++) {
		void *mem =
			pmm_alloc_aligned(&pmm, HEAP_CHUNK_SIZE / PMM_PAGE_SIZE, HEAP_CHUNK_SIZE);

		heap_init(&cpus[i].heap, &ops, i);
		CHECK_EQ(heap_add_memory(&cpus[i].heap, mem, HEAP_CHUNK_SIZE), 0);
		cpus[i].rand_state = i + 1;
	}
}

static void test_remote_frees_come_home(void)
{
	pthread_t threads[CPUS];
	struct pmm_stats ps;
	size_t chunk_bytes = 0, lost = 0, dup = 0, peak_seen = 0;

	setup();
	for (unsigned int i = 0; i < CPUS; i++) {
		pthread_create(&threads[i], NULL, cpu_main, (void *)(uintptr_t)i);
	}
	/* The monitor: mem_stats() from another CPU while the heaps are busy. */
	while (__atomic_load_n(&home, __ATOMIC_RELAXED) < (unsigned long)CPUS * BLOCKS &&
	       !__atomic_load_n(&failed, __ATOMIC_RELAXED)) {
		for (unsigned int i = 0; i < CPUS; i++) {
			struct heap_stats st;

			heap_stats(&cpus[i].heap, &st);
			peak_seen = st.peak > peak_seen ? st.peak : peak_seen;
		}
		sched_yield();
	}
	for (unsigned int i = 0; i < CPUS; i++) {
		pthread_join(threads[i], NULL);
	}
	CHECK_EQ(failed, 0);
	CHECK_EQ(home, (unsigned long)CPUS * BLOCKS);
	for (unsigned int i = 0; i < CPUS; i++) {
		struct heap_stats st;

		heap_stats(&cpus[i].heap, &st);
		CHECK_EQ(st.in_use, 0);
		CHECK(st.peak > 0);
		chunk_bytes += st.chunk_bytes;
		for (unsigned int s = 0; s < BLOCKS; s++) {
			lost += received[i][s] == 0;
			dup += received[i][s] > 1;
		}
		printf("cpu %u: peak %zu bytes, received %lu blocks\n", i, st.peak,
		       cpus[i].received);
	}
	CHECK_EQ(lost, 0);
	CHECK_EQ(dup, 0);
	CHECK(peak_seen > 0);
	/* Every page is free or in a heap: no chunk went missing on the way. */
	pmm_stats(&pmm, &ps);
	CHECK_EQ(ps.free_pages * PMM_PAGE_SIZE + chunk_bytes, ps.total_pages * PMM_PAGE_SIZE);
}

int main(void)
{
	test_remote_frees_come_home();
	free(arena);
	return harness_report();
}
