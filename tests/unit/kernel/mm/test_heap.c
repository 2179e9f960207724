/*
 * test_heap.c - the per-CPU heap without CONFIG_DEBUG_HEAP (the fast path):
 * every size class, alignments, large and huge blocks, realloc-like growth,
 * out of memory and recovery, statistics, remote frees between two heaps
 * (single-threaded here; test_heap_remote.c races real threads), growth
 * and release of chunks, and a randomized model test.
 */
#include "harness.h"
#include "heap_env.h"

static const size_t class_sizes[HEAP_CLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
};

static size_t expected_class(size_t size)
{
	for (size_t i = 0; i < HEAP_CLASSES; i++) {
		if (class_sizes[i] >= size) {
			return class_sizes[i];
		}
	}
	return 0;
}

static void test_class_of_every_size(void)
{
	struct heap *h = &env_heaps[0];
	size_t bad = 0;

	env_setup(16 * MIB, 1);
	for (size_t size = 0; size <= HEAP_CLASS_MAX; size++) {
		uint8_t *p = heap_alloc(h, size, 0);
		size_t want = expected_class(size ? size : 1);

		bad += !p || heap_block_size(p) != want || (uintptr_t)p % HEAP_MIN_ALIGN;
		if (p) {
			memset(p, 0x5a, size);
			bad += env_in_use(0) != want;
			heap_free(h, p);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(env_in_use(0), 0);
	CHECK_EQ(env.grows, 0);
}

#define SLAB_ROUNDS 3 /* enough blocks of each class to fill a few slabs */

static void test_every_class_fills_slabs(void)
{
	struct heap *h = &env_heaps[0];
	static uint8_t *blocks[3 * HEAP_PAGE_SIZE * SLAB_ROUNDS / 16 + 1];

	env_setup(32 * MIB, 2);
	for (size_t c = 0; c < HEAP_CLASSES; c++) {
		size_t size = class_sizes[c], n = 4 * HEAP_PAGE_SIZE * SLAB_ROUNDS / size, bad = 0;
		size_t natural = size & -size;

		n = n < sizeof(blocks) / sizeof(blocks[0]) ? n : sizeof(blocks) / sizeof(blocks[0]);
		for (size_t i = 0; i < n; i++) {
			blocks[i] = heap_alloc(h, size, 0);
			bad += !blocks[i] || (uintptr_t)blocks[i] % natural != 0;
			if (blocks[i]) {
				memset(blocks[i], (int)i, size);
			}
		}
		for (size_t i = 0; i < n; i++) {
			bad += blocks[i][0] != (uint8_t)i || blocks[i][size - 1] != (uint8_t)i;
		}
		CHECK_EQ(env_in_use(0), n * size);
		/* Free every other block first, then the rest: slabs go partial, then empty. */
		for (size_t i = 0; i < n; i += 2) {
			heap_free(h, blocks[i]);
		}
		for (size_t i = 1; i < n; i += 2) {
			heap_free(h, blocks[i]);
		}
		CHECK_MSG(bad == 0, "class %zu: %zu bad", size, bad);
		CHECK_EQ(env_in_use(0), 0);
	}
	CHECK_EQ(env.grows, 0);
}

static void test_alignment(void)
{
	static const size_t sizes[] = {0, 1, 24, 100, 2048, 3000, 70000, HEAP_LARGE_MAX, 300000};
	struct heap *h = &env_heaps[0];
	size_t bad = 0;

	env_setup(64 * MIB, 1);
	for (size_t align = 1; align <= HEAP_ALIGN_MAX; align *= 2) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint8_t *p = heap_alloc(h, sizes[i], align);

			bad += !p || (uintptr_t)p % align || (uintptr_t)p % HEAP_MIN_ALIGN;
			bad += p && heap_block_size(p) < sizes[i];
			if (p) {
				memset(p, 1, sizes[i]);
				heap_free(h, p);
			}
		}
	}
	CHECK_EQ(bad, 0);
	/* Empty blocks are distinct blocks too, whatever their alignment. */
	for (size_t align = HEAP_PAGE_SIZE; align <= HEAP_ALIGN_MAX; align *= 16) {
		void *p = heap_alloc(h, 0, align), *q = heap_alloc(h, 0, align);

		CHECK(p && q && p != q);
		heap_free(h, p);
		heap_free(h, q);
	}
	CHECK(heap_alloc(h, 16, 3) == NULL);
	CHECK(heap_alloc(h, 16, 48) == NULL);
	CHECK(heap_alloc(h, 16, 2 * HEAP_ALIGN_MAX) == NULL);
	CHECK_EQ(env_in_use(0), 0);
}

