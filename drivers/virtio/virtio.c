/* SPDX-License-Identifier: MIT */
/*
 * virtio.c - transport-independent device bring-up (virtio 1.2 §3.1) and the
 * driver table (DRIVER_VIRTIO, linker section .driver.virtio).
 *
 * A transport calls virtio_device_probe(); it resets the device, sets
 * ACKNOWLEDGE and DRIVER and calls the driver's probe, which negotiates
 * features, creates its queues and sets DRIVER_OK through the helpers here.
 * When anything fails the device is left with FAILED set (§3.1.1 step 8 note).
 */
#define pr_fmt(fmt) "virtio: " fmt
#include <toro/mem.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/virtio.h>
#include "virtio_reg.h"

#define PAGE_SIZE 4096

extern const struct virtio_driver __driver_virtio_start[], __driver_virtio_end[];

static const struct virtio_driver *driver_for(uint32_t device_id)
{
	for (const struct virtio_driver *d = __driver_virtio_start; d < __driver_virtio_end; d++) {
		if (d->device_id == device_id) {
			return d;
		}
	}
	return NULL;
}

static void add_status(struct virtio_device *dev, uint8_t bits)
{
	dev->ops->set_status(dev, dev->ops->get_status(dev) | bits);
}

int virtio_device_probe(struct virtio_device *dev)
{
	const struct virtio_driver *drv = driver_for(dev->device_id);
	int err;

	/* §3.1.1 steps 1-3: reset, then ACKNOWLEDGE and (once we have a driver) DRIVER. */
	dev->ops->set_status(dev, 0);
	add_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	if (!drv) {
		pr_info("%s: no driver for device type %u\n", dev->transport, dev->device_id);
		return -ENODEV;
	}
	add_status(dev, VIRTIO_STATUS_DRIVER);
	err = drv->probe(dev);
	if (err) {
		pr_err("%s: %s: probe failed (%d)\n", dev->transport, drv->name, err);
		add_status(dev, VIRTIO_STATUS_FAILED);
	}
	return err;
}

int virtio_negotiate(struct virtio_device *dev, uint64_t wanted)
{
	uint64_t offered = dev->ops->get_features(dev);

	if (!dev->legacy) {
		/* §6.1: a modern device offers VERSION_1 and the driver must accept it. */
		if (!(offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
			pr_err("%s: modern device without VIRTIO_F_VERSION_1\n", dev->transport);
			return -ENODEV;
		}
		wanted |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	} else {
		/* §2.2 legacy: 32 feature bits only. */
		wanted &= UINT32_MAX;
	}
	dev->features = offered & wanted;
	dev->ops->set_features(dev, dev->features);
	if (dev->legacy) {
		return 0; /* §3.1.2: legacy devices have no FEATURES_OK step */
	}
	/* §3.1.1 steps 5-6: FEATURES_OK, then read it back: the device may refuse. */
	add_status(dev, VIRTIO_STATUS_FEATURES_OK);
	if (!(dev->ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("%s: device refused features %#llx\n", dev->transport,
		       (unsigned long long)dev->features);
		return -ENODEV;
	}
	return 0;
}

bool virtio_has_feature(const struct virtio_device *dev, unsigned int bit)
{
	return dev->features & VIRTIO_BIT(bit);
}

void virtio_read_config(struct virtio_device *dev, unsigned int offset, void *buf, unsigned int len)
{
	dev->ops->read_config(dev, offset, buf, len);
}

struct virtq *virtio_queue_create(struct virtio_device *dev, uint16_t index, uint16_t size)
{
	uint16_t max = dev->ops->queue_max(dev, index);
	struct virtq *vq;
	size_t pages;
	void *mem;

	if (!max) {
		pr_err("%s: queue %u does not exist\n", dev->transport, index);
		return NULL;
	}
	if (!size || size > max) {
		size = max;
	}
	/* §2.7: split queue sizes are powers of two; keep the largest that fits. */
	while (size & (size - 1)) {
		size &= size - 1;
	}
	pages = (virtq_mem_size(size, dev->used_align) + PAGE_SIZE - 1) / PAGE_SIZE;
	vq = malloc(sizeof(*vq));
	mem = mm_alloc_pages(pages, PAGE_SIZE);
	if (!vq || !mem) {
		pr_err("%s: no memory for queue %u\n", dev->transport, index);
		goto out_free;
	}
	if (virtq_init(vq, index, size, mem, dev->used_align,
		       virtio_has_feature(dev, VIRTIO_F_EVENT_IDX), dev->ops->notify, dev) ||
	    dev->ops->queue_enable(dev, vq)) {
		pr_err("%s: queue %u setup failed\n", dev->transport, index);
		goto out_free;
	}
	return vq;

out_free:
	if (mem) {
		mm_free_pages(mem, pages);
	}
	free(vq);
	return NULL;
}

void virtio_device_ready(struct virtio_device *dev)
{
	add_status(dev, VIRTIO_STATUS_DRIVER_OK);
}
