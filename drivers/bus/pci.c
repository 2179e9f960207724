// SPDX-License-Identifier: MIT
/*
 * pci.c - the PCI bus: at INITCALL_SUBSYS choose the configuration access
 * (pci_config.c), enumerate (pci_enum.c), then call the probe() of every
 * compiled-in driver (the .driver.pci table DRIVER_PCI() fills) for each
 * device its id table matches; the small helpers drivers use, and the
 * listing for applications (<toro/pci.h>).
 */
#define pr_fmt(fmt) "pci: " fmt
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <toro/pci.h>
#include <kernel/errno.h>
#include <kernel/initcall.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <asm/paging.h>
#include "pci_internal.h"
#include "pci_reg.h"

/* toro.lds.S: the DRIVER_PCI() entries of every linked object. */
extern const struct pci_driver __driver_pci_start[], __driver_pci_end[];

static struct pci_dev devs[PCI_DEV_MAX];
static unsigned int dev_count;

unsigned int pci_dev_count(void)
{
	return dev_count;
}

struct pci_dev *pci_dev_get(unsigned int i)
{
	return i < dev_count ? &devs[i] : NULL;
}

int pci_device_info(unsigned int index, struct pci_info *info)
{
	const struct pci_dev *d = pci_dev_get(index);

	if (!d) {
		return -ENODEV;
	}
	*info = (struct pci_info){
		.segment = d->segment,
		.bus = d->bus,
		.dev = d->dev,
		.fn = d->fn,
		.vendor = d->vendor,
		.device = d->device,
		.class = d->class,
		.subclass = d->subclass,
		.prog_if = d->prog_if,
		.revision = d->revision,
	};
	return 0;
}

static void command_set(struct pci_dev *d, uint16_t bits)
{
	pci_dev_write16(d, PCI_COMMAND, pci_dev_read16(d, PCI_COMMAND) | bits);
}

void pci_enable_mem(struct pci_dev *d)
{
	command_set(d, PCI_COMMAND_MEMORY);
}

void pci_enable_io(struct pci_dev *d)
{
	command_set(d, PCI_COMMAND_IO);
}

void pci_enable_bus_master(struct pci_dev *d)
{
	command_set(d, PCI_COMMAND_MASTER);
}

uint64_t pci_bar_addr(const struct pci_dev *d, unsigned int i)
{
	return i < PCI_BAR_COUNT ? d->bar[i].addr : 0;
}

uint64_t pci_bar_size(const struct pci_dev *d, unsigned int i)
{
	return i < PCI_BAR_COUNT ? d->bar[i].size : 0;
}

volatile void *pci_bar_map(const struct pci_dev *d, unsigned int i)
{
	if (i >= PCI_BAR_COUNT || !d->bar[i].addr || d->bar[i].type == PCI_BAR_TYPE_IO ||
	    d->bar[i].type == PCI_BAR_NONE) {
		return NULL;
	}
	if (paging_map_mmio(d->bar[i].addr, d->bar[i].size) < 0) {
		pr_warn("%04x:%02x:%02x.%u: cannot map bar%u at 0x%llx\n", d->segment, d->bus,
			d->dev, d->fn, i, (unsigned long long)d->bar[i].addr);
		return NULL;
	}
	return (volatile void *)(uintptr_t)d->bar[i].addr;
}

bool pci_bar_is_io(const struct pci_dev *d, unsigned int i)
{
	return i < PCI_BAR_COUNT && d->bar[i].type == PCI_BAR_TYPE_IO;
}

static bool id_field_matches(uint32_t want, uint32_t have)
{
	return want == PCI_ANY_ID || want == have;
}

/* The first entry of @ids that matches @d, or NULL. */
static const struct pci_device_id *id_match(const struct pci_device_id *ids,
					    const struct pci_dev *d)
{
	for (; ids->vendor; ids++) {
		if (id_field_matches(ids->vendor, d->vendor) &&
		    id_field_matches(ids->device, d->device) &&
		    id_field_matches(ids->class, d->class) &&
		    id_field_matches(ids->subclass, d->subclass)) {
			return ids;
		}
	}
	return NULL;
}

static void driver_attach(const struct pci_driver *drv)
{
	for (unsigned int i = 0; i < dev_count; i++) {
		const struct pci_device_id *id = id_match(drv->ids, &devs[i]);
		int err;

		if (!id) {
			continue;
		}
		err = drv->probe(&devs[i], id);
		if (err < 0) {
			pr_warn("%s: probe of %04x:%02x:%02x.%u failed (%d)\n", drv->name,
				devs[i].segment, devs[i].bus, devs[i].dev, devs[i].fn, err);
		}
	}
}

/* CONFIG_DEBUG_PCI: prefetchable BARs read without side effects (PCI 3.0 §6.2.5.1). */
static void bars_read_check(struct pci_dev *d)
{
	for (unsigned int i = 0; i < PCI_BAR_COUNT; i++) {
		volatile uint32_t *p;

		if (!d->bar[i].prefetchable || !(p = pci_bar_map(d, i))) {
			continue;
		}
		pci_enable_mem(d);
		pr_info("%04x:%02x:%02x.%u: bar%u at 0x%llx mapped, reads 0x%x\n", d->segment,
			d->bus, d->dev, d->fn, i, (unsigned long long)d->bar[i].addr, *p);
	}
}

static int pci_init(void)
{
	pci_config_init();
	dev_count = pci_enumerate(0, devs, PCI_DEV_MAX);
	pr_info("%u device%s\n", dev_count, dev_count == 1 ? "" : "s");
	for (unsigned int i = 0; IS_ENABLED(CONFIG_DEBUG_PCI) && i < dev_count; i++) {
		bars_read_check(&devs[i]);
	}
	for (const struct pci_driver *drv = __driver_pci_start; drv < __driver_pci_end; drv++) {
		driver_attach(drv);
	}
	return 0;
}
initcall(pci_init, INITCALL_SUBSYS);
