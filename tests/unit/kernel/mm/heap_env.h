/*
 * heap_env.h - what the heap tests plug into struct heap_ops: chunks from the
 * real page allocator over a host arena, remote frees collected in per-owner
 * outboxes, corruption reports caught with longjmp, and a randomized model
 * test shared by the plain and the CONFIG_DEBUG_HEAP builds.
 *
 * Include harness.h first. Single-threaded: test_heap_remote.c has its own glue.
 */
#ifndef HEAP_ENV_H
#define HEAP_ENV_H

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>

#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)
#define ENV_ARENA_MAX (64 * MIB)
#define ENV_HEAPS 2

static uint8_t *env_arena;
static struct pmm env_pmm;
static struct heap env_heaps[ENV_HEAPS];
static struct xslot_out env_outbox[ENV_HEAPS]; /* remote frees waiting for heap i */

static struct {
	unsigned long grows, releases, sends, reports, bad_releases;
	const char *what; /* the last corruption report */
	const void *ptr;
	jmp_buf *expect; /* set while a test expects a report */
} env;

static void *env_grow(struct heap *h, size_t bytes)
{
	void *p = pmm_alloc_aligned(&env_pmm, bytes / PMM_PAGE_SIZE, HEAP_CHUNK_SIZE);

	(void)h;
	env.grows += p != NULL;
	return p;
}

static void env_release(struct heap *h, void *mem, size_t bytes)
{
	(void)h;
	env.releases++;
	env.bad_releases += pmm_free_pages(&env_pmm, mem, bytes / PMM_PAGE_SIZE) != 0;
}

static void env_send_remote(struct heap *from, struct heap *owner, struct xmsg *m)
{
	env.sends++;
	heap_queue_remote(from, &env_outbox[owner->cpu], m);
}

static void env_report(struct heap *h, const void *p, const char *what)
{
	(void)h;
	env.reports++;
	env.what = what;
	env.ptr = p;
	if (env.expect) {
		longjmp(*env.expect, 1);
	}
	CHECK_MSG(false, "unexpected corruption report: %s (%p)", what, p);
}

static bool env_may_own(const void *chunk)
{
	const uint8_t *c = chunk;

	return c >= env_arena && c < env_arena + ENV_ARENA_MAX;
}

static const struct heap_ops env_ops = {
	.grow = env_grow,
	.release = env_release,
	.send_remote = env_send_remote,
	.report_corruption = env_report,
	.may_own = env_may_own,
};

/*
 * Fresh page allocator over @ram bytes of the arena, and ENV_HEAPS empty
 * heaps; heap 0 gets @initial_chunks chunks of its own.
 */
static void env_setup(size_t ram, unsigned int initial_chunks)
{
	struct boot_mem_region r;

	if (!env_arena && posix_memalign((void **)&env_arena, HEAP_CHUNK_SIZE, ENV_ARENA_MAX)) {
		abort();
	}
	r = (struct boot_mem_region){(uint64_t)(uintptr_t)env_arena, ram, BOOT_MEM_USABLE};
	memset(&env, 0, sizeof(env));
	memset(env_outbox, 0, sizeof(env_outbox));
	CHECK_EQ(pmm_init(&env_pmm, &r, 1, NULL, 0), 0);
	for (unsigned int i = 0; i < ENV_HEAPS; i++) {
		heap_init(&env_heaps[i], &env_ops, i);
	}
	for (unsigned int i = 0; i < initial_chunks; i++) {
		void *mem = pmm_alloc_aligned(&env_pmm, HEAP_CHUNK_SIZE / PMM_PAGE_SIZE,
					      HEAP_CHUNK_SIZE);

		CHECK_EQ(heap_add_memory(&env_heaps[0], mem, HEAP_CHUNK_SIZE), 0);
	}
}

/* Owner @i takes its outbox, as it would take its exchange slots. */
static void env_deliver(unsigned int i)
{
	struct xmsg *batch = env_outbox[i].first;

	env_outbox[i].first = NULL;
	env_outbox[i].last = NULL;
	heap_receive(&env_heaps[i], batch);
}

static size_t env_in_use(unsigned int i)
{
	struct heap_stats st;

	heap_stats(&env_heaps[i], &st);
	return st.in_use;
}

/* --- the randomized model test ------------------------------------------------------------ */

#define MODEL_STEPS 60000
#define MODEL_LIVE_MAX 2000

struct model_block {
	uint8_t *p;
	size_t size;
	size_t align;
	unsigned int tag;
};

static struct model_block model[MODEL_LIVE_MAX];

