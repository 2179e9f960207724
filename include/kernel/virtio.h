/* SPDX-License-Identifier: MIT */
/*
 * virtio.h - the virtio core: split virtqueues (drivers/virtio/virtqueue.c,
 * portable), devices and their transports (virtio.c), and the driver table.
 *
 * A transport (virtio_mmio.c today, PCI later) finds a device, fills a
 * struct virtio_device with its ops and calls virtio_device_probe(), which
 * resets it, acknowledges it and calls the probe function of the compiled-in
 * driver for its device id (DRIVER_VIRTIO). The driver then, in this order
 * (virtio 1.2 §3.1.1): virtio_negotiate(), virtio_queue_create() for each
 * queue, virtio_device_ready(). Requests: virtq_add(), virtq_kick(), then
 * virtq_get_used() until the cookie comes back.
 */
#ifndef KERNEL_VIRTIO_H
#define KERNEL_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct virtq_desc;
struct virtq_avail;
struct virtq_used;
struct virtq;

/* Tells the device that queue @vq has new available buffers. */
typedef void (*virtq_notify_fn)(struct virtq *vq);

/* A split virtqueue (virtio 1.2 §2.7), driver side. */
struct virtq {
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	void **cookies;	    /* by head descriptor: the caller's token */
	uint16_t size;	    /* entries, a power of two */
	uint16_t index;	    /* the queue's number on its device */
	uint16_t free_head; /* first descriptor of the free list */
	uint16_t free_count;
	uint16_t avail_idx;	/* our copy of avail->idx */
	uint16_t kicked_idx;	/* avail_idx at the last notification */
	uint16_t last_used_idx; /* next used entry to read */
	bool event_idx;		/* VIRTIO_F_EVENT_IDX was negotiated */
	bool interrupts;	/* used-buffer interrupts wanted (virtq_set_interrupts) */
	virtq_notify_fn notify;
	void *priv; /* the transport's */
};

/* One buffer of a request: @len bytes at (guest-physical) @addr. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
};

/* Bytes of memory a queue of @size entries needs; the used ring aligned to @used_align. */
size_t virtq_mem_size(uint16_t size, size_t used_align);

/*
 * Lay a queue of @size entries (a power of two) out over @mem
 * (virtq_mem_size() bytes, 4 KiB-aligned for legacy devices; zeroed here).
 * Returns 0 or -EINVAL.
 */
int virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *mem, size_t used_align,
	       bool event_idx, virtq_notify_fn notify, void *priv);

/*
 * Make one chain of @out device-readable then @in device-writable buffers
 * available under @cookie (non-NULL). The device sees it after virtq_kick().
 * Returns 0, -ENOSPC when too few descriptors are free, or -EINVAL.
 */
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned int out, unsigned int in,
	      void *cookie);

/* Notify the device of what virtq_add() published, unless it asked not to (§2.7.10). */
void virtq_kick(struct virtq *vq);

/* True when the device has returned a chain virtq_get_used() has not taken yet. */
bool virtq_has_used(const struct virtq *vq);

/*
 * Take the next used chain, free its descriptors and return its cookie;
 * *@len (if non-NULL) gets the bytes the device wrote. NULL when none.
 */
void *virtq_get_used(struct virtq *vq, uint32_t *len);

/* Ask for (true) or suppress (false) used-buffer interrupts (§2.7.7); only a hint. */
void virtq_set_interrupts(struct virtq *vq, bool on);

struct virtio_device;

/* What a transport does for the core; every call is on the device's own CPU. */
struct virtio_transport_ops {
	uint8_t (*get_status)(struct virtio_device *dev);
	void (*set_status)(struct virtio_device *dev, uint8_t status); /* 0 resets */
	uint64_t (*get_features)(struct virtio_device *dev);
	void (*set_features)(struct virtio_device *dev, uint64_t features);
	/* Device-specific configuration, @len bytes at @offset (§2.5). */
	void (*read_config)(struct virtio_device *dev, unsigned int offset, void *buf,
			    unsigned int len);
	/* Largest size queue @index may have; 0 when it does not exist. */
	uint16_t (*queue_max)(struct virtio_device *dev, uint16_t index);
	/* Tell the device where @vq lives and enable it; 0 or -Exxx. */
	int (*queue_enable)(struct virtio_device *dev, struct virtq *vq);
	void (*notify)(struct virtq *vq);
	/* Read and acknowledge the interrupt status (VIRTIO_MMIO_INT_*). */
	uint32_t (*interrupt_ack)(struct virtio_device *dev);
	/*
	 * Deliver the device's interrupt to CPU @cpu as a call of @handler(@arg)
	 * (interrupts off; on this kernel only while that CPU idles). 0 or -Exxx.
	 */
	int (*irq_setup)(struct virtio_device *dev, void (*handler)(void *arg), void *arg,
			 unsigned int cpu);
};

struct virtio_device {
	const struct virtio_transport_ops *ops;
	const char *transport; /* "mmio", "pci" */
	uint32_t device_id;    /* §5 */
	bool legacy;	       /* a pre-1.0 device (§4.2.4): no FEATURES_OK, 32 feature bits */
	size_t used_align;     /* where the transport wants the used ring */
	uint64_t features;     /* what virtio_negotiate() agreed on */
	unsigned int irq;      /* the transport's interrupt line (GSI) */
	void *transport_priv;
	void *driver_priv;
};

struct virtio_driver {
	const char *name;
	uint32_t device_id;
	int (*probe)(struct virtio_device *dev); /* 0 or -Exxx */
};

/* Register a driver for virtio device type @id; only built drivers exist. */
#define DRIVER_VIRTIO(drv_name, id, probe_fn)                                                      \
	static const struct virtio_driver __virtio_driver_##drv_name                               \
		__attribute__((used, section(".driver.virtio"), aligned(8))) = {                   \
			.name = #drv_name, .device_id = (id), .probe = (probe_fn)}

/* Transports: hand a found device to its driver. Returns 0, -ENODEV without one, or -Exxx. */
int virtio_device_probe(struct virtio_device *dev);

/*
 * Drivers: offer @wanted (VIRTIO_BIT()s) and keep what the device also has
 * (§3.1.1 steps 4-6); VIRTIO_F_VERSION_1 is added for modern devices.
 * Returns 0, or -ENODEV when the device refuses the set.
 */
int virtio_negotiate(struct virtio_device *dev, uint64_t wanted);

/* True when feature bit @bit was negotiated. */
bool virtio_has_feature(const struct virtio_device *dev, unsigned int bit);

/* Read @len bytes of device configuration at @offset. */
void virtio_read_config(struct virtio_device *dev, unsigned int offset, void *buf,
			unsigned int len);

/*
 * Allocate queue @index with up to @size entries (0: the device's maximum)
 * and enable it. Returns the queue or NULL (logged).
 */
struct virtq *virtio_queue_create(struct virtio_device *dev, uint16_t index, uint16_t size);

/* §3.1.1 step 8: set DRIVER_OK; the device is live. */
void virtio_device_ready(struct virtio_device *dev);

#endif
