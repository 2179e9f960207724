/* SPDX-License-Identifier: MIT */
/*
 * mm.h - the kernel's memory glue (kernel/mm/mm.c): the page allocator and
 * the per-CPU heaps as lib/malloc.c, kmain() and the SMP code see them.
 *
 * Boot order: kmain() calls mm_init() once on CPU 0; the SMP code calls
 * mm_cpu_init(cpu) on CPU 0 for each other CPU before starting it. Remote
 * frees travel in the scheduler's exchange slots (kind XMSG_FREE), which
 * hands them to heap_receive() at the owner's scheduling points.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <stddef.h>
#include <kernel/boot_info.h>
#include <kernel/heap.h>
#include <kernel/xslot.h>

/*
 * CPU 0, once, after the consoles: manage @bi's usable memory minus the
 * first MiB, the kernel image, the boot modules and the command lines, and
 * give CPU 0 its heap. Without usable memory it logs an error, and every
 * allocation then fails (returns NULL).
 */
void mm_init(struct boot_info *bi);

/*
 * CPU 0, before CPU @cpu starts: carve CPU @cpu's heap
 * (CONFIG_HEAP_PER_CPU_MIB, rounded up to 2 MiB chunks).
 * Returns 0, -EINVAL for a CPU mm does not know, or -ENOMEM.
 */
int mm_cpu_init(unsigned int cpu);

/* The calling CPU's heap. Valid from boot on; before mm_init() it has no memory. */
struct heap *this_cpu_heap(void);

/* How many CPUs have a heap slot, and CPU @cpu's heap (for statistics). */
unsigned int mm_cpu_count(void);
struct heap *mm_cpu_heap(unsigned int cpu);

/*
 * heap_ops.send_remote(): queue @m on @from's private list towards @owner's
 * CPU and publish the list if their exchange slot is empty. Lock-free.
 */
void mm_send_remote(struct heap *from, struct heap *owner, struct xmsg *m);

/*
 * @count whole pages aligned to @align (a power of two) from the page
 * allocator, for kernel users that need pages (stacks, DMA rings). Any CPU;
 * takes the growth lock. Returns NULL when memory is short.
 */
void *mm_alloc_pages(size_t count, size_t align);

/* Give back pages from mm_alloc_pages(); panics on pages it did not hand out. */
void mm_free_pages(void *p, size_t count);

/* Bytes the page allocator still has: in no heap, and not handed out. */
size_t mm_free_bytes(void);

#endif /* KERNEL_MM_H */
