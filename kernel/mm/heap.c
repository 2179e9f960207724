/* SPDX-License-Identifier: MIT */
/*
 * heap.c - per-CPU heaps (heap.h has the model; Documentation/memory.md the design).
 *
 * A normal chunk is 2 MiB, aligned to 2 MiB:
 *   header pages  struct heap_chunk: owner, a bitmap of used pages, one
 *                 struct heap_span per page; with CONFIG_DEBUG_HEAP also one
 *                 bit per 16-byte granule, set where a live block starts.
 *   data pages    runs of pages, each a slab (blocks of one size class) or
 *                 one large block. The span of a run's first page describes
 *                 the run; the spans of its other pages point back to it.
 * A huge chunk holds one block, at data_offset from its start.
 *
 * Slabs hand out blocks they never used by bumping an index (a new slab is
 * not written to), and reuse freed blocks from their own list. Each class
 * keeps a list of slabs that have a free block. A slab that empties goes
 * back to its chunk, unless it is its class's only partial slab, so that
 * allocating and freeing one block in a loop does not churn pages; likewise
 * a grown chunk that empties is released, except one kept as a spare.
 *
 * Ownership: everything in a heap is written by its owner only. Other CPUs
 * read a live block's chunk header and span (written before the block was
 * handed out, and not changed while it lives) and the statistics, which the
 * owner stores with relaxed atomic stores - plain MOVs on x86-64.
 */
#include <stdint.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/heap.h>
#include "bitmap.h"

#define CHUNK_MAGIC 0x746f726f68656170ULL /* "toroheap", xor the chunk's address */
#define GRANULE_SHIFT 4			  /* HEAP_MIN_ALIGN: blocks start on granules */
#define GRANULES (HEAP_CHUNK_SIZE >> GRANULE_SHIFT)
#define GRANULE_MAP_BYTES (BITMAP_WORDS(GRANULES) * sizeof(uint64_t))

enum span_kind {
	SPAN_HEADER = 1, /* the chunk's own header pages */
	SPAN_SLAB,	 /* first page of a slab */
	SPAN_LARGE,	 /* first page of a large block */
	SPAN_TAIL,	 /* another page of a run: .pages is the distance to its first page */
};

enum chunk_kind {
	CHUNK_NORMAL = 1,
	CHUNK_HUGE,
};

#define CHUNK_GROWN 1u /* came from ops->grow(): released when it empties */

/* One per page of a normal chunk; only a run's first page's fields mean anything. */
struct heap_span {
	void *free_blocks;	       /* slab: freed blocks, linked through their first word */
	struct heap_span *prev, *next; /* slab: in its class's partial list */
	uint16_t pages;		       /* the run's length (SPAN_TAIL: see above) */
	uint16_t used;		       /* slab: live blocks */
	uint16_t bump;		       /* slab: blocks from here on were never handed out */
	uint8_t kind;
	uint8_t cls;
};

struct heap_chunk {
	uint64_t magic;
	struct heap *owner;
	struct heap_chunk *prev, *next; /* the owner's list of normal chunks */
	size_t bytes;
	uint32_t kind;
	uint32_t flags;
	uint32_t free_pages;
	uint32_t data_offset; /* huge: where the block starts */
	uint64_t page_map[BITMAP_WORDS(HEAP_CHUNK_PAGES)];
	uint64_t *granules; /* CONFIG_DEBUG_HEAP, else NULL */
	struct heap_span spans[HEAP_CHUNK_PAGES];
};

_Static_assert(offsetof(struct heap_chunk, spans) <= HEAP_PAGE_SIZE, "huge header fits a page");
_Static_assert(HEAP_CHUNK_PAGES <= UINT16_MAX, "span page counts are 16-bit");
_Static_assert(HEAP_MIN_ALIGN == 1 << GRANULE_SHIFT, "a granule per minimum alignment");
_Static_assert(sizeof(struct xmsg) <= HEAP_MIN_ALIGN, "the smallest block holds a message");

