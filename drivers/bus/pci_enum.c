// SPDX-License-Identifier: MIT
/*
 * pci_enum.c - finding every PCI function: a depth-first walk from bus 0
 * into each bridge's secondary bus, with the bus numbers the firmware gave
 * the bridges (nothing is renumbered), recording what a driver needs in a
 * struct pci_dev. It touches the hardware only through pci_read*() and
 * pci_write*(): tests/unit/drivers/bus/test_pci_enum.c runs it on a fake
 * configuration space.
 *
 * BAR sizes come from the write-all-ones probe (PCI 3.0 §6.2.5.1) with
 * memory and I/O decoding off around it, so the device never decodes the
 * all-ones address while it is probed.
 */
#define pr_fmt(fmt) "pci " fmt
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include <kernel/printk.h>
#include "pci_internal.h"
#include "pci_reg.h"

/* Longest description: address, ids, class, six BARs, bridge range, capabilities. */
#define DESCRIBE_MAX 320

struct walk {
	uint16_t seg;
	struct pci_dev *devs;
	unsigned int max, count;
	bool bus_seen[PCI_MAX_BUS]; /* against a bridge loop in a broken topology */
};

/* What the BAR register at @off reads after all ones are written; @v is restored. */
static uint32_t bar_probe32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	uint32_t probed;

	pci_dev_write32(d, off, UINT32_MAX);
	probed = pci_dev_read32(d, off);
	pci_dev_write32(d, off, v);
	return probed;
}

