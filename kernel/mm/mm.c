/* SPDX-License-Identifier: MIT */
/*
 * mm.c - the kernel's memory glue: one page allocator, one heap per CPU,
 * and the exchange slots that carry remote frees home (see mm.h).
 *
 * The page allocator is not thread-safe (page_alloc.h). Before the other
 * CPUs start only CPU 0 runs; after that every call goes through the growth
 * lock below. It is the only lock in the memory subsystem and it is off the
 * allocation path: a CPU takes it when its heap grows by a chunk or gives
 * one back, for a huge block (> HEAP_LARGE_MAX), and for mm_alloc_pages().
 * malloc(), free() and remote frees never take it.
 *
 * Remote frees: the freed block itself becomes an XMSG_FREE message on the
 * freeing CPU's private list towards the owner (cpu_data[s].out[o]), which
 * the scheduler publishes into the exchange slot (s, o) when it is empty
 * (sched.c); the owner hands it to heap_receive() at a scheduling point. One
 * producer and one consumer per slot: plain ordered loads and stores
 * (xslot.h), no lock.
 */
#define pr_fmt(fmt) "mm: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/string.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/percpu.h>
#include <kernel/sched.h>
#include <kernel/page_alloc.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <asm/cpu.h>

#define MM_CPUS NR_CPUS
/* BIOS data, option ROMs, tables the firmware left there, the AP trampoline. */
#define LOW_MEMORY_END 0x100000ULL
#define MIB_SHIFT 20
#define KIB_SHIFT 10
#define HEAP_PER_CPU_BYTES ((size_t)CONFIG_HEAP_PER_CPU_MIB << MIB_SHIFT)
#define CHUNK_PAGES (HEAP_CHUNK_SIZE / PMM_PAGE_SIZE)
/*
 * The first MiB, the image, the command line, each module with its command line, and
 * the initrd (a module too on PVH and Multiboot; a loader may pass it on its own).
 */
#define EXCLUDED_MAX (4 + 2 * BOOT_MODULES_MAX)

extern char __image_start[], __kernel_end[];

struct mm_cpu {
	struct heap heap;
};

static void *mm_grow(struct heap *h, size_t bytes);
static void mm_release(struct heap *h, void *mem, size_t bytes);
static void mm_report(struct heap *h, const void *p, const char *what);
static bool mm_may_own(const void *chunk);

static const struct heap_ops mm_heap_ops = {
	.grow = mm_grow,
	.release = mm_release,
	.send_remote = mm_send_remote,
	.report_corruption = mm_report,
	.may_own = mm_may_own,
};

/* CPU 0's heap works (and fails cleanly) even before mm_init(). */
static struct mm_cpu cpus[MM_CPUS] = {
	[0] = {.heap = HEAP_INITIALIZER(&mm_heap_ops, 0)},
};
static struct pmm pages;
static bool growth_busy;

static unsigned int mm_this_cpu(void)
{
	return cpu_id();
}

/* A test-and-set lock (one locked XCHG), for the page allocator only: see above. */
static void growth_lock(void)
{
	while (__atomic_test_and_set(&growth_busy, __ATOMIC_ACQUIRE)) {
		cpu_relax();
	}
}

static void growth_unlock(void)
{
	__atomic_clear(&growth_busy, __ATOMIC_RELEASE);
}

void *mm_alloc_pages(size_t count, size_t align)
{
	void *p;

	growth_lock();
	p = pmm_alloc_aligned(&pages, count, align);
	growth_unlock();
	return p;
}

void mm_free_pages(void *p, size_t count)
{
	int err;

	growth_lock();
	err = pmm_free_pages(&pages, p, count);
	growth_unlock();
	if (err) {
		panic("free of %zu pages at %p the page allocator did not hand out", count, p);
	}
}

size_t mm_free_bytes(void)
{
	struct pmm_stats st;

	growth_lock();
	pmm_stats(&pages, &st);
	growth_unlock();
	return st.free_pages * PMM_PAGE_SIZE;
}

static void *mm_grow(struct heap *h, size_t bytes)
{
	return mm_alloc_pages(bytes / PMM_PAGE_SIZE, HEAP_CHUNK_SIZE);
}

static void mm_release(struct heap *h, void *mem, size_t bytes)
{
	mm_free_pages(mem, bytes / PMM_PAGE_SIZE);
}

