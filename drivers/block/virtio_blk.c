/* SPDX-License-Identifier: MIT */
/*
 * virtio_blk.c - the virtio block driver (virtio 1.2 §5.2) on any virtio
 * transport: each device becomes a struct blkdev named vda, vdb, ...
 *
 * One request queue (requestq, §5.2.2). A request is a chain of three
 * buffers - header (device-readable), data (readable for writes, writable
 * for reads), status byte (writable) - or two for a flush (§5.2.6). Runs
 * longer than a request may carry are split.
 *
 * Completion: whoever reaps the used ring marks each request done, so
 * several threads of the owner CPU may have requests in flight. A waiting
 * thread blocks on the device's wait queue and the interrupt handler (run
 * while the owner CPU idles) reaps and wakes it; with VIRTIO_BLK_POLL, or
 * when the transport cannot route the interrupt, the thread polls instead,
 * yielding the CPU between polls. Requests are made only from threads on
 * the owner CPU, never from initcalls: blkdev.c runs every request there
 * (forwarding by xcall()) and moves a device only while none is in flight,
 * after vblk_set_owner() has sent the interrupt to the new owner. So the
 * waiting thread, the interrupt handler and the wait queue they share are
 * always on one CPU, and the queue needs no lock.
 */
#define pr_fmt(fmt) "vblk: " fmt
#include <toro/mem.h>
#include <toro/thread.h>
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/virtio.h>
#include "../virtio/virtio_reg.h"
#include "virtio_blk_reg.h"

#define REQUEST_QUEUE 0
#define REQUEST_BYTES_MAX (1024 * 1024) /* per request: bounds the time one holds the device */
#define DATA_DESCRIPTORS 3		/* header, data, status */
#define FLUSH_DESCRIPTORS 2		/* header, status */

struct vblk {
	struct blkdev blk;
	struct virtio_device *vdev;
	struct virtq *vq;
	uint32_t units_per_sector; /* 512-byte wire units in one logical sector */
	uint32_t request_sectors;  /* most sectors in one request */
	struct waitq waiters;	   /* threads waiting for a completion (interrupt mode) */
	bool use_irq;
	bool error_logged;
};

struct vblk_request {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
	volatile bool done;
};

/* Take every finished request off the used ring and mark it done. */
static void reap(struct vblk *v)
{
	struct vblk_request *req;

	v->vdev->ops->interrupt_ack(v->vdev);
	while ((req = virtq_get_used(v->vq, NULL))) {
		req->done = true;
	}
}

/* The device's interrupt, on the owner CPU while it idles. */
static void vblk_interrupt(void *arg)
{
	struct vblk *v = arg;

	/*
	 * A notification raised before blk_dedicate() moved the line, delivered
	 * late: the queue and its waiters belong to the owner CPU now. Its
	 * thread reaps whatever this interrupt was for.
	 */
	if (cpu_id() != v->blk.owner_cpu) {
		return;
	}
	reap(v);
	waitq_wake_all(&v->waiters);
}

/* Queue @req with @nbufs buffers (header first, status last), then wait for it. */
static int submit(struct vblk *v, struct vblk_request *req, struct virtq_buf *bufs,
		  unsigned int nbufs, bool data_out)
{
	unsigned int out = data_out ? nbufs - 1 : 1;
	int err;

	bufs[0] = (struct virtq_buf){(uintptr_t)&req->hdr, sizeof(req->hdr)};
	bufs[nbufs - 1] = (struct virtq_buf){(uintptr_t)&req->status, sizeof(req->status)};
	req->status = VIRTIO_BLK_S_IOERR; /* what a device that never writes it means */
	req->done = false;
	while ((err = virtq_add(v->vq, bufs, out, nbufs - out, req)) == -ENOSPC) {
		reap(v);
		thread_yield();
	}
	if (err) {
		return err;
	}
	virtq_kick(v->vq);
	for (;;) {
		reap(v);
		if (req->done) {
			break;
		}
		/*
		 * No lost wake-up: interrupts are off here, and a completion after
		 * reap()'s acknowledgement raises the line again, so the owner CPU's
		 * next STI;HLT takes it and the handler wakes us.
		 */
		if (v->use_irq) {
			waitq_wait(&v->waiters);
		} else {
			thread_yield();
		}
	}
	if (req->status != VIRTIO_BLK_S_OK) {
		if (!v->error_logged) {
			pr_err("%s: request type %u at %llu failed with status %u\n", v->blk.name,
			       req->hdr.type, (unsigned long long)req->hdr.sector, req->status);
			v->error_logged = true;
		}
		return -EIO;
	}
	return 0;
}

static int transfer(struct blkdev *dev, uint32_t type, uint64_t sector, uint32_t count, void *buf)
{
	struct vblk *v = dev->priv;
	struct virtq_buf bufs[DATA_DESCRIPTORS];
	struct vblk_request req = {0};
	int err = 0;

	while (count && !err) {
		uint32_t n = count < v->request_sectors ? count : v->request_sectors;

		req.hdr.type = type;
		req.hdr.sector = sector * v->units_per_sector;
		bufs[1] = (struct virtq_buf){(uintptr_t)buf, n * dev->sector_size};
		err = submit(v, &req, bufs, DATA_DESCRIPTORS, type == VIRTIO_BLK_T_OUT);
		sector += n;
		count -= n;
		buf = (char *)buf + (size_t)n * dev->sector_size;
	}
	return err;
}