static void test_large_and_huge(void)
{
	static const size_t sizes[] = {
		2049, 4096, 4097, 65536, HEAP_LARGE_MAX, HEAP_LARGE_MAX + 1, 3 * MIB, 10 * MIB};
	struct heap *h = &env_heaps[0];
	struct pmm_stats before, after;
	struct heap_stats st;

	env_setup(64 * MIB, 1);
	pmm_stats(&env_pmm, &before);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = heap_alloc(h, sizes[i], 0);
		size_t usable = p ? heap_block_size(p) : 0;

		CHECK_MSG(p && usable >= sizes[i] && usable - sizes[i] < HEAP_PAGE_SIZE,
			  "size %zu -> %p, usable %zu", sizes[i], (void *)p, usable);
		if (p) {
			memset(p, 0xee, sizes[i]);
			CHECK_EQ(env_in_use(0), usable);
			heap_free(h, p);
		}
	}
	CHECK_EQ(env_in_use(0), 0);
	heap_stats(h, &st);
	CHECK_EQ(st.chunk_bytes, HEAP_CHUNK_SIZE); /* huge chunks went back */
	CHECK_EQ(st.peak, 10 * MIB);		   /* one block at a time: the biggest */
	pmm_stats(&env_pmm, &after);
	CHECK_EQ(after.free_pages, before.free_pages);
	CHECK_EQ(env.grows, 3); /* HEAP_LARGE_MAX + 1 and up are huge */
	CHECK_EQ(env.releases, 3);
	CHECK_EQ(env.bad_releases, 0);
}

/* realloc() by hand: grow a buffer by half each time, keeping its contents, then shrink. */
static void test_realloc_pattern(void)
{
	struct heap *h = &env_heaps[0];
	uint8_t *buf = NULL;
	size_t len = 0, bad = 0;

	env_setup(32 * MIB, 1);
	for (size_t n = 1; n <= 3 * MIB; n += n / 2 + 1) {
		uint8_t *next = heap_alloc(h, n, 0);

		if (!next) {
			bad++;
			break;
		}
		for (size_t i = 0; i < len; i++) {
			bad += buf[i] != (uint8_t)(i * 7);
		}
		memcpy(next, buf ? buf : next, len);
		for (size_t i = len; i < n; i++) {
			next[i] = (uint8_t)(i * 7);
		}
		heap_free(h, buf);
		buf = next;
		len = n;
	}
	for (size_t n = len; n > 0; n /= 3) {
		uint8_t *next = heap_alloc(h, n, 0);

		memcpy(next, buf, n);
		heap_free(h, buf);
		buf = next;
		for (size_t i = 0; i < n; i += 17) {
			bad += buf[i] != (uint8_t)(i * 7);
		}
	}
	heap_free(h, buf);
	CHECK_EQ(bad, 0);
	CHECK_EQ(env_in_use(0), 0);
}

#define OOM_BLOCK 1000
#define OOM_MAX (16 * MIB / OOM_BLOCK)

/* Fill a small machine, fail cleanly, keep working, give everything back. */
static void test_out_of_memory(void)
{
	static uint8_t *blocks[OOM_MAX];
	struct heap *h = &env_heaps[0];
	size_t n = 0, bad = 0, in_use;
	struct heap_stats st;

	env_setup(8 * MIB, 1);
	while (n < OOM_MAX && (blocks[n] = heap_alloc(h, OOM_BLOCK, 0)) != NULL) {
		memset(blocks[n], (int)n, OOM_BLOCK);
		n++;
	}
	CHECK(n > 0 && n < OOM_MAX);
	CHECK(env.grows >= 1); /* it grew until the page allocator ran dry */
	in_use = env_in_use(0);
	CHECK(heap_alloc(h, OOM_BLOCK, 0) == NULL);
	CHECK(heap_alloc(h, 8 * KIB, 0) == NULL);
	CHECK(heap_alloc(h, 4 * MIB, 0) == NULL);
	CHECK(heap_alloc(h, SIZE_MAX, 0) == NULL);
	CHECK(heap_alloc(h, SIZE_MAX - HEAP_PAGE_SIZE, HEAP_PAGE_SIZE) == NULL);
	CHECK_EQ(env_in_use(0), in_use);
	for (size_t i = 0; i < n; i++) {
		bad += blocks[i][0] != (uint8_t)i || blocks[i][OOM_BLOCK - 1] != (uint8_t)i;
	}
	CHECK_EQ(bad, 0);
	/* Room again after some frees: the same size fits where one was freed. */
	heap_free(h, blocks[n / 2]);
	blocks[n / 2] = heap_alloc(h, OOM_BLOCK, 0);
	CHECK(blocks[n / 2] != NULL);
	for (size_t i = 0; i < n; i++) {
		heap_free(h, blocks[i]);
	}
	CHECK_EQ(env_in_use(0), 0);
	heap_stats(h, &st);
	/* Grown chunks went back but one spare; memory is usable by anyone again. */
	CHECK(st.chunk_bytes <= 2 * HEAP_CHUNK_SIZE);
	CHECK(heap_alloc(h, MIB, 0) != NULL); /* a huge chunk from what went back */
	CHECK_EQ(env.bad_releases, 0);
}

