/* SPDX-License-Identifier: MIT */
/*
 * test_virtqueue.c - the split virtqueue (drivers/virtio/virtqueue.c) against
 * a device played by the test: it takes chains from the available ring and
 * returns them in the used ring, in or out of order, as virtio 1.2 §2.7 says
 * a device does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include <kernel/errno.h>
#include <kernel/virtio.h>
#include "../../../../drivers/virtio/virtio_reg.h"

#define QSIZE 8
#define PAGE 4096

static unsigned int notifies;

static void count_notify(struct virtq *vq)
{
	(void)vq;
	notifies++;
}

/* The device's side of one queue. */
struct device {
	struct virtq *vq;
	uint16_t last_avail;
};

struct chain {
	uint16_t head;
	unsigned int count;
	struct virtq_desc desc[QSIZE];
};

/* Take the next available chain; false when there is none. */
static bool device_pop(struct device *d, struct chain *c)
{
	struct virtq *vq = d->vq;
	uint16_t i;

	if (vq->avail->idx == d->last_avail) {
		return false;
	}
	c->head = vq->avail->ring[d->last_avail % vq->size];
	d->last_avail++;
	c->count = 0;
	i = c->head;
	for (;;) {
		c->desc[c->count++] = vq->desc[i];
		if (!(vq->desc[i].flags & VIRTQ_DESC_F_NEXT) || c->count == QSIZE) {
			break;
		}
		i = vq->desc[i].next;
	}
	return true;
}

static void device_push(struct device *d, uint16_t head, uint32_t len)
{
	struct virtq *vq = d->vq;

	vq->used->ring[vq->used->idx % vq->size].id = head;
	vq->used->ring[vq->used->idx % vq->size].len = len;
	vq->used->idx++;
}

static void *new_queue(struct virtq *vq, uint16_t size, size_t align, bool event_idx)
{
	void *mem = aligned_alloc(PAGE, (virtq_mem_size(size, align) + PAGE - 1) / PAGE * PAGE);

	CHECK_EQ(virtq_init(vq, 0, size, mem, align, event_idx, count_notify, NULL), 0);
	return mem;
}

static void test_layout(void)
{
	struct virtq vq;
	void *mem = aligned_alloc(PAGE, 4 * PAGE);

	CHECK_EQ(virtq_init(&vq, 0, 6, mem, VIRTQ_USED_ALIGN, false, count_notify, NULL), -EINVAL);
	CHECK_EQ(virtq_init(&vq, 0, 8, mem, 3, false, count_notify, NULL), -EINVAL);
	CHECK_EQ(virtq_init(&vq, 0, 8, (char *)mem + 2, 4, false, count_notify, NULL), -EINVAL);
	/* Legacy: the used ring on the next 4 KiB boundary (§2.7.2). */
	CHECK_EQ(virtq_init(&vq, 3, 128, mem, VIRTQ_LEGACY_ALIGN, false, count_notify, NULL), 0);
	CHECK_EQ((char *)vq.avail - (char *)mem, 128 * 16);
	CHECK_EQ((char *)vq.used - (char *)mem, PAGE);
	CHECK(virtq_mem_size(128, VIRTQ_LEGACY_ALIGN) <= 4 * PAGE);
	CHECK_EQ(vq.free_count, 128);
	CHECK_EQ(vq.index, 3);
	/* Modern: packed together. */
	CHECK_EQ(virtq_init(&vq, 0, 8, mem, VIRTQ_USED_ALIGN, false, count_notify, NULL), 0);
	CHECK_EQ((char *)vq.used - (char *)mem, 8 * 16 + 4 + 2 * 9 + 2);
	free(mem);
}