/*
 * Size classes: each slab holds at least 8 blocks and wastes at most 64 bytes a
 * page. The capacity is computed here, not on every alloc and free: a division
 * by a variable is slow on hardware and slower still under TCG.
 */
#define CLASS(size, pages) {(size), (pages), (uint16_t)(((pages) << HEAP_PAGE_SHIFT) / (size))}

static const struct heap_class {
	uint16_t size;
	uint8_t pages;
	uint16_t capacity; /* blocks per slab */
} classes[HEAP_CLASSES] = {
	CLASS(16, 1),	CLASS(32, 1),	CLASS(48, 1),	 CLASS(64, 1),	 CLASS(96, 1),
	CLASS(128, 1),	CLASS(192, 1),	CLASS(256, 1),	 CLASS(384, 3),	 CLASS(512, 1),
	CLASS(768, 3),	CLASS(1024, 2), CLASS(1536, 3), CLASS(2048, 4),
};

static struct heap_chunk *chunk_of(const void *p)
{
	return (struct heap_chunk *)((uintptr_t)p & ~(uintptr_t)(HEAP_CHUNK_SIZE - 1));
}

static size_t page_of(const struct heap_chunk *c, const void *p)
{
	return ((uintptr_t)p - (uintptr_t)c) >> HEAP_PAGE_SHIFT;
}

static uint8_t *span_addr(const struct heap_span *s)
{
	const struct heap_chunk *c = chunk_of(s);

	return (uint8_t *)c + ((size_t)(s - c->spans) << HEAP_PAGE_SHIFT);
}

static struct heap_span *span_head(struct heap_chunk *c, size_t page)
{
	struct heap_span *s = &c->spans[page];

	return s->kind == SPAN_TAIL ? s - s->pages : s;
}

static size_t header_pages(void)
{
	size_t debug = IS_ENABLED(CONFIG_DEBUG_HEAP) ? GRANULE_MAP_BYTES : 0;

	return (sizeof(struct heap_chunk) + debug + HEAP_PAGE_SIZE - 1) >> HEAP_PAGE_SHIFT;
}

static void report(struct heap *h, const void *p, const char *what)
{
	h->ops->report_corruption(h, p, what);
}

/* --- statistics: the owner's stores, any CPU's loads --------------------------------------- */

static void count_alloc(struct heap *h, size_t bytes)
{
	size_t in_use = h->in_use + bytes;

	__atomic_store_n(&h->in_use, in_use, __ATOMIC_RELAXED);
	if (in_use > h->peak) {
		__atomic_store_n(&h->peak, in_use, __ATOMIC_RELAXED);
	}
}

static void count_free(struct heap *h, size_t bytes)
{
	__atomic_store_n(&h->in_use, h->in_use - bytes, __ATOMIC_RELAXED);
}

static void count_chunk(struct heap *h, size_t bytes, bool added)
{
	size_t total = added ? h->chunk_bytes + bytes : h->chunk_bytes - bytes;

	__atomic_store_n(&h->chunk_bytes, total, __ATOMIC_RELAXED);
}

/* CONFIG_DEBUG_HEAP: a live block starts at @p, or no longer does. */
static void mark_live(struct heap_chunk *c, const void *p, bool live)
{
	if (IS_ENABLED(CONFIG_DEBUG_HEAP)) {
		bitmap_assign(c->granules, ((uintptr_t)p - (uintptr_t)c) >> GRANULE_SHIFT, 1, live);
	}
}

/* --- chunks --------------------------------------------------------------------------------- */

