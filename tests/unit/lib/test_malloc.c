/*
 * test_malloc.c - lib/malloc.c (malloc, free, calloc, realloc, aligned_alloc,
 * mem_stats) over the real heap and page allocator, with two "CPUs" whose
 * heaps this file hands out as kernel/mm/mm.c does in the kernel.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "kernel/mm/heap_env.h"
#include <kernel/mm.h>
#include "host_rename.h"
#include <toro/mem.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

static unsigned int current_cpu;

struct heap *this_cpu_heap(void)
{
	return &env_heaps[current_cpu];
}

unsigned int mm_cpu_count(void)
{
	return ENV_HEAPS;
}

struct heap *mm_cpu_heap(unsigned int cpu)
{
	return &env_heaps[cpu];
}

size_t mm_free_bytes(void)
{
	struct pmm_stats st;

	pmm_stats(&env_pmm, &st);
	return st.free_pages * PMM_PAGE_SIZE;
}

static size_t in_use(void)
{
	struct toro_mem_stats st;

	toro_mem_stats(&st);
	return st.in_use;
}

static void test_malloc_free(void)
{
	char *a, *b, *z1, *z2;

	env_setup(16 * MIB, 1);
	a = toro_malloc(100);
	b = toro_malloc(100);
	CHECK(a && b && a != b);
	CHECK((uintptr_t)a % 16 == 0);
	memset(a, 1, 100);
	memset(b, 2, 100);
	CHECK(a[99] == 1 && b[0] == 2);
	z1 = toro_malloc(0);
	z2 = toro_malloc(0);
	CHECK(z1 && z2 && z1 != z2);
	toro_free(NULL);
	toro_free(a);
	toro_free(b);
	toro_free(z1);
	toro_free(z2);
	CHECK_EQ(in_use(), 0);
}

static void test_calloc(void)
{
	unsigned char *p, *q;
	size_t nonzero = 0;

	env_setup(16 * MIB, 1);
	p = toro_malloc(100);
	memset(p, 0xff, 100);
	toro_free(p);
	q = toro_calloc(10, 10); /* very likely the same block: it must come back zeroed */
	for (size_t i = 0; i < 100; i++) {
		nonzero += q[i] != 0;
	}
	CHECK_EQ(nonzero, 0);
	toro_free(q);
	q = toro_calloc(3, 100000);
	CHECK(q && q[0] == 0 && q[299999] == 0);
	toro_free(q);
	CHECK(toro_calloc(SIZE_MAX / 2 + 1, 2) == NULL);
	CHECK(toro_calloc((size_t)1 << 33, (size_t)1 << 33) == NULL);
	CHECK(toro_calloc(2, SIZE_MAX) == NULL);
	q = toro_calloc(0, 5);
	CHECK(q != NULL);
	toro_free(q);
	CHECK_EQ(in_use(), 0);
}

static bool holds(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != (unsigned char)(i % 251)) {
			return false;
		}
	}
	return true;
}

static void test_realloc(void)
{
	static const size_t sizes[] = {10, 100, 2000, 5000, 300000, 3 << 20, 40000, 16, 1};
	unsigned char *p, *q;
	size_t have = 10;

	env_setup(32 * MIB, 1);
	p = toro_realloc(NULL, 10); /* as malloc */
	for (size_t i = 0; i < have; i++) {
		p[i] = (unsigned char)(i % 251);
	}
	for (size_t k = 1; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t keep = have < sizes[k] ? have : sizes[k];

		p = toro_realloc(p, sizes[k]);
		CHECK_MSG(p && holds(p, keep), "realloc to %zu", sizes[k]);
		for (size_t i = keep; i < sizes[k]; i++) {
			p[i] = (unsigned char)(i % 251);
		}
		have = sizes[k];
	}
	q = toro_realloc(p, have); /* same size: same block */
	CHECK(q == p);
	p = toro_realloc(p, 5000);
	CHECK(p && holds(p, have));
	q = toro_realloc(p, 4500); /* shrinks within its pages: stays */
	CHECK(q == p);
	have = 4500;
	for (size_t i = 0; i < have; i++) {
		p[i] = (unsigned char)(i % 251);
	}
	q = toro_realloc(p, 100); /* would strand pages: moves */
	CHECK(q != p && holds(q, 100));
	p = q;
	have = 100;
	/* Too big: NULL, and the block is untouched and still ours. */
	CHECK(toro_realloc(p, SIZE_MAX / 2) == NULL);
	CHECK(holds(p, have));
	CHECK(toro_realloc(p, 0) == NULL); /* frees */
	CHECK_EQ(in_use(), 0);
}