/* Fill bar[i]; returns how many BAR registers it used (2 for a 64-bit one). */
static unsigned int bar_read(struct pci_dev *d, unsigned int i, unsigned int bars)
{
	uint16_t off = PCI_BAR0 + i * sizeof(uint32_t);
	uint32_t lo = pci_dev_read32(d, off), hi = 0, probed_hi = UINT32_MAX;
	uint32_t probed = bar_probe32(d, off, lo);
	struct pci_bar *b = &d->bar[i];
	unsigned int used = 1;
	uint64_t mask;

	if (lo & PCI_BAR_IO) {
		mask = (probed & PCI_BAR_IO_MASK) & PCI_BAR_IO_LIMIT;
		b->type = PCI_BAR_TYPE_IO;
		b->addr = lo & PCI_BAR_IO_MASK;
		b->size = mask ? (~mask + 1) & PCI_BAR_IO_LIMIT : 0;
		return 1;
	}
	b->prefetchable = lo & PCI_BAR_MEM_PREFETCH;
	if ((lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 && i + 1 < bars) {
		hi = pci_dev_read32(d, off + sizeof(uint32_t));
		probed_hi = bar_probe32(d, off + sizeof(uint32_t), hi);
		b->type = PCI_BAR_TYPE_MEM64;
		used = 2;
	} else {
		b->type = PCI_BAR_TYPE_MEM32;
	}
	mask = (uint64_t)probed_hi << 32 | (probed & PCI_BAR_MEM_MASK);
	if (!(probed & PCI_BAR_MEM_MASK) && (b->type == PCI_BAR_TYPE_MEM32 || !probed_hi)) {
		b->type = PCI_BAR_NONE; /* not implemented: reads back zero */
		b->prefetchable = false;
		return used;
	}
	b->addr = (uint64_t)hi << 32 | (lo & PCI_BAR_MEM_MASK);
	b->size = ~mask + 1;
	return used;
}

static void bars_read(struct pci_dev *d, unsigned int bars)
{
	uint16_t command = pci_dev_read16(d, PCI_COMMAND);

	pci_dev_write16(d, PCI_COMMAND, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned int i = 0; i < bars;) {
		i += bar_read(d, i, bars);
	}
	pci_dev_write16(d, PCI_COMMAND, command);
}

/* Note where the MSI, MSI-X and PCIe capabilities are (PCI 3.0 §6.7). */
static void caps_read(struct pci_dev *d)
{
	uint8_t pos;

	if (!(pci_dev_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
		return;
	}
	pos = pci_dev_read8(d, PCI_CAPABILITY_LIST) & PCI_CAP_PTR_MASK;
	for (unsigned int n = 0; pos && n < PCI_CAP_LIST_MAX; n++) {
		uint8_t id = pci_dev_read8(d, pos + PCI_CAP_ID);

		if (id == PCI_CAP_ID_MSI && !d->msi_cap) {
			d->msi_cap = pos;
		} else if (id == PCI_CAP_ID_MSIX && !d->msix_cap) {
			d->msix_cap = pos;
		} else if (id == PCI_CAP_ID_PCIE && !d->pcie_cap) {
			d->pcie_cap = pos;
		}
		pos = pci_dev_read8(d, pos + PCI_CAP_NEXT) & PCI_CAP_PTR_MASK;
	}
}

static void function_read(struct pci_dev *d)
{
	unsigned int bars = 0;

	d->vendor = pci_dev_read16(d, PCI_VENDOR_ID);
	d->device = pci_dev_read16(d, PCI_DEVICE_ID);
	d->revision = pci_dev_read8(d, PCI_REVISION_ID);
	d->prog_if = pci_dev_read8(d, PCI_PROG_IF);
	d->subclass = pci_dev_read8(d, PCI_SUBCLASS);
	d->class = pci_dev_read8(d, PCI_CLASS);
	d->header_type = pci_dev_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
	if (d->header_type == PCI_HEADER_NORMAL) {
		bars = PCI_BARS_NORMAL;
	} else if (d->header_type == PCI_HEADER_BRIDGE) {
		bars = PCI_BARS_BRIDGE;
		d->secondary_bus = pci_dev_read8(d, PCI_SECONDARY_BUS);
		d->subordinate_bus = pci_dev_read8(d, PCI_SUBORDINATE_BUS);
	}
	if (d->header_type != PCI_HEADER_CARDBUS) {
		d->irq_line = pci_dev_read8(d, PCI_INTERRUPT_LINE);
		d->irq_pin = pci_dev_read8(d, PCI_INTERRUPT_PIN);
	}
	bars_read(d, bars);
	caps_read(d);
}

static const char *const bar_kind[] = {
	[PCI_BAR_TYPE_IO] = "io",
	[PCI_BAR_TYPE_MEM32] = "mem",
	[PCI_BAR_TYPE_MEM64] = "mem64",
};

int pci_dev_describe(const struct pci_dev *d, char *buf, unsigned int size)
{
	int n = snprintf(buf, size, "%04x:%02x:%02x.%u: [%04x:%04x] class 0x%02x%02x%02x",
			 d->segment, d->bus, d->dev, d->fn, d->vendor, d->device, d->class,
			 d->subclass, d->prog_if);

	for (unsigned int i = 0; i < PCI_BAR_COUNT && n < (int)size; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (b->type != PCI_BAR_NONE) {
			n += snprintf(buf + n, size - n, " bar%u %s%s 0x%llx/0x%llx", i,
				      bar_kind[b->type], b->prefetchable ? " pref" : "",
				      (unsigned long long)b->addr, (unsigned long long)b->size);
		}
	}
	if (d->header_type == PCI_HEADER_BRIDGE && n < (int)size) {
		n += snprintf(buf + n, size - n, " bridge [bus %02x-%02x]", d->secondary_bus,
			      d->subordinate_bus);
	}
	if (d->irq_pin && n < (int)size) {
		n += snprintf(buf + n, size - n, " INT%c irq %u", 'A' + d->irq_pin - 1,
			      d->irq_line);
	}
	if (n < (int)size) {
		n += snprintf(buf + n, size - n, "%s%s%s", d->msi_cap ? " msi" : "",
			      d->msix_cap ? " msix" : "", d->pcie_cap ? " pcie" : "");
	}
	return n;
}

static void walk_bus(struct walk *w, uint8_t bus);

static void walk_function(struct walk *w, uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev probe = {.segment = w->seg, .bus = bus, .dev = dev, .fn = fn};
	char line[DESCRIBE_MAX];
	struct pci_dev *d;

	if (w->count == w->max) {
		pr_warn("%04x:%02x:%02x.%u: more than %u functions; ignoring it\n", w->seg, bus,
			dev, fn, w->max);
		return;
	}
	d = &w->devs[w->count++];
	*d = probe;
	function_read(d);
	pci_dev_describe(d, line, sizeof(line));
	pr_info("%s\n", line);
	/* Firmware numbered the buses; a secondary bus at or below ours is not one to walk. */
	if (d->header_type == PCI_HEADER_BRIDGE && d->secondary_bus > bus) {
		walk_bus(w, d->secondary_bus);
	}
}

static void walk_device(struct walk *w, uint8_t bus, uint8_t dev)
{
	uint8_t fns = 1;

	if (pci_read16(w->seg, bus, dev, 0, PCI_VENDOR_ID) == PCI_VENDOR_NONE) {
		return;
	}
	if (pci_read8(w->seg, bus, dev, 0, PCI_HEADER_TYPE) & PCI_HEADER_MULTI_FN) {
		fns = PCI_MAX_FN;
	}
	for (uint8_t fn = 0; fn < fns; fn++) {
		if (pci_read16(w->seg, bus, dev, fn, PCI_VENDOR_ID) != PCI_VENDOR_NONE) {
			walk_function(w, bus, dev, fn);
		}
	}
}

static void walk_bus(struct walk *w, uint8_t bus)
{
	if (w->bus_seen[bus]) {
		pr_warn("bus %02x reached twice; not walking it again\n", bus);
		return;
	}
	w->bus_seen[bus] = true;
	for (uint8_t dev = 0; dev < PCI_MAX_DEV; dev++) {
		walk_device(w, bus, dev);
	}
}

unsigned int pci_enumerate(uint16_t seg, struct pci_dev *devs, unsigned int max)
{
	static struct walk w;

	memset(&w, 0, sizeof(w));
	w.seg = seg;
	w.devs = devs;
	w.max = max;
	walk_bus(&w, 0);
	return w.count;
}