static void chunk_setup(struct heap *h, void *mem, uint32_t flags)
{
	struct heap_chunk *c = mem;
	size_t hp = header_pages();

	c->magic = CHUNK_MAGIC ^ (uintptr_t)c;
	c->owner = h;
	c->bytes = HEAP_CHUNK_SIZE;
	c->kind = CHUNK_NORMAL;
	c->flags = flags;
	c->free_pages = (uint32_t)(HEAP_CHUNK_PAGES - hp);
	c->data_offset = 0;
	memset(c->page_map, 0, sizeof(c->page_map));
	bitmap_assign(c->page_map, 0, hp, true);
	for (size_t i = 0; i < hp; i++) {
		c->spans[i].kind = SPAN_HEADER;
	}
	c->granules = NULL;
	if (IS_ENABLED(CONFIG_DEBUG_HEAP)) {
		c->granules = (uint64_t *)(c + 1);
		memset(c->granules, 0, GRANULE_MAP_BYTES);
	}
	c->prev = NULL;
	c->next = h->chunks;
	if (c->next) {
		c->next->prev = c;
	}
	h->chunks = c;
	count_chunk(h, c->bytes, true);
}

static void chunk_release(struct heap *h, struct heap_chunk *c)
{
	if (c->kind == CHUNK_NORMAL) {
		if (c->prev) {
			c->prev->next = c->next;
		} else {
			h->chunks = c->next;
		}
		if (c->next) {
			c->next->prev = c->prev;
		}
	}
	if (h->spare == c) {
		h->spare = NULL;
	}
	c->magic = 0; /* a late free of a block in it no longer finds a heap here */
	count_chunk(h, c->bytes, false);
	h->ops->release(h, c, c->bytes);
}

/* --- page runs inside normal chunks --------------------------------------------------------- */

static struct heap_span *run_take(struct heap *h, struct heap_chunk *c, size_t pages,
				  size_t align_pages, uint8_t kind)
{
	struct heap_span *head;
	size_t s;

	if (c->free_pages < pages) {
		return NULL;
	}
	s = bitmap_find_run(c->page_map, 0, HEAP_CHUNK_PAGES, pages, align_pages, 0);
	if (s == HEAP_CHUNK_PAGES) {
		return NULL;
	}
	bitmap_assign(c->page_map, s, pages, true);
	c->free_pages -= (uint32_t)pages;
	if (h->spare == c) {
		h->spare = NULL;
	}
	head = &c->spans[s];
	head->kind = kind;
	head->pages = (uint16_t)pages;
	for (size_t i = 1; i < pages; i++) {
		head[i].kind = SPAN_TAIL;
		head[i].pages = (uint16_t)i;
	}
	return head;
}

/* A run of @pages from any chunk, growing the heap by a chunk if none has room. */
static struct heap_span *run_alloc(struct heap *h, size_t pages, size_t align_pages, uint8_t kind)
{
	struct heap_span *s;
	void *mem;

	for (struct heap_chunk *c = h->chunks; c; c = c->next) {
		s = run_take(h, c, pages, align_pages, kind);
		if (s) {
			return s;
		}
	}
	mem = h->ops->grow(h, HEAP_CHUNK_SIZE);
	if (!mem) {
		return NULL;
	}
	chunk_setup(h, mem, CHUNK_GROWN);
	/* Runs are at most HEAP_LARGE_MAX, aligned to no more: a fresh chunk always fits one. */
	return run_take(h, h->chunks, pages, align_pages, kind);
}

static void run_free(struct heap *h, struct heap_span *head)
{
	struct heap_chunk *c = chunk_of(head);

	bitmap_assign(c->page_map, (size_t)(head - c->spans), head->pages, false);
	c->free_pages += head->pages;
	if (!(c->flags & CHUNK_GROWN) || c->free_pages != HEAP_CHUNK_PAGES - header_pages()) {
		return;
	}
	if (h->spare && h->spare != c) {
		chunk_release(h, c);
	} else {
		h->spare = c;
	}
}

/* --- slabs ---------------------------------------------------------------------------------- */

