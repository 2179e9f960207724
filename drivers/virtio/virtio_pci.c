// SPDX-License-Identifier: MIT
/*
 * virtio_pci.c - the virtio PCI transport (virtio 1.2 §4.1): matches virtio
 * functions, picks their interface and hands them to virtio_device_probe().
 *
 * The PCI bus calls vpci_probe() (DRIVER_PCI) at INITCALL_SUBSYS for every
 * function of vendor 0x1af4; ids 0x1000-0x107f are virtio (§4.1.2). The
 * modern interface (virtio_pci_modern.c, located by capabilities, §4.1.4) is
 * used whenever the device offers it; a transitional device without it
 * (QEMU's disable-modern=on) is driven through its legacy I/O BAR 0
 * (virtio_pci_legacy.c, §4.1.4.8). Both give the same ops table to the core.
 *
 * Interrupts (vpci_irq_setup()): MSI-X when the function has it, one table
 * entry (0) shared by the configuration vector and every queue
 * (§4.1.5.1.2); else INTx through the IOAPIC, acknowledged by reading the
 * ISR status (§4.1.4.5). Both go to the CPU the driver names
 * (pci_irq_setup_kind()); a second call moves them to another CPU. One log
 * line says which mode the device got.
 */
#define pr_fmt(fmt) "virtio-pci: " fmt
#include <toro/string.h>
#include <toro/mem.h>
#include <kernel/errno.h>
#include <kernel/pci.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/virtio.h>
#include "virtio_pci.h"
#include "virtio_pci_reg.h"
#include "virtio_reg.h"

#define PCI_ADDR_FMT "%04x:%02x:%02x.%u"
#define PCI_ADDR_ARGS(d) (d)->segment, (d)->bus, (d)->dev, (d)->fn

void vpci_read_fields(const struct vpci_region *r, unsigned int off, void *buf, unsigned int len)
{
	uint8_t *out = buf;
	uint32_t word;
	uint16_t half;

	switch (len) {
	case sizeof(uint16_t):
		half = vpci_read16(r, off);
		memcpy(buf, &half, sizeof(half));
		break;
	case sizeof(uint32_t):
		word = vpci_read32(r, off);
		memcpy(buf, &word, sizeof(word));
		break;
	case sizeof(uint64_t):
		word = vpci_read32(r, off);
		memcpy(out, &word, sizeof(word));
		word = vpci_read32(r, off + sizeof(uint32_t));
		memcpy(out + sizeof(word), &word, sizeof(word));
		break;
	default:
		for (unsigned int i = 0; i < len; i++) {
			out[i] = vpci_read8(r, off + i);
		}
	}
}

/*
 * §4.1.5.3-4: with MSI-X there is no ISR to read, and the one shared entry
 * does not say why it fired: report a possible used buffer, the driver looks
 * at its rings. With INTx the read returns the cause and lowers the line.
 */
uint32_t vpci_interrupt_ack(struct virtio_device *dev)
{
	struct vpci_device *v = to_vpci(dev);

	if (v->msix) {
		return VIRTIO_PCI_ISR_QUEUE;
	}
	return vpci_read8(&v->isr, 0);
}

/* MSI-X entry 0 for the configuration and every queue; false to fall back to INTx. */
static bool msix_setup(struct vpci_device *v, void (*handler)(void *), void *arg, unsigned int cpu)
{
	struct pci_dev *d = v->pci;
	int err;

	if (!d->msix_cap || pci_irq_setup_kind(d, PCI_IRQ_MSIX, handler, arg, cpu) < 0) {
		return false;
	}
	/* Legacy: enabling MSI-X moved the device configuration to offset 24 (§4.1.4.8). */
	v->msix = true;
	err = v->vdev.legacy ? vpci_legacy_set_vectors(v) : vpci_modern_set_vectors(v);
	if (err) {
		pr_warn(PCI_ADDR_FMT ": the device refused MSI-X vector 0: INTx instead\n",
			PCI_ADDR_ARGS(d));
		pci_irq_release(d);
		v->msix = false;
		return false;
	}
	return true;
}