static int vblk_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	return transfer(dev, VIRTIO_BLK_T_IN, sector, count, buf);
}

static int vblk_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	if (dev->read_only) {
		return -EROFS;
	}
	/* The device only reads this buffer (its descriptor is not VIRTQ_DESC_F_WRITE). */
	return transfer(dev, VIRTIO_BLK_T_OUT, sector, count, (void *)buf);
}

static int vblk_flush(struct blkdev *dev)
{
	struct vblk *v = dev->priv;
	struct virtq_buf bufs[FLUSH_DESCRIPTORS];
	struct vblk_request req = {.hdr.type = VIRTIO_BLK_T_FLUSH};

	/* §5.2.6.2: without VIRTIO_BLK_F_FLUSH the device has no cache to flush. */
	if (!virtio_has_feature(v->vdev, VIRTIO_BLK_F_FLUSH)) {
		return 0;
	}
	return submit(v, &req, bufs, FLUSH_DESCRIPTORS, false);
}

/*
 * blk_dedicate(), on the old owner with nothing in flight: route the interrupt
 * to @cpu. The transport's vector on the old CPU stays allocated but unused.
 */
static int vblk_set_owner(struct blkdev *dev, unsigned int cpu)
{
	struct vblk *v = dev->priv;
	int err;

	if (!v->use_irq) {
		return 0; /* polled: whoever runs the request polls */
	}
	/*
	 * The IOAPIC (or MSI-X entry) is rewritten masked, and an end-of-interrupt
	 * still owed under the old vector is given there (ioapic_route()), so a
	 * line that is high now is delivered again to @cpu; an interrupt this CPU
	 * accepted but has not taken yet is ignored by vblk_interrupt().
	 */
	err = v->vdev->ops->irq_setup(v->vdev, vblk_interrupt, v, cpu);
	if (err) {
		pr_err("%s: cannot route irq %u to cpu %u (%d)\n", dev->name, v->vdev->irq, cpu,
		       err);
		return err;
	}
	pr_info("%s: interrupts to cpu %u\n", dev->name, cpu);
	return 0;
}

static const struct blkdev_ops vblk_ops = {
	.read = vblk_read,
	.write = vblk_write,
	.flush = vblk_flush,
	.set_owner = vblk_set_owner,
};

/* §5.2.4-5: capacity, logical block size, segment size limit. */
static int read_geometry(struct vblk *v)
{
	struct virtio_device *vdev = v->vdev;
	uint64_t capacity;
	uint32_t blk_size = VIRTIO_BLK_SECTOR_SIZE, size_max = REQUEST_BYTES_MAX;

	virtio_read_config(vdev, offsetof(struct virtio_blk_config, capacity), &capacity,
			   sizeof(capacity));
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE)) {
		virtio_read_config(vdev, offsetof(struct virtio_blk_config, blk_size), &blk_size,
				   sizeof(blk_size));
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX)) {
		virtio_read_config(vdev, offsetof(struct virtio_blk_config, size_max), &size_max,
				   sizeof(size_max));
	}
	if (blk_size < VIRTIO_BLK_SECTOR_SIZE || (blk_size & (blk_size - 1)) ||
	    size_max < blk_size) {
		pr_err("unusable geometry: block size %u, segment size %u\n", blk_size, size_max);
		return -EINVAL;
	}
	v->blk.sector_size = blk_size;
	v->units_per_sector = blk_size / VIRTIO_BLK_SECTOR_SIZE;
	v->blk.sector_count = capacity / v->units_per_sector;
	v->request_sectors =
		(size_max < REQUEST_BYTES_MAX ? size_max : REQUEST_BYTES_MAX) / blk_size;
	return 0;
}

static int vblk_probe(struct virtio_device *vdev)
{
	struct vblk *v = calloc(1, sizeof(*v));
	int err;

	if (!v) {
		return -ENOMEM;
	}
	v->vdev = vdev;
	v->blk.owner_cpu = 0; /* until blk_dedicate() */
	err = virtio_negotiate(
		vdev, VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
			      VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
			      VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	if (!err) {
		err = read_geometry(v);
	}
	if (err) {
		goto out_free;
	}
	v->vq = virtio_queue_create(vdev, REQUEST_QUEUE, 0);
	if (!v->vq) {
		err = -ENOMEM;
		goto out_free;
	}
	if (!IS_ENABLED(CONFIG_VIRTIO_BLK_POLL) && vdev->ops->irq_setup) {
		v->use_irq = vdev->ops->irq_setup(vdev, vblk_interrupt, v, v->blk.owner_cpu) == 0;
		if (!v->use_irq) {
			pr_warn("irq %u cannot be routed: polling\n", vdev->irq);
		}
	}
	virtq_set_interrupts(v->vq, v->use_irq);
	v->blk.read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	v->blk.ops = &vblk_ops;
	v->blk.priv = v;
	err = blkdev_next_name("vd", v->blk.name);
	if (!err) {
		err = blkdev_register(&v->blk);
	}
	if (err) {
		/* The queue stays with the device, which virtio_device_probe() marks FAILED. */
		goto out_free;
	}
	vdev->driver_priv = v;
	pr_info("%s: %s, %s\n", v->blk.name, vdev->legacy ? "legacy" : "virtio 1.x",
		v->use_irq ? "interrupt-driven" : "polled");
	virtio_device_ready(vdev);
	return 0;

out_free:
	free(v);
	return err;
}
DRIVER_VIRTIO(virtio_blk, VIRTIO_ID_BLOCK, vblk_probe);