static void mm_report(struct heap *h, const void *p, const char *what)
{
	panic("heap: %s: %p (cpu %u)", what, p, h->cpu);
}

/* The zones never change after mm_init(), so any CPU may ask without the lock. */
static bool mm_may_own(const void *chunk)
{
	return pmm_contains(&pages, chunk);
}

struct heap *this_cpu_heap(void)
{
	return &cpus[mm_this_cpu()].heap;
}

unsigned int mm_cpu_count(void)
{
	return MM_CPUS;
}

struct heap *mm_cpu_heap(unsigned int cpu)
{
	return cpu < MM_CPUS ? &cpus[cpu].heap : NULL;
}

/* The CPU whose heap is @h, found without reading *@h (it may be garbage). */
static unsigned int owner_cpu(const struct heap *h)
{
	for (unsigned int i = 0; i < MM_CPUS; i++) {
		if (h == &cpus[i].heap) {
			return i;
		}
	}
	return MM_CPUS;
}

void mm_send_remote(struct heap *from, struct heap *owner, struct xmsg *m)
{
	unsigned int to = owner_cpu(owner), me = from->cpu;

	if (to == MM_CPUS) {
		panic("free of %p: no CPU's heap owns it", (void *)m);
	}
	/* The scheduler's exchange slot towards the owner carries it; a full slot
	 * is retried at the next scheduling point: nothing is lost. */
	heap_queue_remote(from, &cpu_data[me].out[to], m);
	sched_publish(to);
}

int mm_cpu_init(unsigned int cpu)
{
	size_t chunks = (HEAP_PER_CPU_BYTES + HEAP_CHUNK_SIZE - 1) / HEAP_CHUNK_SIZE;
	struct heap *h;

	if (cpu >= MM_CPUS) {
		return -EINVAL;
	}
	h = &cpus[cpu].heap;
	heap_init(h, &mm_heap_ops, cpu);
	for (size_t i = 0; i < chunks; i++) {
		void *mem = mm_alloc_pages(CHUNK_PAGES, HEAP_CHUNK_SIZE);

		if (!mem) {
			break;
		}
		heap_add_memory(h, mem, HEAP_CHUNK_SIZE);
	}
	return h->chunks ? 0 : -ENOMEM;
}

static unsigned int exclude(struct pmm_range *r, unsigned int n, uint64_t base, uint64_t size)
{
	r[n] = (struct pmm_range){base, size};
	return n + 1;
}

/* What the page allocator must never hand out, beyond what the map reserves. */
static unsigned int boot_exclusions(const struct boot_info *bi, struct pmm_range *r)
{
	unsigned int n = 0;

	n = exclude(r, n, 0, LOW_MEMORY_END);
	n = exclude(r, n, (uintptr_t)__image_start, (uintptr_t)(__kernel_end - __image_start));
	/* The loader's strings stay where it put them (kmain and modules keep pointers). */
	n = exclude(r, n, (uintptr_t)bi->cmdline, strlen(bi->cmdline) + 1);
	for (unsigned int i = 0; i < bi->module_count && i < BOOT_MODULES_MAX; i++) {
		const struct boot_module *m = &bi->modules[i];

		n = exclude(r, n, m->base, m->size);
		n = exclude(r, n, (uintptr_t)m->cmdline, strlen(m->cmdline) + 1);
	}
	if (bi->initrd_size) {
		n = exclude(r, n, bi->initrd_base, bi->initrd_size);
	}
	return n;
}

void mm_init(struct boot_info *bi)
{
	struct pmm_range excluded[EXCLUDED_MAX];
	unsigned int n = boot_exclusions(bi, excluded);
	struct heap_stats hs;

	if (pmm_init(&pages, bi->mem, bi->mem_count, excluded, n)) {
		pr_err("no usable memory: every allocation will fail\n");
		return;
	}
	if (mm_cpu_init(0)) {
		pr_err("no room for cpu0's heap\n");
	}
	if (pages.unmanaged_pages) {
		pr_warn("%zu MiB left out: memory map too fragmented\n",
			(pages.unmanaged_pages * PMM_PAGE_SIZE) >> MIB_SHIFT);
	}
	heap_stats(&cpus[0].heap, &hs);
	pr_info("%zu MiB free, heap %zu KiB on cpu0\n", mm_free_bytes() >> MIB_SHIFT,
		hs.chunk_bytes >> KIB_SHIFT);
}