static void test_chain_layout(void)
{
	struct virtq vq;
	void *mem = new_queue(&vq, QSIZE, VIRTQ_USED_ALIGN, false);
	struct device d = {&vq, 0};
	struct virtq_buf bufs[3] = {{0x1000, 16}, {0x2000, 512}, {0x3000, 1}};
	struct chain c;
	int cookie;
	uint32_t len = 0;

	CHECK_EQ(virtq_add(&vq, bufs, 1, 2, &cookie), 0);
	CHECK(device_pop(&d, &c));
	CHECK_EQ(c.count, 3u);
	CHECK_EQ(c.desc[0].addr, 0x1000u);
	CHECK_EQ(c.desc[0].flags, VIRTQ_DESC_F_NEXT);
	CHECK_EQ(c.desc[1].len, 512u);
	CHECK_EQ(c.desc[1].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	CHECK_EQ(c.desc[2].flags, VIRTQ_DESC_F_WRITE);
	CHECK_EQ(vq.free_count, QSIZE - 3);
	CHECK(!virtq_has_used(&vq));
	CHECK(virtq_get_used(&vq, &len) == NULL);
	device_push(&d, c.head, 513);
	CHECK(virtq_has_used(&vq));
	CHECK(virtq_get_used(&vq, &len) == &cookie);
	CHECK_EQ(len, 513u);
	CHECK_EQ(vq.free_count, QSIZE);
	CHECK_EQ(virtq_add(&vq, bufs, 0, 0, &cookie), -EINVAL);
	CHECK_EQ(virtq_add(&vq, bufs, 1, 0, NULL), -EINVAL);
	free(mem);
}

/* Fill the queue, complete in reverse order, many times over the 16-bit index wrap. */
static void test_exhaust_and_wrap(void)
{
	struct virtq vq;
	void *mem = new_queue(&vq, QSIZE, VIRTQ_USED_ALIGN, false);
	struct device d = {&vq, 0};
	struct virtq_buf bufs[2] = {{0x1000, 16}, {0x2000, 16}};
	int cookies[QSIZE];
	struct chain c[QSIZE];
	unsigned int bad = 0;

	for (unsigned int round = 0; round < 20000; round++) {
		unsigned int n = 0;

		while (virtq_add(&vq, bufs, 1, 1, &cookies[n]) == 0) {
			n++;
		}
		bad += n != QSIZE / 2;
		bad += virtq_add(&vq, bufs, 1, 1, &cookies[0]) != -ENOSPC;
		bad += virtq_add(&vq, bufs, 1, 0, &cookies[0]) != -ENOSPC;
		for (unsigned int i = 0; i < n; i++) {
			bad += !device_pop(&d, &c[i]);
		}
		for (unsigned int i = n; i-- > 0;) {
			device_push(&d, c[i].head, i);
		}
		for (unsigned int i = n; i-- > 0;) {
			uint32_t len;

			bad += virtq_get_used(&vq, &len) != &cookies[i];
			bad += len != i;
		}
		bad += vq.free_count != QSIZE;
	}
	CHECK_EQ(bad, 0u);
	CHECK_EQ(vq.avail_idx, (uint16_t)(20000 * QSIZE / 2));
	free(mem);
}

static void test_notify_flags(void)
{
	struct virtq vq;
	void *mem = new_queue(&vq, QSIZE, VIRTQ_USED_ALIGN, false);
	struct virtq_buf b = {0x1000, 16};
	int cookie;

	notifies = 0;
	virtq_kick(&vq);
	CHECK_EQ(notifies, 0u); /* nothing new */
	virtq_add(&vq, &b, 1, 0, &cookie);
	virtq_kick(&vq);
	CHECK_EQ(notifies, 1u);
	vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
	virtq_add(&vq, &b, 1, 0, &cookie);
	virtq_kick(&vq);
	CHECK_EQ(notifies, 1u);
	virtq_set_interrupts(&vq, false);
	CHECK_EQ(vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_set_interrupts(&vq, true);
	CHECK_EQ(vq.avail->flags, 0);
	free(mem);
}

/* §2.7.10: with EVENT_IDX the device's avail_event decides, and we publish used_event. */
static void test_event_idx(void)
{
	struct virtq vq;
	void *mem = new_queue(&vq, QSIZE, VIRTQ_USED_ALIGN, true);
	struct device d = {&vq, 0};
	uint16_t *avail_event = (uint16_t *)&vq.used->ring[QSIZE];
	uint16_t *used_event = &vq.avail->ring[QSIZE];
	struct virtq_buf b = {0x1000, 16};
	struct chain c;
	int cookie[4];

	notifies = 0;
	*avail_event = 0; /* the device wants to hear when entry 0 is made available */
	virtq_add(&vq, &b, 1, 0, &cookie[0]);
	virtq_kick(&vq);
	CHECK_EQ(notifies, 1u);
	virtq_add(&vq, &b, 1, 0, &cookie[1]);
	virtq_kick(&vq); /* avail_event still 0: the device has not caught up, no need */
	CHECK_EQ(notifies, 1u);
	*avail_event = 3;
	virtq_add(&vq, &b, 1, 0, &cookie[2]);
	virtq_kick(&vq); /* idx 2 -> 3: entry 3 not reached yet */
	CHECK_EQ(notifies, 1u);
	virtq_add(&vq, &b, 1, 0, &cookie[3]);
	virtq_kick(&vq); /* idx 3 -> 4: crossed */
	CHECK_EQ(notifies, 2u);

	CHECK(device_pop(&d, &c));
	device_push(&d, c.head, 0);
	CHECK(virtq_get_used(&vq, NULL) == &cookie[0]);
	CHECK_EQ(*used_event, 1);
	virtq_set_interrupts(&vq, false);
	CHECK_EQ(vq.avail->flags, 0);
	CHECK_EQ(*used_event, (uint16_t)(1 + 0x8000));
	CHECK(device_pop(&d, &c));
	device_push(&d, c.head, 0);
	CHECK(virtq_get_used(&vq, NULL) == &cookie[1]);
	CHECK_EQ(*used_event, (uint16_t)(1 + 0x8000)); /* left alone while off */
	virtq_set_interrupts(&vq, true);
	CHECK_EQ(*used_event, 2);
	free(mem);
}

/* A device returning a head it was never given must not corrupt the free list. */
static void test_bogus_used_entry(void)
{
	struct virtq vq;
	void *mem = new_queue(&vq, QSIZE, VIRTQ_USED_ALIGN, false);
	struct device d = {&vq, 0};
	struct virtq_buf b = {0x1000, 16};
	struct chain c;
	int cookie;

	virtq_add(&vq, &b, 1, 0, &cookie);
	device_push(&d, 5, 0);	  /* never made available */
	device_push(&d, 1000, 0); /* out of range */
	CHECK(virtq_get_used(&vq, NULL) == NULL);
	CHECK_EQ(vq.free_count, QSIZE - 1);
	CHECK(device_pop(&d, &c));
	device_push(&d, c.head, 0);
	CHECK(virtq_get_used(&vq, NULL) == &cookie);
	CHECK_EQ(vq.free_count, QSIZE);
	free(mem);
}

int main(void)
{
	test_layout();
	test_chain_layout();
	test_exhaust_and_wrap();
	test_notify_flags();
	test_event_idx();
	test_bogus_used_entry();
	return harness_report();
}
