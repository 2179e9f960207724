/* SPDX-License-Identifier: MIT */
/*
 * heap.h - per-CPU heaps (kernel/mm/heap.c); Documentation/memory.md has the design.
 *
 * Each CPU owns one struct heap and is the only one to touch it, so
 * allocation and local frees take no lock and no atomic instruction. A heap
 * is a list of 2 MiB chunks, each aligned to its size, with a header at its
 * start naming the owner: the owner of any block is found by masking its
 * address. Small sizes are served from per-class slabs, medium ones from page
 * runs inside a chunk, huge ones from a chunk of their own.
 *
 * A block freed by a CPU that does not own it is not touched by that CPU's
 * heap: heap_free() turns the block itself into a struct xmsg (kind
 * XMSG_FREE) and hands it to ops->send_remote(), which carries it home
 * through the exchange slots; the owner later calls heap_receive(). A remote
 * free never allocates and never waits.
 *
 * Portable: memory comes from, and goes back to, ops->grow()/ops->release(),
 * and corruption is reported through ops->report_corruption() (the kernel
 * panics), so tests/unit/kernel/mm builds this file on the host unchanged.
 * With CONFIG_DEBUG_HEAP every free is checked (double free, a pointer no
 * heap owns, a pointer inside a block); without it a free trusts its pointer.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <kernel/xmsg_kinds.h>
#include <kernel/xslot.h>

#define HEAP_CHUNK_SHIFT 21
#define HEAP_CHUNK_SIZE ((size_t)1 << HEAP_CHUNK_SHIFT) /* 2 MiB: one large page */
#define HEAP_PAGE_SHIFT 12
#define HEAP_PAGE_SIZE ((size_t)1 << HEAP_PAGE_SHIFT)
#define HEAP_CHUNK_PAGES (HEAP_CHUNK_SIZE / HEAP_PAGE_SIZE)

/* Every block is aligned to this much at least; it also holds a struct xmsg. */
#define HEAP_MIN_ALIGN 16
/* Alignments up to this are served (a huge block's offset must stay inside its first 2 MiB). */
#define HEAP_ALIGN_MAX (HEAP_CHUNK_SIZE / 2)
/* Size classes: 16, 32, 48, 64, 96, 128 ... 1024, 1536, 2048 bytes. */
#define HEAP_CLASSES 14
#define HEAP_CLASS_MAX 2048
/* Above this a block gets a chunk of its own, returned to the page allocator on free. */
#define HEAP_LARGE_MAX (HEAP_CHUNK_SIZE / 8)

struct heap;
struct heap_chunk;
struct heap_span;

/* How a heap reaches the rest of the system; one table is shared by every heap. */
struct heap_ops {
	/* Returns @bytes (whole pages) aligned to HEAP_CHUNK_SIZE for @h, or NULL. */
	void *(*grow)(struct heap *h, size_t bytes);
	/* Takes back memory grow() gave. */
	void (*release)(struct heap *h, void *mem, size_t bytes);
	/* Carries @m (kind XMSG_FREE) from @from's CPU to @owner's; see heap_queue_remote(). */
	void (*send_remote)(struct heap *from, struct heap *owner, struct xmsg *m);
	/* CONFIG_DEBUG_HEAP found @what wrong with @p; the kernel panics. May return (tests). */
	void (*report_corruption)(struct heap *h, const void *p, const char *what);
	/* Optional: false if @chunk is not memory grow() could have returned, so its header
	 * must not even be read (debug checks of foreign pointers). */
	bool (*may_own)(const void *chunk);
};

struct heap_stats {
	size_t in_use;	    /* bytes in live blocks, each counted at its class or page size */
	size_t peak;	    /* the highest in_use so far */
	size_t chunk_bytes; /* memory the heap holds from grow() and heap_add_memory() */
};

/*
 * A CPU's heap. Every field is the owner's; other CPUs only read the
 * statistics (heap_stats()) and the chunk headers of live blocks.
 */
struct heap {
	const struct heap_ops *ops;
	unsigned int cpu;			 /* the owner's id, for the glue's slots */
	struct heap_span *partial[HEAP_CLASSES]; /* slabs with a free block, per class */
	struct heap_chunk *chunks;		 /* normal chunks, newest first */
	struct heap_chunk *spare;		 /* an empty grown chunk kept for reuse */
	size_t in_use;				 /* written by the owner only */
	size_t peak;
	size_t chunk_bytes;
};

#define HEAP_INITIALIZER(ops_, cpu_)                                                               \
	{                                                                                          \
		.ops = (ops_), .cpu = (cpu_)                                                       \
	}

/* Make @h an empty heap owned by @cpu. */
void heap_init(struct heap *h, const struct heap_ops *ops, unsigned int cpu);

/*
 * Give @h the memory [@mem, @mem + @bytes), HEAP_CHUNK_SIZE aligned and a
 * multiple of it; such chunks are kept for good (never released).
 * Returns 0 or -EINVAL.
 */
int heap_add_memory(struct heap *h, void *mem, size_t bytes);

/*
 * A block of at least @size bytes (0 counts as 1) aligned to @align (0, or a
 * power of two up to HEAP_ALIGN_MAX; below HEAP_MIN_ALIGN means HEAP_MIN_ALIGN).
 * Returns NULL when memory is short or the request is invalid; @h is then
 * unchanged and still usable.
 */
void *heap_alloc(struct heap *h, size_t size, size_t align);

/*
 * Free @p (NULL is ignored) on the CPU that owns @local. A block of @local is
 * freed at once; another heap's block is sent to its owner (ops->send_remote)
 * and counted there when the owner calls heap_receive().
 */
void heap_free(struct heap *local, void *p);

/* The owner of @h frees a batch of its blocks that other CPUs sent back. */
void heap_receive(struct heap *h, struct xmsg *batch);

/*
 * For send_remote() implementations: queue @m on @out (the sending CPU's
 * private list towards one owner). With CONFIG_DEBUG_HEAP it first checks
 * that @m is not queued already (a double free on this CPU).
 */
void heap_queue_remote(struct heap *from, struct xslot_out *out, struct xmsg *m);

/* The usable size of live block @p: its class size, its pages, or its huge chunk's room. */
size_t heap_block_size(const void *p);

/* The heap that owns live block @p. */
struct heap *heap_owner(const void *p);

/* A snapshot of @h's statistics; any CPU may ask. */
void heap_stats(const struct heap *h, struct heap_stats *out);

#endif /* KERNEL_HEAP_H */