/* The smallest class of at least @size bytes (1..HEAP_CLASS_MAX), in O(1). */
static unsigned int class_index(size_t size)
{
	unsigned int order;
	size_t half;

	if (size <= classes[1].size) {
		return size > classes[0].size;
	}
	/*
	 * 2^order < size <= 2^(order + 1), and between them sits the class 1.5 * 2^order.
	 * From 48 = 1.5 * 2^5 (index 2) on, each order has those two classes: 2 * order - 8
	 * is the index of 1.5 * 2^order, and the next one that of 2^(order + 1).
	 */
	order = 63 - (unsigned int)__builtin_clzll(size - 1);
	half = (size_t)1 << order;
	return size <= half + half / 2 ? 2 * order - 8 : 2 * order - 7;
}

/* The smallest class that fits @size and whose blocks are all aligned to @align. */
static unsigned int class_for(size_t size, size_t align)
{
	unsigned int i = class_index(size);

	/* Slabs start on a page, so block k at k * size is aligned to size's lowest set bit. */
	while (i < HEAP_CLASSES && (size_t)(classes[i].size & -classes[i].size) < align) {
		i++;
	}
	return i;
}

static unsigned int slab_capacity(unsigned int cls)
{
	return classes[cls].capacity;
}

static void partial_push(struct heap *h, struct heap_span *s)
{
	s->prev = NULL;
	s->next = h->partial[s->cls];
	if (s->next) {
		s->next->prev = s;
	}
	h->partial[s->cls] = s;
}

static void partial_remove(struct heap *h, struct heap_span *s)
{
	if (s->prev) {
		s->prev->next = s->next;
	} else {
		h->partial[s->cls] = s->next;
	}
	if (s->next) {
		s->next->prev = s->prev;
	}
	s->prev = NULL;
	s->next = NULL;
}

static struct heap_span *slab_new(struct heap *h, unsigned int cls)
{
	struct heap_span *s = run_alloc(h, classes[cls].pages, 1, SPAN_SLAB);

	if (!s) {
		return NULL;
	}
	s->cls = (uint8_t)cls;
	s->used = 0;
	s->bump = 0;
	s->free_blocks = NULL;
	partial_push(h, s);
	return s;
}

static void *slab_alloc(struct heap *h, unsigned int cls)
{
	struct heap_span *s = h->partial[cls];
	void *p;

	if (!s) {
		s = slab_new(h, cls);
		if (!s) {
			return NULL;
		}
	}
	if (s->free_blocks) {
		p = s->free_blocks;
		s->free_blocks = *(void **)p;
	} else {
		p = span_addr(s) + (size_t)s->bump * classes[cls].size;
		s->bump++;
	}
	if (++s->used == slab_capacity(cls)) {
		partial_remove(h, s);
	}
	count_alloc(h, classes[cls].size);
	return p;
}

static void slab_free(struct heap *h, struct heap_span *s, void *p)
{
	unsigned int cls = s->cls;

	*(void **)p = s->free_blocks;
	s->free_blocks = p;
	if (s->used-- == slab_capacity(cls)) {
		partial_push(h, s); /* it was full: it has a free block again */
	}
	if (s->used == 0 && (s->prev || s->next)) {
		partial_remove(h, s); /* empty, and not the class's last partial slab */
		run_free(h, s);
	}
	count_free(h, classes[cls].size);
}

/* --- large and huge blocks ------------------------------------------------------------------ */

static void *large_alloc(struct heap *h, size_t size, size_t align)
{
	size_t pages = (size + HEAP_PAGE_SIZE - 1) >> HEAP_PAGE_SHIFT;
	size_t align_pages = align > HEAP_PAGE_SIZE ? align >> HEAP_PAGE_SHIFT : 1;
	struct heap_span *s = run_alloc(h, pages, align_pages, SPAN_LARGE);

	if (!s) {
		return NULL;
	}
	count_alloc(h, pages << HEAP_PAGE_SHIFT);
	return span_addr(s);
}