static void test_aligned_alloc(void)
{
	static const size_t bad[] = {0, 3, 24, 2 << 20, 1000};
	size_t wrong = 0;

	env_setup(32 * MIB, 1);
	for (size_t align = 1; align <= (1 << 20); align <<= 1) {
		for (size_t size = 1; size < 20000; size = size * 3 + 1) {
			char *p = toro_aligned_alloc(align, size);

			wrong += !p || (uintptr_t)p % align;
			if (p) {
				memset(p, 7, size);
			}
			toro_free(p);
		}
	}
	CHECK_EQ(wrong, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_MSG(toro_aligned_alloc(bad[i], 64) == NULL, "align %zu", bad[i]);
	}
	CHECK_EQ(in_use(), 0);
}

static void test_mem_stats_and_remote_free(void)
{
	struct toro_mem_stats st;
	size_t free_before;
	void *p, *big;

	env_setup(32 * MIB, 1);
	toro_mem_stats(&st);
	free_before = st.free_bytes;
	CHECK_EQ(st.cpu_count, ENV_HEAPS);
	CHECK_EQ(st.heap_bytes, HEAP_CHUNK_SIZE);
	CHECK_EQ(free_before, 30 * MIB - PMM_PAGE_SIZE); /* 32 MiB less cpu0's chunk and a bitmap */

	p = toro_malloc(1000);
	big = toro_malloc(5 << 20);
	toro_mem_stats(&st);
	CHECK_EQ(st.cpu[0].in_use, 1024 + (5 << 20));
	CHECK_EQ(st.cpu[1].in_use, 0);
	CHECK_EQ(st.in_use, st.cpu[0].in_use);
	CHECK(st.free_bytes < free_before - (5 << 20));

	current_cpu = 1; /* free them on the other CPU */
	toro_free(p);
	toro_free(big);
	toro_mem_stats(&st);
	CHECK_EQ(st.cpu[0].in_use, 1024 + (5 << 20)); /* not home yet */
	env_deliver(0);
	toro_mem_stats(&st);
	CHECK_EQ(st.in_use, 0);
	CHECK_EQ(st.cpu[0].peak, 1024 + (5 << 20));
	CHECK_EQ(st.free_bytes, free_before);
	current_cpu = 0;
}

static void test_out_of_memory(void)
{
	static void *blocks[8192];
	size_t n = 0;

	env_setup(8 * MIB, 1);
	while (n < 8192 && (blocks[n] = toro_malloc(2000)) != NULL) {
		n++;
	}
	CHECK(n > 0 && n < 8192);
	CHECK(toro_malloc(2000) == NULL);
	CHECK(toro_calloc(1, 2000) == NULL);
	CHECK(toro_realloc(blocks[0], 16 * MIB) == NULL);
	while (n) {
		toro_free(blocks[--n]);
	}
	CHECK_EQ(in_use(), 0);
	blocks[0] = toro_malloc(2000);
	CHECK(blocks[0] != NULL);
	toro_free(blocks[0]);
}

int main(void)
{
	test_malloc_free();
	test_calloc();
	test_realloc();
	test_aligned_alloc();
	test_mem_stats_and_remote_free();
	test_out_of_memory();
	free(env_arena);
	return harness_report();
}
