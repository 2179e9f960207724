// SPDX-License-Identifier: MIT
/*
 * virtio_pci_modern.c - the virtio 1.x PCI interface (virtio 1.2 §4.1.4).
 *
 * vpci_modern_init() walks the function's capability list for the
 * vendor-specific virtio capabilities and keeps the first usable one of each
 * type (§4.1.4.1): common configuration, notifications, ISR status, device
 * configuration. Each names a window in a BAR; memory BARs are mapped with
 * pci_bar_map() (paging_map_mmio() for those above 4 GiB), I/O BARs used by
 * port. The ops below then drive the device through those windows; the
 * common configuration's queue_* fields apply to the queue queue_select
 * names, so every queue operation selects first (all on the device's CPU).
 */
#define pr_fmt(fmt) "virtio-pci: " fmt
#include <stddef.h>
#include <toro/string.h>
#include <toro/mem.h>
#include <kernel/errno.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <kernel/virtio.h>
#include <asm/cpu.h>
#include "../bus/pci_reg.h"
#include "virtio_pci.h"
#include "virtio_pci_reg.h"
#include "virtio_reg.h"

/* Reads of device_status after a reset before giving up (QEMU needs one). */
#define RESET_POLLS 1000000
/* A queue notification is a 16-bit write of the queue's index (§4.1.4.4). */
#define NOTIFY_WRITE_BYTES sizeof(uint16_t)

#define COMMON(field) VIRTIO_PCI_COMMON(field)

static uint8_t modern_get_status(struct virtio_device *dev)
{
	return vpci_read8(&to_vpci(dev)->common, COMMON(device_status));
}

/* §4.1.4.3.2: after writing 0 the driver waits until device_status reads 0. */
static void modern_set_status(struct virtio_device *dev, uint8_t status)
{
	struct vpci_device *v = to_vpci(dev);

	vpci_write8(&v->common, COMMON(device_status), status);
	if (status) {
		return;
	}
	for (unsigned int i = 0; vpci_read8(&v->common, COMMON(device_status)); i++) {
		if (i == RESET_POLLS) {
			pr_err("device does not finish its reset\n");
			return;
		}
		cpu_relax();
	}
}

/* §4.1.4.3: 64 feature bits, 32 at a time through the *_feature_select words. */
static uint64_t modern_get_features(struct virtio_device *dev)
{
	struct vpci_device *v = to_vpci(dev);
	uint64_t features;

	vpci_write32(&v->common, COMMON(device_feature_select), 1);
	features = (uint64_t)vpci_read32(&v->common, COMMON(device_feature)) << 32;
	vpci_write32(&v->common, COMMON(device_feature_select), 0);
	return features | vpci_read32(&v->common, COMMON(device_feature));
}

static void modern_set_features(struct virtio_device *dev, uint64_t features)
{
	struct vpci_device *v = to_vpci(dev);

	vpci_write32(&v->common, COMMON(driver_feature_select), 0);
	vpci_write32(&v->common, COMMON(driver_feature), (uint32_t)features);
	vpci_write32(&v->common, COMMON(driver_feature_select), 1);
	vpci_write32(&v->common, COMMON(driver_feature), (uint32_t)(features >> 32));
}

/* §2.5.1, §4.1.4.3: read again while config_generation changes under us. */
static void modern_read_config(struct virtio_device *dev, unsigned int offset, void *buf,
			       unsigned int len)
{
	struct vpci_device *v = to_vpci(dev);
	uint8_t generation;

	if ((uint64_t)offset + len > v->device.len) {
		memset(buf, 0, len); /* past what the device has: nothing to read */
		return;
	}
	do {
		generation = vpci_read8(&v->common, COMMON(config_generation));
		vpci_read_fields(&v->device, offset, buf, len);
	} while (generation != vpci_read8(&v->common, COMMON(config_generation)));
}

