/* SPDX-License-Identifier: MIT */
/*
 * pci.h - the PCI bus as drivers see it (drivers/bus/).
 *
 * At INITCALL_SUBSYS the bus code picks a configuration access method (ECAM
 * from the ACPI MCFG when there is one, else mechanism #1), walks every bus
 * reachable through the bridges as the firmware numbered them, records each
 * function in a struct pci_dev and logs it. Then each compiled-in driver
 * registered with DRIVER_PCI() has its probe() called once per device its id
 * table matches:
 *
 *   static const struct pci_device_id e1000_ids[] = {
 *           {PCI_VENDOR_INTEL, 0x100e, PCI_ANY_ID, PCI_ANY_ID},
 *           {0},
 *   };
 *   static int e1000_probe(struct pci_dev *dev, const struct pci_device_id *id);
 *   DRIVER_PCI(e1000, e1000_ids, e1000_probe);
 *
 * probe() enables what it needs (pci_enable_mem(), pci_enable_bus_master()),
 * reads its BARs (pci_bar_addr()) and asks for its interrupt with
 * pci_irq_setup().
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_ANY_ID 0xffffffffu
#define PCI_BAR_COUNT 6

enum pci_bar_type {
	PCI_BAR_NONE = 0,
	PCI_BAR_TYPE_IO,
	PCI_BAR_TYPE_MEM32,
	PCI_BAR_TYPE_MEM64,
};

struct pci_bar {
	uint64_t addr; /* as the firmware assigned it; 0 if unassigned */
	uint64_t size; /* 0: not implemented */
	enum pci_bar_type type;
	bool prefetchable;
};

struct pci_dev {
	uint16_t segment;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, prog_if, revision;
	uint8_t header_type; /* PCI_HEADER_* layout, without the multi-function bit */
	uint8_t irq_pin;     /* 0: none, 1-4: INTA#-INTD# */
	uint8_t irq_line;    /* as the firmware wrote it (the ISA IRQ on PCs) */
	uint8_t secondary_bus, subordinate_bus; /* bridges only */
	uint8_t msi_cap, msix_cap, pcie_cap;	/* config offsets; 0: absent */
	struct pci_bar bar[PCI_BAR_COUNT];
	int irq_vector; /* after pci_irq_setup(); 0 before */
};

/* An id table entry; a table ends with an entry whose vendor is 0. */
struct pci_device_id {
	uint32_t vendor, device; /* PCI_ANY_ID matches any */
	uint32_t class, subclass;
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *ids;
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
};

/* Register a driver in the linker-section table the bus walks after enumeration. */
#define DRIVER_PCI(drv_name, id_table, probe_fn)                                                   \
	static const struct pci_driver __pci_driver_##drv_name __attribute__((used))               \
	__attribute__((section(".driver.pci"), aligned(8))) = {#drv_name, id_table, probe_fn}

/*
 * Configuration space of function (@seg, @bus, @dev, @fn) at @off. A read
 * where no function answers returns all ones. Accesses must be naturally
 * aligned.
 */
uint32_t pci_read32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
uint16_t pci_read16(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
uint8_t pci_read8(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off);
void pci_write32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v);
void pci_write16(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint16_t v);
void pci_write8(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint8_t v);

/* The same, for a device found by enumeration. */
static inline uint32_t pci_dev_read32(const struct pci_dev *d, uint16_t off)
{
	return pci_read32(d->segment, d->bus, d->dev, d->fn, off);
}

static inline uint16_t pci_dev_read16(const struct pci_dev *d, uint16_t off)
{
	return pci_read16(d->segment, d->bus, d->dev, d->fn, off);
}

static inline uint8_t pci_dev_read8(const struct pci_dev *d, uint16_t off)
{
	return pci_read8(d->segment, d->bus, d->dev, d->fn, off);
}

static inline void pci_dev_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	pci_write32(d->segment, d->bus, d->dev, d->fn, off, v);
}

static inline void pci_dev_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	pci_write16(d->segment, d->bus, d->dev, d->fn, off, v);
}

static inline void pci_dev_write8(const struct pci_dev *d, uint16_t off, uint8_t v)
{
	pci_write8(d->segment, d->bus, d->dev, d->fn, off, v);
}


/* Devices found; valid after INITCALL_SUBSYS. pci_dev_get(i) is NULL past the end. */
unsigned int pci_dev_count(void);
struct pci_dev *pci_dev_get(unsigned int i);

/* Turn on memory decoding, I/O decoding, DMA (bus mastering) for @d. */
void pci_enable_mem(struct pci_dev *d);
void pci_enable_io(struct pci_dev *d);
void pci_enable_bus_master(struct pci_dev *d);

/* BAR @i's address and size; 0 when @i is out of range or not implemented. */
uint64_t pci_bar_addr(const struct pci_dev *d, unsigned int i);
uint64_t pci_bar_size(const struct pci_dev *d, unsigned int i);
/*
 * A pointer to memory BAR @i (identity map; a BAR above 4 GiB is mapped
 * uncached on first use, from CPU 0 at init), or NULL for an I/O,
 * unassigned or unmappable BAR.
 */
volatile void *pci_bar_map(const struct pci_dev *d, unsigned int i);
/* True when BAR @i decodes I/O ports rather than memory. */
bool pci_bar_is_io(const struct pci_dev *d, unsigned int i);

/*
 * Deliver @d's interrupt to CPU @cpu, which calls @handler(@arg) with
 * interrupts off (the handler must quiet the device; the EOI is sent after
 * it). Tries MSI-X (entry 0), then MSI, then INTx through the IOAPIC.
 * Returns the kind used (PCI_IRQ_MSIX, PCI_IRQ_MSI, PCI_IRQ_INTX) or
 * -ENOSPC (no vector free), -ENODEV (no interrupt at all), -EINVAL.
 * Interrupts are taken only while @cpu idles (arch_idle(): STI; HLT).
 */
#define PCI_IRQ_INTX 1
#define PCI_IRQ_MSI 2
#define PCI_IRQ_MSIX 3
int pci_irq_setup(struct pci_dev *d, void (*handler)(void *arg), void *arg, unsigned int cpu);

/* The same, forcing one kind (tests, drivers that know better); -ENODEV if absent. */
int pci_irq_setup_kind(struct pci_dev *d, int kind, void (*handler)(void *arg), void *arg,
		       unsigned int cpu);

/*
 * Undo pci_irq_setup(): MSI and MSI-X off, INTx disabled in the command
 * register, the vector back to the pool. An IOAPIC entry stays as it was
 * (the device no longer asserts its pin).
 */
void pci_irq_release(struct pci_dev *d);

#endif