static uint8_t model_byte(const struct model_block *b, size_t i)
{
	return (uint8_t)(b->tag * 31 + i);
}

/* Every byte of small blocks; of big ones a byte every MODEL_STRIDE, and the last. */
#define MODEL_STRIDE 61

static size_t model_step(const struct model_block *b, size_t i)
{
	if (b->size <= HEAP_PAGE_SIZE || i + 1 == b->size) {
		return 1;
	}
	return i + MODEL_STRIDE < b->size ? MODEL_STRIDE : b->size - 1 - i;
}

static void model_fill(const struct model_block *b)
{
	for (size_t i = 0; i < b->size; i += model_step(b, i)) {
		b->p[i] = model_byte(b, i);
	}
}

static bool model_intact(const struct model_block *b)
{
	for (size_t i = 0; i < b->size; i += model_step(b, i)) {
		if (b->p[i] != model_byte(b, i)) {
			return false;
		}
	}
	return true;
}

/* Mostly small sizes, some page-sized, a few large and huge. */
static size_t model_size(void)
{
	int dice = rand() % 64;

	if (dice == 0) {
		return (size_t)rand() % (3 * MIB);
	}
	if (dice < 3) {
		return (size_t)rand() % (HEAP_LARGE_MAX + 64 * KIB);
	}
	if (dice < 12) {
		return (size_t)rand() % (16 * KIB);
	}
	return (size_t)rand() % (HEAP_CLASS_MAX + 1);
}

static size_t model_align(void)
{
	return rand() % 4 ? 0 : (size_t)1 << (rand() % 14);
}

static int model_cmp(const void *a, const void *b)
{
	const struct model_block *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* No two live blocks overlap, and each has its size and its pattern. */
static size_t model_check_all(size_t n)
{
	size_t bad = 0;

	qsort(model, n, sizeof(model[0]), model_cmp);
	for (size_t i = 0; i < n; i++) {
		bad += !model_intact(&model[i]);
		bad += heap_block_size(model[i].p) < model[i].size;
		if (i + 1 < n) {
			bad += model[i].p + heap_block_size(model[i].p) > model[i + 1].p ||
			       model[i].p == model[i + 1].p;
		}
	}
	return bad;
}

/*
 * Random allocations and frees on heap 0, a quarter of the frees made by
 * heap 1 (remote) and delivered in batches. After each step heap 0's
 * in-use bytes must equal the model's, counting blocks still in the outbox.
 */
__attribute__((unused)) static void model_test(unsigned int seed)
{
	size_t n = 0, bad = 0, refused = 0, in_flight = 0, model_bytes = 0;

	srand(seed);
	for (unsigned int step = 0; step < MODEL_STEPS; step++) {
		if (n < MODEL_LIVE_MAX && rand() % 2) {
			struct model_block *b = &model[n];

			b->size = model_size();
			b->align = model_align();
			b->p = heap_alloc(&env_heaps[0], b->size, b->align);
			if (!b->p) {
				refused++;
				continue;
			}
			b->tag = step;
			bad += (uintptr_t)b->p %
			       (b->align > HEAP_MIN_ALIGN ? b->align : HEAP_MIN_ALIGN);
			bad += heap_owner(b->p) != &env_heaps[0];
			model_fill(b);
			model_bytes += heap_block_size(b->p);
			n++;
		} else if (n) {
			size_t k = (size_t)rand() % n;
			struct model_block *b = &model[k];
			size_t bytes = heap_block_size(b->p);

			bad += !model_intact(b);
			if (rand() % 4 == 0) {
				heap_free(&env_heaps[1], b->p);
				in_flight += bytes;
			} else {
				heap_free(&env_heaps[0], b->p);
			}
			model_bytes -= bytes;
			model[k] = model[--n];
		}
		if (rand() % 64 == 0) {
			env_deliver(0);
			in_flight = 0;
		}
		bad += env_in_use(0) != model_bytes + in_flight;
		if (step % 5000 == 0) {
			bad += model_check_all(n);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(model_check_all(n), 0);
	while (n) {
		heap_free(&env_heaps[0], model[--n].p);
	}
	env_deliver(0);
	CHECK_EQ(env_in_use(0), 0);
	CHECK_EQ(env_in_use(1), 0);
	CHECK_EQ(env.bad_releases, 0);
	CHECK_EQ(env.reports, 0);
	printf("model: %d steps, %zu refused, %lu grows, %lu releases, %lu remote\n", MODEL_STEPS,
	       refused, env.grows, env.releases, env.sends);
}

#endif /* HEAP_ENV_H */