int vpci_irq_setup(struct virtio_device *dev, void (*handler)(void *arg), void *arg,
		   unsigned int cpu)
{
	struct vpci_device *v = to_vpci(dev);
	struct pci_dev *d = v->pci;
	int kind;

	if (!handler || cpu >= cpu_count()) {
		return -EINVAL; /* before a re-route gives up the working one */
	}
	if (d->irq_vector) {
		/* Routed before (blk_dedicate() moves a disk): start over for @cpu. */
		pci_irq_release(d);
		v->msix = false;
	}
	if (msix_setup(v, handler, arg, cpu)) {
		pr_info(PCI_ADDR_FMT ": MSI-X, entry 0 for configuration and queues, cpu %u\n",
			PCI_ADDR_ARGS(d), cpu);
		return 0;
	}
	kind = pci_irq_setup_kind(d, PCI_IRQ_INTX, handler, arg, cpu);
	if (kind < 0) {
		return kind;
	}
	pr_info(PCI_ADDR_FMT ": INTx (irq %u) acknowledged through the ISR, cpu %u\n",
		PCI_ADDR_ARGS(d), d->irq_line, cpu);
	return 0;
}

/* §4.1.2.1: modern ids carry the type; transitional ones put it in the Subsystem Device ID. */
static uint32_t device_type(const struct pci_dev *d)
{
	if (d->device >= VIRTIO_PCI_MODERN_BASE) {
		return d->device - VIRTIO_PCI_MODERN_BASE;
	}
	return pci_dev_read16(d, VIRTIO_PCI_SUBSYSTEM_ID);
}

static void vpci_free(struct vpci_device *v)
{
	if (v->pci->irq_vector) {
		pci_irq_release(v->pci);
	}
	free(v->notify_offset);
	free(v);
}

static int vpci_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	struct vpci_device *v;
	int err;

	(void)id;
	if (d->device < VIRTIO_PCI_DEVICE_FIRST || d->device > VIRTIO_PCI_DEVICE_LAST) {
		return 0; /* the vendor's other functions (e.g. ivshmem): not virtio, not ours */
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	v->pci = d;
	v->vdev.device_id = device_type(d);
	v->vdev.transport = "pci";
	v->vdev.irq = d->irq_line;
	v->vdev.transport_priv = v;
	if (!v->vdev.device_id) {
		pr_err(PCI_ADDR_FMT ": no device type (reserved id 0)\n", PCI_ADDR_ARGS(d));
		err = -ENODEV;
		goto out_free;
	}
	/* §4.1.5.1: modern first; legacy only for a transitional function without it. */
	err = vpci_modern_init(v);
	if (err == -ENODEV) {
		err = vpci_legacy_init(v);
	}
	if (err) {
		pr_err(PCI_ADDR_FMT ": no usable virtio interface (%d)\n", PCI_ADDR_ARGS(d), err);
		goto out_free;
	}
	/* The rings are in guest memory: the device reaches them by DMA. */
	pci_enable_bus_master(d);
	pr_info(PCI_ADDR_FMT ": device type %u, %s\n", PCI_ADDR_ARGS(d), v->vdev.device_id,
		v->vdev.legacy ? "legacy" : "modern");
	err = virtio_device_probe(&v->vdev);
	if (err) {
		goto out_free; /* reset, FAILED or without a driver: it uses nothing of ours */
	}
	return 0;

out_free:
	vpci_free(v);
	return err == -ENODEV ? 0 : err;
}

static const struct pci_device_id vpci_ids[] = {
	{VIRTIO_PCI_VENDOR, PCI_ANY_ID, PCI_ANY_ID, PCI_ANY_ID},
	{0},
};
DRIVER_PCI(virtio_pci, vpci_ids, vpci_probe);
