/* SPDX-License-Identifier: MIT */
/*
 * virtio_mmio.c - the virtio MMIO transport (virtio 1.2 §4.2): modern
 * (version 2) and legacy (version 1, §4.2.4) devices.
 *
 * Devices are found (virtio_mmio_find.c) from the kernel command line, one
 * word per device as QEMU's microvm writes them without ACPI (Linux's syntax,
 * virtio_mmio.device=SIZE@BASE:IRQ), else from the ACPI DSDT, where microvm
 * puts them when it has ACPI. At INITCALL_DEVICE each is checked (magic,
 * version, device id) and handed to virtio_device_probe(). Register windows
 * are identity-mapped (paging maps the first 4 GiB).
 */
#define pr_fmt(fmt) "virtio-mmio: " fmt
#include <stdint.h>
#include <toro/mem.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/initcall.h>
#include <kernel/printk.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/virtio.h>
#include <asm/acpi.h>
#include <asm/ioapic.h>
#include <asm/irq_vectors.h>
#include "virtio_mmio_find.h"
#include "virtio_reg.h"

struct mmio_device {
	struct virtio_device vdev;
	uintptr_t base;
	uint64_t size;
};

static uint32_t mmio_read(const struct mmio_device *m, unsigned int reg)
{
	return *(volatile uint32_t *)(m->base + reg);
}

static void mmio_write(const struct mmio_device *m, unsigned int reg, uint32_t val)
{
	*(volatile uint32_t *)(m->base + reg) = val;
}

static struct mmio_device *to_mmio(struct virtio_device *dev)
{
	return dev->transport_priv;
}