static uint16_t modern_queue_max(struct virtio_device *dev, uint16_t index)
{
	struct vpci_device *v = to_vpci(dev);
	uint16_t size;

	if (index >= v->num_queues) {
		return 0;
	}
	vpci_write16(&v->common, COMMON(queue_select), index);
	/* §4.1.5.1.3: a queue already enabled is not ours to set up; size 0: unavailable. */
	if (vpci_read16(&v->common, COMMON(queue_enable))) {
		return 0;
	}
	size = vpci_read16(&v->common, COMMON(queue_size));
	return size > VIRTQ_SIZE_MAX ? VIRTQ_SIZE_MAX : size;
}

/* A 64-bit field as two 32-bit writes, low half first (§4.1.3.1). */
static void write_address(struct vpci_device *v, unsigned int off, const void *p)
{
	uint64_t addr = (uintptr_t)p; /* identity-mapped: the pointer is the DMA address */

	vpci_write32(&v->common, off, (uint32_t)addr);
	vpci_write32(&v->common, off + sizeof(uint32_t), (uint32_t)(addr >> 32));
}

/* Point the selected queue at MSI-X entry 0; false when the device answers NO_VECTOR. */
static bool queue_vector_set(struct vpci_device *v)
{
	vpci_write16(&v->common, COMMON(queue_msix_vector), 0);
	return vpci_read16(&v->common, COMMON(queue_msix_vector)) == 0;
}

/* §4.1.5.1.3: size, vector, the three ring addresses, the notify offset, then enable. */
static int modern_queue_enable(struct virtio_device *dev, struct virtq *vq)
{
	struct vpci_device *v = to_vpci(dev);
	uint64_t notify_at;

	vpci_write16(&v->common, COMMON(queue_select), vq->index);
	vpci_write16(&v->common, COMMON(queue_size), vq->size);
	if (v->msix && !queue_vector_set(v)) {
		return -EIO;
	}
	write_address(v, COMMON(queue_desc), vq->desc);
	write_address(v, COMMON(queue_driver), vq->avail);
	write_address(v, COMMON(queue_device), vq->used);
	/* §4.1.4.4: cap.offset + queue_notify_off * notify_off_multiplier, inside the window. */
	notify_at =
		(uint64_t)vpci_read16(&v->common, COMMON(queue_notify_off)) * v->notify_multiplier;
	if (notify_at + NOTIFY_WRITE_BYTES > v->notify.len) {
		pr_err("queue %u: notify offset %#llx outside the window\n", vq->index,
		       (unsigned long long)notify_at);
		return -EINVAL;
	}
	v->notify_offset[vq->index] = (uint32_t)notify_at;
	vpci_write16(&v->common, COMMON(queue_enable), 1);
	return 0;
}

static void modern_notify(struct virtq *vq)
{
	struct vpci_device *v = to_vpci(vq->priv);

	/* §4.1.5.2: without VIRTIO_F_NOTIFICATION_DATA, the queue's index. */
	vpci_write16(&v->notify, v->notify_offset[vq->index], vq->index);
}

int vpci_modern_set_vectors(struct vpci_device *v)
{
	vpci_write16(&v->common, COMMON(config_msix_vector), 0);
	if (vpci_read16(&v->common, COMMON(config_msix_vector))) {
		return -EIO;
	}
	for (uint16_t q = 0; q < v->num_queues; q++) {
		vpci_write16(&v->common, COMMON(queue_select), q);
		if (vpci_read16(&v->common, COMMON(queue_enable)) && !queue_vector_set(v)) {
			return -EIO;
		}
	}
	return 0;
}

static const struct virtio_transport_ops modern_ops = {
	.get_status = modern_get_status,
	.set_status = modern_set_status,
	.get_features = modern_get_features,
	.set_features = modern_set_features,
	.read_config = modern_read_config,
	.queue_max = modern_queue_max,
	.queue_enable = modern_queue_enable,
	.notify = modern_notify,
	.interrupt_ack = vpci_interrupt_ack,
	.irq_setup = vpci_irq_setup,
};

