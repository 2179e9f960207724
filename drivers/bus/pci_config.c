// SPDX-License-Identifier: MIT
/*
 * pci_config.c - configuration space access: PCIe ECAM when the ACPI MCFG
 * describes one (q35), else configuration mechanism #1 through ports
 * 0xcf8/0xcfc (pc). pci_config_init() chooses once, before enumeration;
 * every pci_read*()/pci_write*() goes through the chosen method.
 *
 * Mechanism #1 reaches only the first 256 bytes of a function and takes two
 * port accesses, which are not atomic: callers run on one CPU at boot, and
 * drivers afterwards touch only their own device from its owner CPU.
 */
#define pr_fmt(fmt) "pci: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/paging.h>
#include "pci_internal.h"
#include "pci_reg.h"

static struct {
	uintptr_t base; /* ECAM base of bus 0; 0: use mechanism #1 */
	uint16_t segment;
	uint8_t start_bus, end_bus;
} ecam;

static uint32_t mech1_address(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return PCI_CONFIG_ADDRESS_ENABLE | (uint32_t)bus << PCI_CONFIG_ADDRESS_BUS_SHIFT |
	       (uint32_t)dev << PCI_CONFIG_ADDRESS_DEV_SHIFT |
	       (uint32_t)fn << PCI_CONFIG_ADDRESS_FN_SHIFT | (off & PCI_CONFIG_ADDRESS_REG_MASK);
}

/* The ECAM address of the register, or 0 when ECAM does not cover it. */
static uintptr_t ecam_address(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	if (!ecam.base || seg != ecam.segment || bus < ecam.start_bus || bus > ecam.end_bus) {
		return 0;
	}
	return ecam.base + ((uintptr_t)bus << PCI_ECAM_BUS_SHIFT) +
	       ((uintptr_t)dev << PCI_ECAM_DEV_SHIFT) + ((uintptr_t)fn << PCI_ECAM_FN_SHIFT) + off;
}

/* Mechanism #1 reaches segment 0 and the conventional 256 bytes only. */
static bool mech1_reaches(uint16_t seg, uint16_t off)
{
	return seg == 0 && off < PCI_CONFIG_SIZE;
}

uint32_t pci_read32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	uintptr_t a = ecam_address(seg, bus, dev, fn, off);

	if (a) {
		return *(volatile uint32_t *)a;
	}
	if (!mech1_reaches(seg, off)) {
		return UINT32_MAX;
	}
	outl(PCI_CONFIG_ADDRESS_PORT, mech1_address(bus, dev, fn, off));
	return inl(PCI_CONFIG_DATA_PORT);
}

uint16_t pci_read16(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	uintptr_t a = ecam_address(seg, bus, dev, fn, off);

	if (a) {
		return *(volatile uint16_t *)a;
	}
	if (!mech1_reaches(seg, off)) {
		return UINT16_MAX;
	}
	outl(PCI_CONFIG_ADDRESS_PORT, mech1_address(bus, dev, fn, off));
	return inw(PCI_CONFIG_DATA_PORT + (off & 2));
}

uint8_t pci_read8(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	uintptr_t a = ecam_address(seg, bus, dev, fn, off);

	if (a) {
		return *(volatile uint8_t *)a;
	}
	if (!mech1_reaches(seg, off)) {
		return UINT8_MAX;
	}
	outl(PCI_CONFIG_ADDRESS_PORT, mech1_address(bus, dev, fn, off));
	return inb(PCI_CONFIG_DATA_PORT + (off & 3));
}

void pci_write32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	uintptr_t a = ecam_address(seg, bus, dev, fn, off);

	if (a) {
		*(volatile uint32_t *)a = v;
	} else if (mech1_reaches(seg, off)) {
		outl(PCI_CONFIG_ADDRESS_PORT, mech1_address(bus, dev, fn, off));
		outl(PCI_CONFIG_DATA_PORT, v);
	}
}

void pci_write16(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint16_t v)
{
	uintptr_t a = ecam_address(seg, bus, dev, fn, off);

	if (a) {
		*(volatile uint16_t *)a = v;
	} else if (mech1_reaches(seg, off)) {
		outl(PCI_CONFIG_ADDRESS_PORT, mech1_address(bus, dev, fn, off));
		outw(PCI_CONFIG_DATA_PORT + (off & 2), v);
	}
}

void pci_write8(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint8_t v)
{
	uintptr_t a = ecam_address(seg, bus, dev, fn, off);

	if (a) {
		*(volatile uint8_t *)a = v;
	} else if (mech1_reaches(seg, off)) {
		outl(PCI_CONFIG_ADDRESS_PORT, mech1_address(bus, dev, fn, off));
		outb(PCI_CONFIG_DATA_PORT + (off & 3), v);
	}
}

/*
 * Use the MCFG's first allocation (QEMU q35 has one: segment 0, buses
 * 0-255 at 0xb0000000; one above 4 GiB is mapped first); else mechanism #1.
 */
void pci_config_init(void)
{
	const struct acpi_mcfg *mcfg = (const void *)acpi_table("MCFG");
	const struct mcfg_allocation *alloc;
	uint64_t end; /* the window of buses 0 .. end_bus: ECAM offsets count from bus 0 */

	if (!mcfg || mcfg->length < sizeof(*mcfg) + sizeof(*alloc)) {
		pr_info("config space through ports 0x%x/0x%x\n", PCI_CONFIG_ADDRESS_PORT,
			PCI_CONFIG_DATA_PORT);
		return;
	}
	alloc = &mcfg->alloc[0];
	end = alloc->base + ((uint64_t)(alloc->end_bus + 1) << PCI_ECAM_BUS_SHIFT);
	if (alloc->end_bus < alloc->start_bus || paging_map_mmio(alloc->base, end - alloc->base)) {
		pr_warn("ECAM at 0x%llx not usable; config space through ports\n",
			(unsigned long long)alloc->base);
		return;
	}
	ecam.base = alloc->base;
	ecam.segment = alloc->segment;
	ecam.start_bus = alloc->start_bus;
	ecam.end_bus = alloc->end_bus;
	pr_info("ECAM at 0x%llx, segment %u, buses %u-%u\n", (unsigned long long)alloc->base,
		alloc->segment, alloc->start_bus, alloc->end_bus);
}
