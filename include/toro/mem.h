/* SPDX-License-Identifier: MIT */
/*
 * <toro/mem.h> - memory allocation of the Toro C library, and heap statistics.
 *
 * Same names and semantics as ISO C's <stdlib.h> allocation functions. Each
 * CPU allocates from its own heap, without locks. A block may be freed on any
 * CPU: a block of another CPU's heap goes back to that CPU through the
 * exchange slots, and is reusable (and leaves its in-use count) once that
 * CPU reaches its next scheduling point. Every block is aligned to 16 bytes.
 * With CONFIG_DEBUG_HEAP a double free, or freeing a pointer malloc() did not
 * return, stops the machine with a panic and a backtrace. Implemented in
 * lib/malloc.c over the kernel's per-CPU heaps (Documentation/memory.md).
 */
#ifndef TORO_MEM_H
#define TORO_MEM_H

#include <stddef.h>

/**
 * malloc() - allocate @size bytes, uninitialised, from the calling CPU's heap.
 * Returns the block, or NULL when memory is short. malloc(0) returns a unique
 * block (free it like any other).
 */
void *malloc(size_t size);

/**
 * free() - give back a block from malloc(), calloc(), realloc() or aligned_alloc(),
 * on any CPU. free(NULL) does nothing.
 */
void free(void *p);

/**
 * calloc() - allocate an array of @n elements of @size bytes, zeroed.
 * Returns the block, or NULL when memory is short or @n * @size overflows.
 */
void *calloc(size_t n, size_t size);

/**
 * realloc() - resize block @p to @size bytes, keeping its contents up to the
 * smaller size. realloc(NULL, size) is malloc(size); realloc(p, 0) frees @p
 * and returns NULL. Returns the block (maybe @p itself, maybe a new one), or
 * NULL when memory is short - then @p is left as it was and still valid.
 */
void *realloc(void *p, size_t size);

/**
 * aligned_alloc() - allocate @size bytes aligned to @align, a power of two up to
 * 1 MiB (C17: @size need not be a multiple of @align). Returns the block, or
 * NULL when memory is short or @align is not valid.
 */
void *aligned_alloc(size_t align, size_t size);

/* Slots in struct mem_stats: CONFIG_NR_CPUS is at most this. */
#define MEM_STATS_CPUS 64

struct mem_cpu_stats {
	size_t in_use;	   /* bytes in live blocks of this CPU's heap (see below) */
	size_t peak;	   /* the highest in_use since boot */
	size_t heap_bytes; /* memory the heap holds, used or not */
};

/*
 * Block sizes are counted as served: a request rounded up to its size class
 * (16, 32, 48, 64, 96, 128 ... 1536, 2048 bytes) or to whole 4 KiB pages. A
 * block freed on another CPU still counts for its owner until the owner has
 * received it. So in_use returns to the same value once every block
 * allocated since a snapshot has been freed and received.
 */
struct mem_stats {
	unsigned int cpu_count; /* entries of cpu[] that are filled */
	size_t in_use;		/* the sum over every CPU */
	size_t heap_bytes;	/* the sum over every CPU */
	size_t free_bytes;	/* memory in no heap yet */
	struct mem_cpu_stats cpu[MEM_STATS_CPUS];
};

/** mem_stats() - fill @out with a snapshot of every CPU's heap. Any CPU may call it. */
void mem_stats(struct mem_stats *out);

#endif /* TORO_MEM_H */
