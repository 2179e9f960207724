/* SPDX-License-Identifier: MIT */
/*
 * virtio_pci.h - what the three files of the virtio PCI transport share:
 * virtio_pci.c (matching, interrupts, the choice of interface),
 * virtio_pci_modern.c (virtio 1.x, §4.1.4) and virtio_pci_legacy.c
 * (transitional devices' I/O BAR 0, §4.1.4.8).
 *
 * A register window (struct vpci_region) is either memory (a mapped BAR) or
 * I/O ports: modern structures may live in either kind of BAR, the legacy
 * block always in I/O space, so both interfaces use the same accessors.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/pci.h>
#include <kernel/virtio.h>
#include <asm/io.h>

struct vpci_region {
	uintptr_t base; /* a pointer (memory) or a port number (I/O) */
	uint32_t len;
	bool io;
};

struct vpci_device {
	struct virtio_device vdev;
	struct pci_dev *pci;
	bool msix;		   /* MSI-X on: queues and config signal table entry 0 */
	struct vpci_region common; /* modern: §4.1.4.3 */
	struct vpci_region notify; /* modern: §4.1.4.4 */
	struct vpci_region isr;	   /* §4.1.4.5; legacy: the byte in BAR 0 */
	struct vpci_region device; /* modern: §4.1.4.6 */
	struct vpci_region legacy; /* legacy: the whole I/O BAR 0 */
	uint32_t notify_multiplier;
	uint16_t num_queues;	 /* modern: from the common configuration */
	uint32_t *notify_offset; /* modern: per queue, within `notify` */
};

static inline struct vpci_device *to_vpci(struct virtio_device *dev)
{
	return dev->transport_priv;
}

static inline uint8_t vpci_read8(const struct vpci_region *r, unsigned int off)
{
	return r->io ? inb((uint16_t)(r->base + off)) : *(volatile uint8_t *)(r->base + off);
}

static inline uint16_t vpci_read16(const struct vpci_region *r, unsigned int off)
{
	return r->io ? inw((uint16_t)(r->base + off)) : *(volatile uint16_t *)(r->base + off);
}

static inline uint32_t vpci_read32(const struct vpci_region *r, unsigned int off)
{
	return r->io ? inl((uint16_t)(r->base + off)) : *(volatile uint32_t *)(r->base + off);
}

static inline void vpci_write8(const struct vpci_region *r, unsigned int off, uint8_t v)
{
	if (r->io) {
		outb((uint16_t)(r->base + off), v);
	} else {
		*(volatile uint8_t *)(r->base + off) = v;
	}
}

static inline void vpci_write16(const struct vpci_region *r, unsigned int off, uint16_t v)
{
	if (r->io) {
		outw((uint16_t)(r->base + off), v);
	} else {
		*(volatile uint16_t *)(r->base + off) = v;
	}
}

static inline void vpci_write32(const struct vpci_region *r, unsigned int off, uint32_t v)
{
	if (r->io) {
		outl((uint16_t)(r->base + off), v);
	} else {
		*(volatile uint32_t *)(r->base + off) = v;
	}
}

/*
 * Read @len bytes at @off of @r into @buf, each field with its own width
 * (§4.1.3.1: 8, 16 and 32-bit fields; a 64-bit one as two 32-bit reads).
 */
void vpci_read_fields(const struct vpci_region *r, unsigned int off, void *buf, unsigned int len);

/*
 * virtio_pci_modern.c: find the §4.1.4 capabilities of @v->pci and map
 * them. Returns 0 and sets the modern ops, or -ENODEV when the device has no
 * usable modern interface (then the caller may try legacy), or -ENOMEM.
 */
int vpci_modern_init(struct vpci_device *v);

/* virtio_pci_legacy.c: use I/O BAR 0 (§4.1.4.8). Returns 0, or -ENODEV without one. */
int vpci_legacy_init(struct vpci_device *v);

/*
 * Interface-specific steps of interrupt setup: after MSI-X is enabled,
 * point the configuration vector and every enabled queue at table entry 0
 * (§4.1.5.1.2). Returns 0, or -EIO when the device answers NO_VECTOR.
 */
int vpci_modern_set_vectors(struct vpci_device *v);
int vpci_legacy_set_vectors(struct vpci_device *v);

/* virtio_pci.c: the transport ops both interfaces share. */
uint32_t vpci_interrupt_ack(struct virtio_device *dev);
int vpci_irq_setup(struct virtio_device *dev, void (*handler)(void *arg), void *arg,
		   unsigned int cpu);

#endif