/* The window @cap describes, if its BAR is implemented, assigned and large enough. */
static bool region_map(struct pci_dev *d, const struct virtio_pci_cap *cap, struct vpci_region *r)
{
	uint64_t bar_size = pci_bar_size(d, cap->bar);
	volatile void *mem;

	if (cap->bar > VIRTIO_PCI_CAP_BAR_MAX || !pci_bar_addr(d, cap->bar) ||
	    (uint64_t)cap->offset + cap->length > bar_size) {
		return false;
	}
	r->len = cap->length;
	r->io = pci_bar_is_io(d, cap->bar);
	if (r->io) {
		pci_enable_io(d);
		r->base = (uintptr_t)pci_bar_addr(d, cap->bar) + cap->offset;
		return true;
	}
	mem = pci_bar_map(d, cap->bar);
	if (!mem) {
		return false;
	}
	pci_enable_mem(d);
	r->base = (uintptr_t)mem + cap->offset;
	return true;
}

/* Read the virtio capability at config offset @pos (dword-aligned, PCI 3.0 §6.7). */
static void cap_read(const struct pci_dev *d, uint8_t pos, struct virtio_pci_notify_cap *nc)
{
	struct virtio_pci_cap *cap = &nc->cap;

	cap->cap_len = pci_dev_read8(d, pos + offsetof(struct virtio_pci_cap, cap_len));
	cap->cfg_type = pci_dev_read8(d, pos + offsetof(struct virtio_pci_cap, cfg_type));
	cap->bar = pci_dev_read8(d, pos + offsetof(struct virtio_pci_cap, bar));
	cap->offset = pci_dev_read32(d, pos + offsetof(struct virtio_pci_cap, offset));
	cap->length = pci_dev_read32(d, pos + offsetof(struct virtio_pci_cap, length));
	nc->notify_off_multiplier = 0;
	if (cap->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && cap->cap_len >= sizeof(*nc)) {
		nc->notify_off_multiplier = pci_dev_read32(
			d, pos + offsetof(struct virtio_pci_notify_cap, notify_off_multiplier));
	}
}

/* Keep the first usable structure of each type (§4.1.4.1). */
static void cap_use(struct vpci_device *v, const struct virtio_pci_notify_cap *nc)
{
	struct vpci_region *slot;

	switch (nc->cap.cfg_type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		slot = &v->common;
		break;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		if (nc->cap.cap_len < sizeof(*nc)) {
			return;
		}
		slot = &v->notify;
		break;
	case VIRTIO_PCI_CAP_ISR_CFG:
		slot = &v->isr;
		break;
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		slot = &v->device;
		break;
	default:
		return; /* PCI configuration access, shared memory: not used */
	}
	if (slot->base || !region_map(v->pci, &nc->cap, slot)) {
		return;
	}
	if (slot == &v->notify) {
		v->notify_multiplier = nc->notify_off_multiplier;
	}
}

static void caps_walk(struct vpci_device *v)
{
	const struct pci_dev *d = v->pci;
	struct virtio_pci_notify_cap nc;
	uint8_t pos;

	if (!(pci_dev_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
		return;
	}
	pos = pci_dev_read8(d, PCI_CAPABILITY_LIST) & PCI_CAP_PTR_MASK;
	for (unsigned int n = 0; pos && n < PCI_CAP_LIST_MAX; n++) {
		if (pci_dev_read8(d, pos + PCI_CAP_ID) == VIRTIO_PCI_CAP_VENDOR) {
			cap_read(d, pos, &nc);
			if (nc.cap.cap_len >= sizeof(nc.cap)) {
				cap_use(v, &nc);
			}
		}
		pos = pci_dev_read8(d, pos + PCI_CAP_NEXT) & PCI_CAP_PTR_MASK;
	}
}

int vpci_modern_init(struct vpci_device *v)
{
	caps_walk(v);
	/* §4.1.4: common, notify and ISR are mandatory; a device may have no config. */
	if (!v->common.base || !v->notify.base || !v->isr.base ||
	    v->common.len < sizeof(struct virtio_pci_common_cfg)) {
		return -ENODEV;
	}
	v->num_queues = vpci_read16(&v->common, COMMON(num_queues));
	if (v->num_queues) {
		v->notify_offset = calloc(v->num_queues, sizeof(*v->notify_offset));
		if (!v->notify_offset) {
			return -ENOMEM;
		}
	}
	v->vdev.ops = &modern_ops;
	v->vdev.legacy = false;
	v->vdev.used_align = VIRTQ_USED_ALIGN;
	return 0;
}