static uint8_t mmio_get_status(struct virtio_device *dev)
{
	return (uint8_t)mmio_read(to_mmio(dev), VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_device *dev, uint8_t status)
{
	mmio_write(to_mmio(dev), VIRTIO_MMIO_STATUS, status);
}

/* §4.2.2: 64 feature bits, 32 at a time through the *FeaturesSel window. */
static uint64_t mmio_get_features(struct virtio_device *dev)
{
	struct mmio_device *m = to_mmio(dev);
	uint64_t features;

	mmio_write(m, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)mmio_read(m, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	mmio_write(m, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return features | mmio_read(m, VIRTIO_MMIO_DEVICE_FEATURES);
}

static void mmio_set_features(struct virtio_device *dev, uint64_t features)
{
	struct mmio_device *m = to_mmio(dev);

	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	mmio_write(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
}

/* §4.2.2.2: each field read with its own width (8, 16, 32; 64 as two 32). */
static void read_config_once(struct mmio_device *m, unsigned int offset, void *buf,
			     unsigned int len)
{
	uintptr_t at = m->base + VIRTIO_MMIO_CONFIG + offset;
	uint8_t *out = buf;

	switch (len) {
	case sizeof(uint16_t):
		*(uint16_t *)buf = *(volatile uint16_t *)at;
		break;
	case sizeof(uint32_t):
		*(uint32_t *)buf = *(volatile uint32_t *)at;
		break;
	case sizeof(uint64_t):
		((uint32_t *)buf)[0] = *(volatile uint32_t *)at;
		((uint32_t *)buf)[1] = *(volatile uint32_t *)(at + sizeof(uint32_t));
		break;
	default:
		for (unsigned int i = 0; i < len; i++) {
			out[i] = *(volatile uint8_t *)(at + i);
		}
	}
}

static void mmio_read_config(struct virtio_device *dev, unsigned int offset, void *buf,
			     unsigned int len)
{
	struct mmio_device *m = to_mmio(dev);
	uint32_t generation;

	if (dev->legacy) {
		read_config_once(m, offset, buf, len);
		return;
	}
	/* §2.5.1: retry until the configuration did not change under us. */
	do {
		generation = mmio_read(m, VIRTIO_MMIO_CONFIG_GENERATION);
		read_config_once(m, offset, buf, len);
	} while (generation != mmio_read(m, VIRTIO_MMIO_CONFIG_GENERATION));
}

static uint16_t mmio_queue_max(struct virtio_device *dev, uint16_t index)
{
	struct mmio_device *m = to_mmio(dev);
	uint32_t max;

	mmio_write(m, VIRTIO_MMIO_QUEUE_SEL, index);
	/* §4.2.3.2 step 2: a modern queue must not be in use already. */
	if (!dev->legacy && mmio_read(m, VIRTIO_MMIO_QUEUE_READY)) {
		return 0;
	}
	/* §4.2.3.2 step 3: 0 means the queue is not available. */
	max = mmio_read(m, VIRTIO_MMIO_QUEUE_NUM_MAX);
	return max > VIRTQ_SIZE_MAX ? VIRTQ_SIZE_MAX : (uint16_t)max;
}

static void write_address(struct mmio_device *m, unsigned int low_reg, const void *p)
{
	uint64_t addr = (uintptr_t)p; /* identity-mapped: the pointer is the DMA address */

	mmio_write(m, low_reg, (uint32_t)addr);
	mmio_write(m, low_reg + sizeof(uint32_t), (uint32_t)(addr >> 32));
}

static int mmio_queue_enable(struct virtio_device *dev, struct virtq *vq)
{
	struct mmio_device *m = to_mmio(dev);
	uintptr_t ring = (uintptr_t)vq->desc;

	mmio_write(m, VIRTIO_MMIO_QUEUE_SEL, vq->index);
	mmio_write(m, VIRTIO_MMIO_QUEUE_NUM, vq->size);
	if (dev->legacy) {
		/* §4.2.4: one page-aligned area, named by its page frame number. */
		if (ring % VIRTIO_MMIO_LEGACY_PAGE_SIZE ||
		    ring / VIRTIO_MMIO_LEGACY_PAGE_SIZE > UINT32_MAX) {
			return -EINVAL;
		}
		mmio_write(m, VIRTIO_MMIO_GUEST_PAGE_SIZE, VIRTIO_MMIO_LEGACY_PAGE_SIZE);
		mmio_write(m, VIRTIO_MMIO_QUEUE_ALIGN, VIRTQ_LEGACY_ALIGN);
		mmio_write(m, VIRTIO_MMIO_QUEUE_PFN, ring / VIRTIO_MMIO_LEGACY_PAGE_SIZE);
		return 0;
	}
	/* §4.2.3.2 steps 5-7: the three parts' addresses, then QueueReady. */
	write_address(m, VIRTIO_MMIO_QUEUE_DESC_LOW, vq->desc);
	write_address(m, VIRTIO_MMIO_QUEUE_DRIVER_LOW, vq->avail);
	write_address(m, VIRTIO_MMIO_QUEUE_DEVICE_LOW, vq->used);
	mmio_write(m, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

static void mmio_notify(struct virtq *vq)
{
	struct virtio_device *dev = vq->priv;

	/* §4.2.3.3: the queue's index to QueueNotify. */
	mmio_write(to_mmio(dev), VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

static uint32_t mmio_interrupt_ack(struct virtio_device *dev)
{
	struct mmio_device *m = to_mmio(dev);
	uint32_t status = mmio_read(m, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (status) {
		mmio_write(m, VIRTIO_MMIO_INTERRUPT_ACK, status);
	}
	return status;
}

/* The device's line through the IOAPIC, on a vector of its own. */
static int mmio_irq_setup(struct virtio_device *dev, void (*handler)(void *arg), void *arg,
			  unsigned int cpu)
{
	int vector, err;

	if (cpu >= cpu_count()) {
		return -EINVAL;
	}
	vector = irq_vector_alloc(handler, arg);
	if (vector < 0) {
		return vector;
	}
	/*
	 * The number is a GSI (microvm wires each transport to its own IOAPIC
	 * input); the line follows InterruptStatus, so level, active high
	 * (QEMU's DSDT describes it so).
	 */
	err = ioapic_route(dev->irq, (uint8_t)vector, cpu_data[cpu].apic_id,
			   IRQ_TRIGGER_LEVEL | IRQ_POLARITY_HIGH);
	if (err) {
		irq_vector_free(vector);
		return err;
	}
	return 0;
}

static const struct virtio_transport_ops mmio_ops = {
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.read_config = mmio_read_config,
	.queue_max = mmio_queue_max,
	.queue_enable = mmio_queue_enable,
	.notify = mmio_notify,
	.interrupt_ack = mmio_interrupt_ack,
	.irq_setup = mmio_irq_setup,
};

/* §4.2.3.1: check the magic and the version, then probe the device. */
static int mmio_probe(struct mmio_device *m)
{
	uint32_t version;

	if (mmio_read(m, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC) {
		pr_err("no virtio device at %#lx (bad magic)\n", (unsigned long)m->base);
		return -ENODEV;
	}
	version = mmio_read(m, VIRTIO_MMIO_VERSION);
	if (version != VIRTIO_MMIO_VERSION_MODERN && version != VIRTIO_MMIO_VERSION_LEGACY) {
		pr_err("%#lx: unknown version %u\n", (unsigned long)m->base, version);
		return -ENODEV;
	}
	m->vdev.device_id = mmio_read(m, VIRTIO_MMIO_DEVICE_ID);
	if (m->vdev.device_id == 0) {
		return -ENODEV; /* §4.2.3.1: an empty slot; not an error */
	}
	m->vdev.ops = &mmio_ops;
	m->vdev.transport = "mmio";
	m->vdev.legacy = version == VIRTIO_MMIO_VERSION_LEGACY;
	m->vdev.used_align = m->vdev.legacy ? VIRTQ_LEGACY_ALIGN : VIRTQ_USED_ALIGN;
	m->vdev.transport_priv = m;
	pr_info("device type %u (v%u) at %#lx irq %u\n", m->vdev.device_id, version,
		(unsigned long)m->base, m->vdev.irq);
	return virtio_device_probe(&m->vdev);
}

/* Set up and probe the device at @res; a device that fails keeps nothing of ours. */
static void add_device(const struct virtio_mmio_res *res, void *unused)
{
	struct mmio_device *m = calloc(1, sizeof(*m));

	(void)unused;
	if (!m) {
		pr_err("no memory for the device at %#llx\n", (unsigned long long)res->base);
		return;
	}
	m->base = res->base;
	m->size = res->size;
	m->vdev.irq = res->irq;
	if (mmio_probe(m)) {
		free(m); /* §3.1.1: the device is reset, FAILED or empty: it uses none of it */
	}
}

static void cmdline_device(const char *value, void *unused)
{
	struct virtio_mmio_res res;

	if (virtio_mmio_parse(value, &res)) {
		pr_err("cannot parse virtio_mmio.device=%s\n", value);
		return;
	}
	add_device(&res, unused);
}

/*
 * QEMU's microvm names its devices on the command line when it has no ACPI,
 * and in the DSDT when it has; the command line wins when both do.
 */
static int virtio_mmio_init(void)
{
	const uint8_t *aml;
	size_t len;

	if (cmdline_each("virtio_mmio.device", cmdline_device, NULL)) {
		return 0;
	}
	aml = acpi_dsdt_aml(&len);
	if (aml) {
		virtio_mmio_scan_aml(aml, len, add_device, NULL);
	}
	return 0;
}
initcall(virtio_mmio_init, INITCALL_DEVICE);
