// SPDX-License-Identifier: MIT
/*
 * test_pci_enum.c - drivers/bus/pci_enum.c on a fake configuration space.
 *
 * The fake is a byte array per function with the BAR registers emulated:
 * writes keep only the address bits a BAR of its size decodes, so the
 * all-ones probe reads back the size mask. It also records whether a BAR was
 * probed while the function's command register had decoding on. Topology:
 *
 *   bus 0: 00.0 host bridge; 01.0 and 01.2 a multi-function device (01.1
 *          absent); 02.0 a bridge to buses 1-1; 03.0 a bridge whose secondary
 *          bus is 0 (misnumbered: not walked again)
 *   bus 1: 05.0 a device with a 64-bit prefetchable BAR, an I/O BAR, an
 *          unimplemented BAR and the capability list MSI -> MSI-X -> PCIe
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"
#include <kernel/pci.h>
#include "../../../../drivers/bus/pci_internal.h"
#include "../../../../drivers/bus/pci_reg.h"

#define BUSES 2

struct fake_fn {
	bool present;
	uint8_t cfg[PCI_CONFIG_SIZE];
	uint64_t bar_size[PCI_BAR_COUNT]; /* 0: unimplemented; a 64-bit BAR's size in its low one */
};

static struct fake_fn space[BUSES][PCI_MAX_DEV][PCI_MAX_FN];
static bool probed_while_decoding;
static char log_text[8192];

int printk(int level, const char *fmt, ...)
{
	size_t len = strlen(log_text);
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(log_text + len, sizeof(log_text) - len, fmt, ap);
	va_end(ap);
	return 0;
}

static struct fake_fn *fn_at(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (seg || bus >= BUSES || !space[bus][dev][fn].present) {
		return NULL;
	}
	return &space[bus][dev][fn];
}

uint32_t pci_read32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	struct fake_fn *f = fn_at(seg, bus, dev, fn);
	uint32_t v;

	if (!f) {
		return UINT32_MAX;
	}
	memcpy(&v, f->cfg + off, sizeof(v));
	return v;
}

uint16_t pci_read16(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return pci_read32(seg, bus, dev, fn, off & ~3u) >> (8 * (off & 2));
}

uint8_t pci_read8(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return pci_read32(seg, bus, dev, fn, off & ~3u) >> (8 * (off & 3));
}

/* The value a BAR register holds after @v is written: address bits only, flags kept. */
static uint32_t bar_store(struct fake_fn *f, unsigned int i, uint32_t v)
{
	uint32_t old;
	uint64_t size;

	memcpy(&old, f->cfg + PCI_BAR0 + 4 * i, sizeof(old));
	if (i > 0 && !f->bar_size[i] && (f->cfg[PCI_BAR0 + 4 * (i - 1)] & PCI_BAR_MEM_TYPE_64)) {
		size = f->bar_size[i - 1]; /* the upper half of a 64-bit BAR */
		return (uint32_t)((~(size - 1) >> 32) & v);
	}
	size = f->bar_size[i];
	if (!size) {
		return 0;
	}
	if (old & PCI_BAR_IO) {
		return (v & ~(uint32_t)(size - 1) & PCI_BAR_IO_MASK) | (old & ~PCI_BAR_IO_MASK);
	}
	return (v & ~(uint32_t)(size - 1) & PCI_BAR_MEM_MASK) | (old & ~PCI_BAR_MEM_MASK);
}

void pci_write32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	struct fake_fn *f = fn_at(seg, bus, dev, fn);
	unsigned int bars = PCI_BAR_COUNT;

	if (!f) {
		return;
	}
	if ((f->cfg[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK) == PCI_HEADER_BRIDGE) {
		bars = PCI_BARS_BRIDGE;
	}
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * bars) {
		if (v == UINT32_MAX &&
		    (f->cfg[PCI_COMMAND] & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))) {
			probed_while_decoding = true;
		}
		v = bar_store(f, (off - PCI_BAR0) / 4, v);
	}
	memcpy(f->cfg + off, &v, sizeof(v));
}

void pci_write16(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint16_t v)
{
	struct fake_fn *f = fn_at(seg, bus, dev, fn);

	if (f) {
		memcpy(f->cfg + off, &v, sizeof(v));
	}
}

void pci_write8(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint8_t v)
{
	struct fake_fn *f = fn_at(seg, bus, dev, fn);

	if (f) {
		f->cfg[off] = v;
	}
}

