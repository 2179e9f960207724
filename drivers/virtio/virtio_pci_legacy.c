// SPDX-License-Identifier: MIT
/*
 * virtio_pci_legacy.c - the legacy virtio PCI interface of transitional
 * devices (virtio 1.2 §4.1.4.8, §4.1.5.1.3 legacy notes): one register block
 * in I/O BAR 0, 32 feature bits, no FEATURES_OK, and each queue one
 * physically contiguous area of the device's fixed size with the used ring on
 * a 4 KiB boundary, named by its page frame number.
 *
 * While MSI-X is enabled the block has two more registers (the vectors) and
 * the device configuration starts 4 bytes later: read_config follows
 * struct vpci_device.msix, which vpci_irq_setup() keeps in step with the
 * function's MSI-X enable bit.
 */
#define pr_fmt(fmt) "virtio-pci: " fmt
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <kernel/virtio.h>
#include "virtio_pci.h"
#include "virtio_pci_reg.h"
#include "virtio_reg.h"

#define LEGACY_PAGE_SIZE (1u << VIRTIO_PCI_LEGACY_PFN_SHIFT)

static uint8_t legacy_get_status(struct virtio_device *dev)
{
	return vpci_read8(&to_vpci(dev)->legacy, VIRTIO_PCI_LEGACY_STATUS);
}

static void legacy_set_status(struct virtio_device *dev, uint8_t status)
{
	vpci_write8(&to_vpci(dev)->legacy, VIRTIO_PCI_LEGACY_STATUS, status);
}

static uint64_t legacy_get_features(struct virtio_device *dev)
{
	return vpci_read32(&to_vpci(dev)->legacy, VIRTIO_PCI_LEGACY_HOST_FEATURES);
}

static void legacy_set_features(struct virtio_device *dev, uint64_t features)
{
	vpci_write32(&to_vpci(dev)->legacy, VIRTIO_PCI_LEGACY_GUEST_FEATURES, (uint32_t)features);
}

static void legacy_read_config(struct virtio_device *dev, unsigned int offset, void *buf,
			       unsigned int len)
{
	struct vpci_device *v = to_vpci(dev);
	unsigned int base = v->msix ? VIRTIO_PCI_LEGACY_CONFIG_MSIX : VIRTIO_PCI_LEGACY_CONFIG;

	if ((uint64_t)base + offset + len > v->legacy.len) {
		memset(buf, 0, len); /* past the BAR: the device has no such field */
		return;
	}
	vpci_read_fields(&v->legacy, base + offset, buf, len);
}

static uint16_t legacy_queue_max(struct virtio_device *dev, uint16_t index)
{
	struct vpci_device *v = to_vpci(dev);

	vpci_write16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_SELECT, index);
	/* A queue with an address is in use; size 0 means it does not exist. */
	if (vpci_read32(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_PFN)) {
		return 0;
	}
	return vpci_read16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_SIZE);
}

/* Point the selected queue at MSI-X entry 0; false when the device answers NO_VECTOR. */
static bool queue_vector_set(struct vpci_device *v)
{
	vpci_write16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_VECTOR, 0);
	return vpci_read16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_VECTOR) == 0;
}

static int legacy_queue_enable(struct virtio_device *dev, struct virtq *vq)
{
	struct vpci_device *v = to_vpci(dev);
	uintptr_t ring = (uintptr_t)vq->desc;
	uint16_t size;

	vpci_write16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_SELECT, vq->index);
	/* The legacy queue size is the device's, read-only: a smaller queue cannot be told. */
	size = vpci_read16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_SIZE);
	if (vq->size != size) {
		pr_err("queue %u: legacy devices need all %u entries, not %u\n", vq->index, size,
		       vq->size);
		return -EINVAL;
	}
	if (ring % LEGACY_PAGE_SIZE || ring >> VIRTIO_PCI_LEGACY_PFN_SHIFT > UINT32_MAX) {
		return -EINVAL;
	}
	if (v->msix && !queue_vector_set(v)) {
		return -EIO;
	}
	vpci_write32(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_PFN,
		     (uint32_t)(ring >> VIRTIO_PCI_LEGACY_PFN_SHIFT));
	return 0;
}

static void legacy_notify(struct virtq *vq)
{
	vpci_write16(&to_vpci(vq->priv)->legacy, VIRTIO_PCI_LEGACY_QUEUE_NOTIFY, vq->index);
}

int vpci_legacy_set_vectors(struct vpci_device *v)
{
	vpci_write16(&v->legacy, VIRTIO_PCI_LEGACY_CONFIG_VECTOR, 0);
	if (vpci_read16(&v->legacy, VIRTIO_PCI_LEGACY_CONFIG_VECTOR)) {
		return -EIO;
	}
	/* Queues are numbered from 0 without gaps; the first of size 0 ends them. */
	for (uint16_t q = 0; q < VIRTIO_PCI_LEGACY_QUEUES_MAX; q++) {
		vpci_write16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_SELECT, q);
		if (!vpci_read16(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_SIZE)) {
			break;
		}
		if (vpci_read32(&v->legacy, VIRTIO_PCI_LEGACY_QUEUE_PFN) && !queue_vector_set(v)) {
			return -EIO;
		}
	}
	return 0;
}

static const struct virtio_transport_ops legacy_ops = {
	.get_status = legacy_get_status,
	.set_status = legacy_set_status,
	.get_features = legacy_get_features,
	.set_features = legacy_set_features,
	.read_config = legacy_read_config,
	.queue_max = legacy_queue_max,
	.queue_enable = legacy_queue_enable,
	.notify = legacy_notify,
	.interrupt_ack = vpci_interrupt_ack,
	.irq_setup = vpci_irq_setup,
};

int vpci_legacy_init(struct vpci_device *v)
{
	struct pci_dev *d = v->pci;
	uint64_t port = pci_bar_addr(d, VIRTIO_PCI_LEGACY_BAR);
	uint64_t size = pci_bar_size(d, VIRTIO_PCI_LEGACY_BAR);

	/* §4.1.2.2: only transitional ids have the legacy interface. */
	if (d->device > VIRTIO_PCI_TRANSITIONAL_LAST || !pci_bar_is_io(d, VIRTIO_PCI_LEGACY_BAR) ||
	    !port || size < VIRTIO_PCI_LEGACY_CONFIG) {
		return -ENODEV;
	}
	pci_enable_io(d);
	v->legacy =
		(struct vpci_region){.base = (uintptr_t)port, .len = (uint32_t)size, .io = true};
	v->isr = (struct vpci_region){
		.base = (uintptr_t)port + VIRTIO_PCI_LEGACY_ISR, .len = 1, .io = true};
	v->vdev.ops = &legacy_ops;
	v->vdev.legacy = true;
	v->vdev.used_align = VIRTQ_LEGACY_ALIGN;
	return 0;
}
