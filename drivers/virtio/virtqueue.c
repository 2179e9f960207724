/* SPDX-License-Identifier: MIT */
/*
 * virtqueue.c - the driver side of a split virtqueue (virtio 1.2 §2.7).
 *
 * Portable: it works on memory it is given and reaches the device only
 * through vq->notify, so tests/unit/drivers/virtio/test_virtqueue.c runs it on
 * the host, playing the device. One user per queue (the device's owner CPU);
 * the only concurrency is with the device itself, ordered by the barriers
 * below.
 *
 * Free descriptors form a list threaded through desc[].next; a chain taken
 * for a request is given back whole when the device returns its head.
 */
#include <stdint.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/virtio.h>
#include "virtio_reg.h"

/*
 * Ordering with the device. On x86 (TSO) stores are not reordered with
 * stores, nor loads with loads, so release and acquire cost only a compiler
 * barrier (the __ATOMIC_RELEASE stores and __ATOMIC_ACQUIRE loads below);
 * a store followed by a load of another location needs a real
 * fence (MFENCE), which the C11 sequentially consistent fence gives.
 */
#define virtq_full_fence() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* Half the 16-bit index space: an event index that far ahead is not reached soon. */
#define VIRTQ_EVENT_FAR 0x8000

/* §2.7.10: the word after the available ring is used_event, after the used ring avail_event. */
static uint16_t *used_event(const struct virtq *vq)
{
	return &vq->avail->ring[vq->size];
}

static uint16_t *avail_event(const struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->size];
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static size_t used_offset(uint16_t size, size_t used_align)
{
	return align_up(VIRTQ_DESC_BYTES(size) + VIRTQ_AVAIL_BYTES(size), used_align);
}

static size_t cookies_offset(uint16_t size, size_t used_align)
{
	return align_up(used_offset(size, used_align) + VIRTQ_USED_BYTES(size), sizeof(void *));
}

size_t virtq_mem_size(uint16_t size, size_t used_align)
{
	return cookies_offset(size, used_align) + sizeof(void *) * size;
}

static bool is_power_of_two(size_t x)
{
	return x && !(x & (x - 1));
}

int virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *mem, size_t used_align,
	       bool event_idx, virtq_notify_fn notify, void *priv)
{
	char *base = mem;

	/* §2.7: Queue Size is a power of two (split rings); alignment per §2.7 table. */
	if (!is_power_of_two(size) || size > VIRTQ_SIZE_MAX || !is_power_of_two(used_align) ||
	    used_align < VIRTQ_USED_ALIGN || ((uintptr_t)mem & (VIRTQ_DESC_ALIGN - 1))) {
		return -EINVAL;
	}
	memset(mem, 0, virtq_mem_size(size, used_align));
	memset(vq, 0, sizeof(*vq));
	vq->desc = (struct virtq_desc *)base;
	vq->avail = (struct virtq_avail *)(base + VIRTQ_DESC_BYTES(size));
	vq->used = (struct virtq_used *)(base + used_offset(size, used_align));
	vq->cookies = (void **)(base + cookies_offset(size, used_align));
	vq->size = size;
	vq->index = index;
	vq->event_idx = event_idx;
	vq->interrupts = true;
	vq->notify = notify;
	vq->priv = priv;
	for (uint16_t i = 0; i + 1 < size; i++) {
		vq->desc[i].next = i + 1;
	}
	vq->free_head = 0;
	vq->free_count = size;
	return 0;
}