static struct fake_fn *add_fn(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor,
			      uint16_t device, uint32_t class_code, uint8_t header)
{
	struct fake_fn *f = &space[bus][dev][fn];

	f->present = true;
	memcpy(f->cfg + PCI_VENDOR_ID, &vendor, 2);
	memcpy(f->cfg + PCI_DEVICE_ID, &device, 2);
	f->cfg[PCI_REVISION_ID] = 1;
	f->cfg[PCI_PROG_IF] = class_code & 0xff;
	f->cfg[PCI_SUBCLASS] = (class_code >> 8) & 0xff;
	f->cfg[PCI_CLASS] = class_code >> 16;
	f->cfg[PCI_HEADER_TYPE] = header;
	f->cfg[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
	return f;
}

static void set_bar(struct fake_fn *f, unsigned int i, uint32_t value, uint64_t size)
{
	memcpy(f->cfg + PCI_BAR0 + 4 * i, &value, 4);
	f->bar_size[i] = size;
}

static void add_cap(struct fake_fn *f, uint8_t pos, uint8_t id, uint8_t next)
{
	f->cfg[pos + PCI_CAP_ID] = id;
	f->cfg[pos + PCI_CAP_NEXT] = next;
}

static void build_topology(void)
{
	struct fake_fn *f;

	add_fn(0, 0, 0, 0x8086, 0x29c0, 0x060000, PCI_HEADER_NORMAL);
	f = add_fn(0, 1, 0, 0x8086, 0x7000, 0x060100, PCI_HEADER_NORMAL | PCI_HEADER_MULTI_FN);
	f = add_fn(0, 1, 2, 0x8086, 0x7010, 0x010180, PCI_HEADER_NORMAL);
	set_bar(f, 4, 0xd040 | PCI_BAR_IO, 0x10);
	f = add_fn(0, 2, 0, 0x1b36, 0x0001, 0x060400, PCI_HEADER_BRIDGE);
	f->cfg[PCI_PRIMARY_BUS] = 0;
	f->cfg[PCI_SECONDARY_BUS] = 1;
	f->cfg[PCI_SUBORDINATE_BUS] = 1;
	f = add_fn(0, 3, 0, 0x1b36, 0x0001, 0x060400, PCI_HEADER_BRIDGE);
	f->cfg[PCI_INTERRUPT_PIN] = 1;
	f->cfg[PCI_INTERRUPT_LINE] = 11;

	f = add_fn(1, 5, 0, 0x1af4, 0x1041, 0x020000, PCI_HEADER_NORMAL);
	set_bar(f, 0, 0xfe000000, 0x1000);
	set_bar(f, 2, 0x80000000 | PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH, 0x4000);
	f->cfg[PCI_BAR0 + 4 * 3] = 0x1; /* upper half: 0x1_8000_0000 */
	set_bar(f, 5, 0xc000 | PCI_BAR_IO, 0x40);
	f->cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	f->cfg[PCI_CAPABILITY_LIST] = 0x40;
	add_cap(f, 0x40, PCI_CAP_ID_MSI, 0x50);
	add_cap(f, 0x50, PCI_CAP_ID_MSIX, 0x60);
	add_cap(f, 0x60, PCI_CAP_ID_PCIE, 0x00);
	f->cfg[PCI_INTERRUPT_PIN] = 1;
	f->cfg[PCI_INTERRUPT_LINE] = 10;
}

static void test_walk(void)
{
	struct pci_dev devs[PCI_DEV_MAX];
	unsigned int n;
	const struct pci_dev *d;

	build_topology();
	n = pci_enumerate(0, devs, PCI_DEV_MAX);
	CHECK_EQ(n, 6u);
	CHECK(!probed_while_decoding);
	/* Depth first: the bridge's bus comes right after the bridge. */
	CHECK(devs[0].bus == 0 && devs[0].dev == 0);
	CHECK(devs[1].dev == 1 && devs[1].fn == 0);
	CHECK(devs[2].dev == 1 && devs[2].fn == 2);
	CHECK(devs[3].dev == 2 && devs[3].header_type == PCI_HEADER_BRIDGE);
	CHECK(devs[3].secondary_bus == 1 && devs[3].subordinate_bus == 1);
	CHECK(devs[4].bus == 1 && devs[4].dev == 5);
	CHECK(devs[5].bus == 0 && devs[5].dev == 3);

	d = &devs[2];
	CHECK(d->bar[4].type == PCI_BAR_TYPE_IO && d->bar[4].addr == 0xd040 &&
	      d->bar[4].size == 0x10);

	d = &devs[4];
	CHECK_EQ(d->vendor, 0x1af4);
	CHECK_EQ(d->device, 0x1041);
	CHECK(d->class == 0x02 && d->subclass == 0x00 && d->revision == 1);
	CHECK(d->bar[0].type == PCI_BAR_TYPE_MEM32 && d->bar[0].addr == 0xfe000000 &&
	      d->bar[0].size == 0x1000 && !d->bar[0].prefetchable);
	CHECK(d->bar[1].type == PCI_BAR_NONE);
	CHECK(d->bar[2].type == PCI_BAR_TYPE_MEM64 && d->bar[2].addr == 0x180000000ull &&
	      d->bar[2].size == 0x4000 && d->bar[2].prefetchable);
	CHECK(d->bar[3].type == PCI_BAR_NONE); /* the 64-bit BAR's upper half */
	CHECK(d->bar[5].type == PCI_BAR_TYPE_IO && d->bar[5].size == 0x40);
	CHECK(d->msi_cap == 0x40 && d->msix_cap == 0x50 && d->pcie_cap == 0x60);
	CHECK(d->irq_pin == 1 && d->irq_line == 10);
	/* The probe left the BARs and the command register as they were. */
	CHECK_EQ(pci_read32(0, 1, 5, 0, PCI_BAR0 + 8),
		 0x80000000u | PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH);
	CHECK_EQ(pci_read32(0, 1, 5, 0, PCI_BAR0 + 12), 1u);
	CHECK_EQ(pci_read16(0, 1, 5, 0, PCI_COMMAND), PCI_COMMAND_IO | PCI_COMMAND_MEMORY);

	CHECK(strstr(log_text, "0000:01:05.0: [1af4:1041] class 0x020000 bar0 mem "
			       "0xfe000000/0x1000 bar2 mem64 pref 0x180000000/0x4000 bar5 io "
			       "0xc000/0x40 INTA irq 10 msi msix pcie\n") != NULL);
	CHECK(strstr(log_text, "0000:00:02.0: [1b36:0001] class 0x060400 bridge [bus 01-01]\n"));
}

static void test_too_many(void)
{
	struct pci_dev devs[2];

	log_text[0] = 0;
	CHECK_EQ(pci_enumerate(0, devs, 2), 2u);
	CHECK(strstr(log_text, "more than 2 functions") != NULL);
}

int main(void)
{
	test_walk();
	test_too_many();
	return harness_report();
}