static void *huge_alloc(struct heap *h, size_t size, size_t align)
{
	size_t offset = align > HEAP_PAGE_SIZE ? align : HEAP_PAGE_SIZE;
	struct heap_chunk *c;
	size_t bytes;

	if (size > SIZE_MAX - offset - HEAP_PAGE_SIZE) {
		return NULL;
	}
	bytes = (offset + size + HEAP_PAGE_SIZE - 1) & ~(HEAP_PAGE_SIZE - 1);
	c = h->ops->grow(h, bytes);
	if (!c) {
		return NULL;
	}
	c->magic = CHUNK_MAGIC ^ (uintptr_t)c;
	c->owner = h;
	c->bytes = bytes;
	c->kind = CHUNK_HUGE;
	c->flags = 0;
	c->data_offset = (uint32_t)offset;
	c->granules = NULL;
	count_chunk(h, bytes, true);
	count_alloc(h, bytes - offset);
	return (uint8_t *)c + offset;
}

void *heap_alloc(struct heap *h, size_t size, size_t align)
{
	unsigned int cls = HEAP_CLASSES;
	void *p;

	if ((align & (align - 1)) || align > HEAP_ALIGN_MAX) {
		return NULL;
	}
	if (align < HEAP_MIN_ALIGN) {
		align = HEAP_MIN_ALIGN;
	}
	if (size == 0) {
		size = 1; /* a unique block, as malloc(0) may return */
	}
	if (size <= HEAP_CLASS_MAX) {
		cls = class_for(size, align);
	}
	if (cls < HEAP_CLASSES) {
		p = slab_alloc(h, cls);
	} else if (size <= HEAP_LARGE_MAX && align <= HEAP_LARGE_MAX) {
		p = large_alloc(h, size, align);
	} else {
		return huge_alloc(h, size, align);
	}
	if (p) {
		mark_live(chunk_of(p), p, true);
	}
	return p;
}

/* --- freeing -------------------------------------------------------------------------------- */

/* CONFIG_DEBUG_HEAP, any CPU: @p is aligned and lies in a chunk some heap owns. */
static bool debug_chunk_ok(struct heap *h, const void *p)
{
	struct heap_chunk *c = chunk_of(p);

	if ((uintptr_t)p % HEAP_MIN_ALIGN) {
		report(h, p, "free of a misaligned pointer");
		return false;
	}
	if ((h->ops->may_own && !h->ops->may_own(c)) || c->magic != (CHUNK_MAGIC ^ (uintptr_t)c)) {
		report(h, p, "free of a pointer no heap owns");
		return false;
	}
	return true;
}

/* True if @offset into the run of @s is where one of its blocks starts. */
static bool block_start(const struct heap_span *s, size_t offset)
{
	if (s->kind != SPAN_SLAB) {
		return offset == 0;
	}
	return offset % classes[s->cls].size == 0 && offset / classes[s->cls].size < s->bump;
}

/* CONFIG_DEBUG_HEAP, the owner: @p is the start of a live block of @h. */
static bool debug_block_ok(struct heap *h, struct heap_chunk *c, const void *p)
{
	size_t page = page_of(c, p);
	struct heap_span *s;

	if (c->owner != h) {
		report(h, p, "block freed to a heap that does not own it");
		return false;
	}
	if (c->kind == CHUNK_HUGE) {
		if (p == (const uint8_t *)c + c->data_offset) {
			return true;
		}
		report(h, p, "free of a pointer inside a block");
		return false;
	}
	if (!bitmap_test(c->page_map, page)) {
		report(h, p, "free of a pointer into free heap memory (double free?)");
		return false;
	}
	if (c->spans[page].kind == SPAN_HEADER) {
		report(h, p, "free of a pointer into a heap chunk's header");
		return false;
	}
	s = span_head(c, page);
	if (!block_start(s, (size_t)((const uint8_t *)p - span_addr(s)))) {
		report(h, p, "free of a pointer inside a block");
		return false;
	}
	if (!bitmap_test(c->granules, ((uintptr_t)p - (uintptr_t)c) >> GRANULE_SHIFT)) {
		report(h, p, "double free");
		return false;
	}
	return true;
}

