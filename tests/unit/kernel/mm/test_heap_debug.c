/*
 * test_heap_debug.c - the heap with CONFIG_DEBUG_HEAP: every kind of bad free
 * is reported (here to a hook that longjmps; the kernel panics), the report
 * comes before anything changed, so the heap keeps working after it; and the
 * randomized model test runs without a single false report.
 */
#include "harness.h"
#include "heap_env.h"

/* Runs @stmt, which must report a corruption whose text contains @needle. */
#define EXPECT_REPORT(stmt, needle)                                                                \
	do {                                                                                       \
		jmp_buf jb_;                                                                       \
		unsigned long before_ = env.reports;                                               \
		env.what = "";                                                                     \
		env.expect = &jb_;                                                                 \
		if (!setjmp(jb_)) {                                                                \
			stmt;                                                                      \
		}                                                                                  \
		env.expect = NULL;                                                                 \
		CHECK_MSG(env.reports == before_ + 1 && strstr(env.what, needle),                  \
			  "%s: got \"%s\"", #stmt, env.what);                                      \
	} while (0)

/* The heap still serves and frees every kind of block, and its count is @in_use. */
static void check_still_works(size_t in_use)
{
	static const size_t sizes[] = {16, 100, 2048, 5000, 3 * MIB};
	struct heap *h = &env_heaps[0];

	CHECK_EQ(env_in_use(0), in_use);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = heap_alloc(h, sizes[i], 0);

		CHECK(p != NULL);
		memset(p, 0x33, sizes[i]);
		heap_free(h, p);
	}
	CHECK_EQ(env_in_use(0), in_use);
}

static void test_double_free(void)
{
	struct heap *h = &env_heaps[0];
	void *keep, *small, *large, *huge;

	env_setup(32 * MIB, 1);
	keep = heap_alloc(h, 64, 0); /* keeps the slab alive, so the block's page stays used */
	small = heap_alloc(h, 64, 0);
	large = heap_alloc(h, 10000, 0);
	huge = heap_alloc(h, 3 * MIB, 0);
	heap_free(h, small);
	heap_free(h, large);
	heap_free(h, huge);
	EXPECT_REPORT(heap_free(h, small), "double free");
	EXPECT_REPORT(heap_free(h, large), "free heap memory");
	EXPECT_REPORT(heap_free(h, huge), "no heap owns");
	check_still_works(64);
	heap_free(h, keep);
	CHECK_EQ(env_in_use(0), 0);
}

static void test_pointer_inside_a_block(void)
{
	struct heap *h = &env_heaps[0];
	uint8_t *small = NULL, *large = NULL, *huge = NULL;
	size_t in_use;

	env_setup(32 * MIB, 1);
	small = heap_alloc(h, 64, 0);
	large = heap_alloc(h, 3 * HEAP_PAGE_SIZE, 0);
	huge = heap_alloc(h, 3 * MIB, 0);
	in_use = env_in_use(0);
	EXPECT_REPORT(heap_free(h, small + 8), "misaligned");
	EXPECT_REPORT(heap_free(h, small + 16), "inside a block");
	EXPECT_REPORT(heap_free(h, small + 64 * 5), "inside a block"); /* never handed out */
	EXPECT_REPORT(heap_free(h, large + 16), "inside a block");
	EXPECT_REPORT(heap_free(h, large + 2 * HEAP_PAGE_SIZE), "inside a block");
	EXPECT_REPORT(heap_free(h, huge + HEAP_PAGE_SIZE), "inside a block");
	check_still_works(in_use);
	heap_free(h, small);
	heap_free(h, large);
	heap_free(h, huge);
	CHECK_EQ(env_in_use(0), 0);
}

static void test_foreign_pointers(void)
{
	struct heap *h = &env_heaps[0];
	uint8_t *pages, *p, *chunk;
	long on_stack[4];

	env_setup(32 * MIB, 1);
	p = heap_alloc(h, 32, 0);
	chunk = (uint8_t *)((uintptr_t)p & ~(HEAP_CHUNK_SIZE - 1));
	/* Memory of the page allocator that no heap took: its header is not a heap's. */
	pages = pmm_alloc_aligned(&env_pmm, HEAP_CHUNK_SIZE / PMM_PAGE_SIZE, HEAP_CHUNK_SIZE);
	memset(pages, 0, HEAP_CHUNK_SIZE);
	EXPECT_REPORT(heap_free(h, on_stack), "no heap owns"); /* may_own() says no */
	EXPECT_REPORT(heap_free(h, pages + 64), "no heap owns");
	EXPECT_REPORT(heap_free(h, chunk + 256), "header");
	EXPECT_REPORT(heap_free(h, chunk + HEAP_CHUNK_SIZE - HEAP_PAGE_SIZE), "free heap memory");
	check_still_works(32);
	heap_free(h, p);
	CHECK_EQ(env_in_use(0), 0);
}

/* Remote frees are checked twice: by the sender (queue) and by the owner (receive). */
static void test_remote_double_free(void)
{
	struct heap *a = &env_heaps[0], *b = &env_heaps[1];
	struct xmsg bogus = {NULL, XMSG_NONE};
	void *p, *q;

	env_setup(32 * MIB, 1);
	p = heap_alloc(a, 100, 0);
	q = heap_alloc(a, 100, 0);
	heap_free(b, p);
	EXPECT_REPORT(heap_free(b, p), "on its way"); /* still in b's outbox */
	env_deliver(0);
	CHECK_EQ(env_in_use(0), 128);
	heap_free(b, p); /* again, after the owner freed it */
	EXPECT_REPORT(env_deliver(0), "double free");
	CHECK_EQ(env_in_use(0), 128);

	/* A message of another kind in a free batch. */
	bogus.kind = XMSG_NONE;
	EXPECT_REPORT(heap_receive(a, &bogus), "kind");
	/* A block delivered to a heap that does not own it. */
	((struct xmsg *)q)->next = NULL;
	((struct xmsg *)q)->kind = XMSG_FREE;
	EXPECT_REPORT(heap_receive(b, (struct xmsg *)q), "does not own");
	check_still_works(128);
	heap_free(a, q);
	CHECK_EQ(env_in_use(0), 0);
}

static void test_model_reports_nothing(void)
{
	env_setup(16 * MIB, 2);
	model_test(2);
}

int main(void)
{
	test_double_free();
	test_pointer_inside_a_block();
	test_foreign_pointers();
	test_remote_double_free();
	test_model_reports_nothing();
	free(env_arena);
	return harness_report();
}
