/* SPDX-License-Identifier: MIT */
/*
 * malloc.c - the C library's allocation functions (<toro/mem.h>) over the
 * calling CPU's heap: kernel/mm/heap.c, reached through kernel/mm.h. No lock
 * here or below; a free of another CPU's block is sent home by the heap.
 */
#include <stdint.h>
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/heap.h>
#include <kernel/mm.h>

void *malloc(size_t size)
{
	return heap_alloc(this_cpu_heap(), size, 0);
}

void free(void *p)
{
	if (p) {
		heap_free(this_cpu_heap(), p);
	}
}

void *calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		return NULL;
	}
	p = malloc(bytes);
	if (p) {
		memset(p, 0, bytes);
	}
	return p;
}

void *realloc(void *p, size_t size)
{
	size_t old;
	void *q;

	if (!p) {
		return malloc(size);
	}
	if (size == 0) {
		free(p);
		return NULL;
	}
	old = heap_block_size(p);
	/* Keep a block that fits, unless shrinking it would strand more than a small block. */
	if (size <= old && (old <= HEAP_CLASS_MAX || size > old / 2)) {
		return p;
	}
	q = malloc(size);
	if (!q) {
		return NULL;
	}
	memcpy(q, p, size < old ? size : old);
	free(p);
	return q;
}

void *aligned_alloc(size_t align, size_t size)
{
	if (align == 0 || (align & (align - 1))) {
		return NULL;
	}
	return heap_alloc(this_cpu_heap(), size, align);
}

void mem_stats(struct mem_stats *out)
{
	unsigned int n = mm_cpu_count();

	memset(out, 0, sizeof(*out));
	out->cpu_count = n < MEM_STATS_CPUS ? n : MEM_STATS_CPUS;
	for (unsigned int i = 0; i < out->cpu_count; i++) {
		struct heap_stats hs;

		heap_stats(mm_cpu_heap(i), &hs);
		out->cpu[i] = (struct mem_cpu_stats){hs.in_use, hs.peak, hs.chunk_bytes};
		out->in_use += hs.in_use;
		out->heap_bytes += hs.chunk_bytes;
	}
	out->free_bytes = mm_free_bytes();
}