static void free_local(struct heap *h, struct heap_chunk *c, void *p)
{
	struct heap_span *s;

	if (IS_ENABLED(CONFIG_DEBUG_HEAP) && !debug_block_ok(h, c, p)) {
		return;
	}
	if (c->kind == CHUNK_HUGE) {
		count_free(h, c->bytes - c->data_offset);
		chunk_release(h, c);
		return;
	}
	mark_live(c, p, false);
	s = span_head(c, page_of(c, p));
	if (s->kind == SPAN_SLAB) {
		slab_free(h, s, p);
		return;
	}
	count_free(h, (size_t)s->pages << HEAP_PAGE_SHIFT);
	run_free(h, s);
}

void heap_free(struct heap *local, void *p)
{
	struct heap_chunk *c = chunk_of(p);
	struct xmsg *m = p;

	if (!p || (IS_ENABLED(CONFIG_DEBUG_HEAP) && !debug_chunk_ok(local, p))) {
		return;
	}
	if (c->owner == local) {
		free_local(local, c, p);
		return;
	}
	/* The block becomes its own message home: nothing to allocate, nothing to wait for. */
	m->kind = XMSG_FREE;
	local->ops->send_remote(local, c->owner, m);
}

void heap_receive(struct heap *h, struct xmsg *batch)
{
	while (batch) {
		struct xmsg *next = batch->next; /* read before the block is reused */

		if (!IS_ENABLED(CONFIG_DEBUG_HEAP)) {
			free_local(h, chunk_of(batch), batch);
		} else if (batch->kind != XMSG_FREE) {
			report(h, batch, "remote free with a bad message kind");
		} else if (debug_chunk_ok(h, batch)) {
			free_local(h, chunk_of(batch), batch);
		}
		batch = next;
	}
}

void heap_queue_remote(struct heap *from, struct xslot_out *out, struct xmsg *m)
{
	if (IS_ENABLED(CONFIG_DEBUG_HEAP)) {
		for (const struct xmsg *q = out->first; q; q = q->next) {
			if (q == m) {
				report(from, m,
				       "double free (the block is on its way to its owner)");
				return;
			}
		}
	}
	xslot_queue(out, m);
}

/* --- set-up and queries --------------------------------------------------------------------- */

void heap_init(struct heap *h, const struct heap_ops *ops, unsigned int cpu)
{
	memset(h, 0, sizeof(*h));
	h->ops = ops;
	h->cpu = cpu;
}

int heap_add_memory(struct heap *h, void *mem, size_t bytes)
{
	if (!bytes || bytes % HEAP_CHUNK_SIZE || (uintptr_t)mem % HEAP_CHUNK_SIZE) {
		return -EINVAL;
	}
	for (size_t off = 0; off < bytes; off += HEAP_CHUNK_SIZE) {
		chunk_setup(h, (uint8_t *)mem + off, 0);
	}
	return 0;
}

size_t heap_block_size(const void *p)
{
	struct heap_chunk *c = chunk_of(p);
	struct heap_span *s;

	if (c->kind == CHUNK_HUGE) {
		return c->bytes - c->data_offset;
	}
	s = span_head(c, page_of(c, p));
	return s->kind == SPAN_SLAB ? classes[s->cls].size : (size_t)s->pages << HEAP_PAGE_SHIFT;
}

struct heap *heap_owner(const void *p)
{
	return chunk_of(p)->owner;
}

void heap_stats(const struct heap *h, struct heap_stats *out)
{
	out->in_use = __atomic_load_n(&h->in_use, __ATOMIC_RELAXED);
	out->peak = __atomic_load_n(&h->peak, __ATOMIC_RELAXED);
	out->chunk_bytes = __atomic_load_n(&h->chunk_bytes, __ATOMIC_RELAXED);
}