/* Fill the free descriptors from free_head with @bufs; returns the last one used. */
static uint16_t fill_chain(struct virtq *vq, const struct virtq_buf *bufs, unsigned int out,
			   unsigned int total)
{
	uint16_t i = vq->free_head, last = i;

	for (unsigned int n = 0; n < total; n++) {
		struct virtq_desc *d = &vq->desc[i];

		d->addr = bufs[n].addr;
		d->len = bufs[n].len;
		d->flags = (n >= out ? VIRTQ_DESC_F_WRITE : 0) |
			   (n + 1 < total ? VIRTQ_DESC_F_NEXT : 0);
		last = i;
		i = d->next; /* the free list's link, kept as the chain's link */
	}
	vq->free_head = i;
	return last;
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned int out, unsigned int in,
	      void *cookie)
{
	unsigned int total = out + in;
	uint16_t head = vq->free_head;

	if (total == 0 || !cookie) {
		return -EINVAL;
	}
	if (total > vq->free_count) {
		return -ENOSPC;
	}
	fill_chain(vq, bufs, out, total);
	vq->free_count -= total;
	vq->cookies[head] = cookie;

	/* §2.7.13.2: place the head in the next ring entry ... */
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	/*
	 * §2.7.13.3: ... and only then publish it by the index: the descriptors
	 * and the ring entry must be visible to the device before the new idx.
	 */
	vq->avail_idx++;
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	return 0;
}

/* §2.7.10: with EVENT_IDX, notify when avail_event lies in (kicked_idx, avail_idx]. */
static bool event_crossed(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

void virtq_kick(struct virtq *vq)
{
	uint16_t old = vq->kicked_idx;
	bool needed;

	if (vq->avail_idx == old) {
		return;
	}
	/*
	 * §2.7.13.4: the device's suppression word must be read after our new
	 * avail->idx is visible, or both sides may decide the other will act
	 * (a store-load ordering: a full fence even on x86).
	 */
	virtq_full_fence();
	if (vq->event_idx) {
		needed = event_crossed(__atomic_load_n(avail_event(vq), __ATOMIC_RELAXED),
				       vq->avail_idx, old);
	} else {
		needed = !(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) &
			   VIRTQ_USED_F_NO_NOTIFY);
	}
	vq->kicked_idx = vq->avail_idx;
	if (needed) {
		vq->notify(vq);
	}
}

bool virtq_has_used(const struct virtq *vq)
{
	return __atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED) != vq->last_used_idx;
}

/* Give the chain starting at @head back to the free list. */
static void free_chain(struct virtq *vq, uint16_t head)
{
	uint16_t i = head, n = 1;

	while ((vq->desc[i].flags & VIRTQ_DESC_F_NEXT) && n < vq->size) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->free_count += n;
	vq->cookies[head] = NULL;
}

void *virtq_get_used(struct virtq *vq, uint32_t *len)
{
	struct virtq_used_elem *e;
	void *cookie = NULL;

	/* A device that returns an unknown head is skipped: its entry frees nothing. */
	while (!cookie) {
		if (__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) == vq->last_used_idx) {
			return NULL;
		}
		/* §2.7.14: the acquire load above orders the idx before the entry it covers. */
		e = &vq->used->ring[vq->last_used_idx & (vq->size - 1)];
		if (e->id < vq->size && vq->cookies[e->id]) {
			cookie = vq->cookies[e->id];
			if (len) {
				*len = e->len;
			}
			free_chain(vq, (uint16_t)e->id);
		}
		vq->last_used_idx++;
	}
	if (vq->event_idx && vq->interrupts) {
		/*
		 * §2.7.10: interrupt us for the next entry. The entry was read
		 * before this store (release), so the device cannot reuse it early.
		 */
		__atomic_store_n(used_event(vq), vq->last_used_idx, __ATOMIC_RELEASE);
	}
	return cookie;
}

void virtq_set_interrupts(struct virtq *vq, bool on)
{
	vq->interrupts = on;
	if (vq->event_idx) {
		/* §2.7.10: used_event half a ring cycle away is as good as never. */
		uint16_t event = on ? vq->last_used_idx : vq->last_used_idx + VIRTQ_EVENT_FAR;

		__atomic_store_n(used_event(vq), event, __ATOMIC_RELEASE);
		/* §2.7.7: with EVENT_IDX the driver leaves flags at 0. */
		vq->avail->flags = 0;
	} else {
		vq->avail->flags = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
	}
	/* The device may have used buffers before it saw the change: callers re-check. */
	virtq_full_fence();
}