static void test_stats_and_peak(void)
{
	struct heap *h = &env_heaps[0];
	struct heap_stats st;
	void *a, *b, *c;

	env_setup(16 * MIB, 1);
	heap_stats(h, &st);
	CHECK_EQ(st.in_use, 0);
	CHECK_EQ(st.peak, 0);
	CHECK_EQ(st.chunk_bytes, HEAP_CHUNK_SIZE);
	a = heap_alloc(h, 10, 0);   /* 16 */
	b = heap_alloc(h, 1000, 0); /* 1024 */
	c = heap_alloc(h, 5000, 0); /* two pages */
	heap_stats(h, &st);
	CHECK_EQ(st.in_use, 16 + 1024 + 8192);
	heap_free(h, b);
	heap_free(h, a);
	heap_stats(h, &st);
	CHECK_EQ(st.in_use, 8192);
	CHECK_EQ(st.peak, 16 + 1024 + 8192);
	heap_free(h, c);
	heap_free(h, NULL);
	heap_stats(h, &st);
	CHECK_EQ(st.in_use, 0);
	CHECK_EQ(st.peak, 16 + 1024 + 8192);
}

static void test_remote_free(void)
{
	struct heap *a = &env_heaps[0], *b = &env_heaps[1];
	uint8_t *small, *large, *huge, *mine;

	env_setup(32 * MIB, 1);
	small = heap_alloc(a, 40, 0);
	large = heap_alloc(a, 20000, 0);
	huge = heap_alloc(a, 3 * MIB, 0);
	mine = heap_alloc(b, 40, 0); /* b grows its own chunk */
	CHECK(heap_owner(small) == a && heap_owner(huge) == a && heap_owner(mine) == b);
	CHECK(heap_owner(large) == a);
	CHECK_EQ(env_in_use(0), 48 + 20480 + heap_block_size(huge));

	heap_free(b, small);
	heap_free(b, large);
	heap_free(b, huge);
	CHECK_EQ(env.sends, 3);
	/* Nothing changes until the owner takes the batch. */
	CHECK_EQ(env_in_use(0), 48 + 20480 + heap_block_size(huge));
	CHECK_EQ(env_in_use(1), 48);
	CHECK(env_outbox[0].first == (struct xmsg *)small);
	CHECK_EQ(((struct xmsg *)small)->kind, XMSG_FREE);
	env_deliver(0);
	CHECK_EQ(env_in_use(0), 0);

	heap_free(a, mine); /* the other direction */
	CHECK_EQ(env_in_use(1), 48);
	env_deliver(1);
	CHECK_EQ(env_in_use(1), 0);
	env_deliver(1); /* an empty batch */
	CHECK_EQ(env.bad_releases, 0);
}

/* Chunks come from grow() when needed and go back when empty, one spare kept. */
static void test_growth_and_release(void)
{
	enum { BLOCK = 64 * 1024, PER_CHUNK = HEAP_CHUNK_SIZE / BLOCK - 1, COUNT = 4 * PER_CHUNK };
	static void *blocks[COUNT];
	struct heap *h = &env_heaps[0];
	struct heap_stats st;
	unsigned long grows;

	env_setup(32 * MIB, 1);
	for (int i = 0; i < COUNT; i++) {
		blocks[i] = heap_alloc(h, BLOCK, 0);
		CHECK(blocks[i] != NULL);
	}
	grows = env.grows;
	CHECK(grows >= 3);
	for (int i = 0; i < COUNT; i++) {
		heap_free(h, blocks[i]);
	}
	heap_stats(h, &st);
	CHECK_EQ(env.releases, grows - 1);
	CHECK_EQ(st.chunk_bytes, 2 * HEAP_CHUNK_SIZE); /* the initial chunk and the spare */
	blocks[0] = heap_alloc(h, BLOCK, 0);
	blocks[1] = heap_alloc(h, BLOCK, 0);
	CHECK_EQ(env.grows, grows); /* served from what the heap kept */
	heap_free(h, blocks[0]);
	heap_free(h, blocks[1]);
	CHECK_EQ(env_in_use(0), 0);
}

static void test_model(void)
{
	env_setup(16 * MIB, 2); /* small enough to run out now and then */
	model_test(1);
}

int main(void)
{
	test_class_of_every_size();
	test_every_class_fills_slabs();
	test_alignment();
	test_large_and_huge();
	test_realloc_pattern();
	test_out_of_memory();
	test_stats_and_peak();
	test_remote_free();
	test_growth_and_release();
	test_model();
	free(env_arena);
	return harness_report();
}
