// SPDX-License-Identifier: MIT
/*
 * pci_irq.c - a PCI device's interrupt, delivered to one CPU (device
 * dedication): MSI-X table entry 0, else MSI with one message, else the INTx
 * pin through the IOAPIC. The vector comes from the pool of idt.c, whose
 * dispatcher calls the driver's handler with interrupts off and then sends
 * the EOI.
 *
 * INTx routing: the firmware's Interrupt Line register is taken as the ISA
 * IRQ, and the MADT's interrupt source overrides give its GSI, polarity and
 * trigger. SeaBIOS programs the line with the IRQ its PIRQ link routes to
 * (pc: PIIX3 links A-D; q35: ICH9 PIRQA-H), and QEMU's IOAPIC sees those
 * IRQs as well, so this works on both; q35 also wires PIRQA-H to GSIs 16-23,
 * which is what its ACPI _PRT says. Reading _PRT needs an AML interpreter and
 * is not done: on firmware that leaves the line unset (0 or 0xff) INTx is
 * unavailable and pci_irq_setup() returns -ENODEV unless MSI works.
 *
 * Interrupts are enabled on a CPU only while it idles (arch_idle(): STI;
 * HLT), so a handler runs when its CPU has nothing else to do: in a
 * cooperative kernel nothing is preempted, and the latency is that of the
 * running thread's next yield.
 */
#define pr_fmt(fmt) "pci: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <kernel/errno.h>
#include <kernel/pci.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <asm/ioapic.h>
#include <asm/irq_vectors.h>
#include "pci_internal.h"
#include "pci_reg.h"

/* The Interrupt Line values that mean "not connected" (PCI 3.0 §6.2.4, x86 convention). */
#define PCI_IRQ_LINE_NONE 0xff

static uint32_t msi_address(unsigned int cpu)
{
	return MSI_ADDRESS_BASE | cpu_data[cpu].apic_id << MSI_ADDRESS_DEST_SHIFT;
}

static void intx_disable(struct pci_dev *d, bool disable)
{
	uint16_t command = pci_dev_read16(d, PCI_COMMAND);

	if (disable) {
		command |= PCI_COMMAND_INTX_DISABLE;
	} else {
		command &= ~PCI_COMMAND_INTX_DISABLE;
	}
	pci_dev_write16(d, PCI_COMMAND, command);
}

/* Turn MSI and MSI-X off, so the device goes back to its INTx pin. */
static void msi_off(struct pci_dev *d)
{
	if (d->msi_cap) {
		uint16_t flags = pci_dev_read16(d, d->msi_cap + PCI_MSI_FLAGS);

		pci_dev_write16(d, d->msi_cap + PCI_MSI_FLAGS, flags & ~PCI_MSI_FLAGS_ENABLE);
	}
	if (d->msix_cap) {
		uint16_t flags = pci_dev_read16(d, d->msix_cap + PCI_MSIX_FLAGS);

		pci_dev_write16(d, d->msix_cap + PCI_MSIX_FLAGS, flags & ~PCI_MSIX_FLAGS_ENABLE);
	}
}

/* PCI 3.0 §6.8.2: program table entry 0, unmask it, enable MSI-X. */
static int msix_setup(struct pci_dev *d, int vector, unsigned int cpu)
{
	uint32_t table = pci_dev_read32(d, d->msix_cap + PCI_MSIX_TABLE);
	unsigned int bir = table & PCI_MSIX_BIR_MASK;
	volatile uint8_t *bar = bir < PCI_BAR_COUNT ? pci_bar_map(d, bir) : NULL;
	volatile uint32_t *entry;
	uint16_t flags;

	if (!bar || (table & PCI_MSIX_OFFSET_MASK) + PCI_MSIX_ENTRY_SIZE > pci_bar_size(d, bir)) {
		return -ENODEV;
	}
	pci_enable_mem(d);
	entry = (volatile uint32_t *)(bar + (table & PCI_MSIX_OFFSET_MASK));
	flags = pci_dev_read16(d, d->msix_cap + PCI_MSIX_FLAGS);
	/* Mask every entry while the table changes, then enable. */
	pci_dev_write16(d, d->msix_cap + PCI_MSIX_FLAGS, flags | PCI_MSIX_FLAGS_MASKALL);
	entry[PCI_MSIX_ENTRY_ADDR_LO / sizeof(uint32_t)] = msi_address(cpu);
	entry[PCI_MSIX_ENTRY_ADDR_HI / sizeof(uint32_t)] = 0;
	entry[PCI_MSIX_ENTRY_DATA / sizeof(uint32_t)] = vector & MSI_DATA_VECTOR_MASK;
	entry[PCI_MSIX_ENTRY_CTRL / sizeof(uint32_t)] &= ~PCI_MSIX_ENTRY_CTRL_MASKED;
	/* A message is a memory write the device masters (PCI 3.0 §6.8). */
	pci_enable_bus_master(d);
	intx_disable(d, true);
	flags = (flags | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL;
	pci_dev_write16(d, d->msix_cap + PCI_MSIX_FLAGS, flags);
	return PCI_IRQ_MSIX;
}

/* PCI 3.0 §6.8.1: one message (multiple message enable 0), then enable. */
static int msi_setup(struct pci_dev *d, int vector, unsigned int cpu)
{
	uint16_t flags = pci_dev_read16(d, d->msi_cap + PCI_MSI_FLAGS);
	uint16_t data_off = flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32;

	pci_dev_write32(d, d->msi_cap + PCI_MSI_ADDRESS_LO, msi_address(cpu));
	if (flags & PCI_MSI_FLAGS_64BIT) {
		pci_dev_write32(d, d->msi_cap + PCI_MSI_ADDRESS_HI, 0);
	}
	pci_dev_write16(d, d->msi_cap + data_off, vector & MSI_DATA_VECTOR_MASK);
	/* A message is a memory write the device masters (PCI 3.0 §6.8). */
	pci_enable_bus_master(d);
	intx_disable(d, true);
	flags = (flags & ~PCI_MSI_FLAGS_QSIZE_MASK) | PCI_MSI_FLAGS_ENABLE;
	pci_dev_write16(d, d->msi_cap + PCI_MSI_FLAGS, flags);
	return PCI_IRQ_MSI;
}

/* INTx: the Interrupt Line as an ISA IRQ, through the MADT overrides (see the top). */
static int intx_setup(struct pci_dev *d, int vector, unsigned int cpu)
{
	uint16_t flags;
	uint32_t gsi;
	int err;

	if (!d->irq_pin || !d->irq_line || d->irq_line == PCI_IRQ_LINE_NONE) {
		return -ENODEV;
	}
	gsi = irq_isa_to_gsi(d->irq_line, &flags);
	/* No override: PCI's own convention, level triggered, active low (PCI 3.0 §2.2.6). */
	if ((flags & IRQ_TRIGGER_MASK) == IRQ_TRIGGER_CONFORMS) {
		flags |= IRQ_TRIGGER_LEVEL;
	}
	if ((flags & IRQ_POLARITY_MASK) == IRQ_POLARITY_CONFORMS) {
		flags |= IRQ_POLARITY_LOW;
	}
	err = ioapic_route(gsi, vector, cpu_data[cpu].apic_id, flags);
	if (err < 0) {
		return err;
	}
	msi_off(d);
	intx_disable(d, false);
	return PCI_IRQ_INTX;
}

static int irq_try(struct pci_dev *d, int kind, int vector, unsigned int cpu)
{
	if (kind == PCI_IRQ_MSIX && d->msix_cap) {
		return msix_setup(d, vector, cpu);
	}
	if (kind == PCI_IRQ_MSI && d->msi_cap) {
		return msi_setup(d, vector, cpu);
	}
	if (kind == PCI_IRQ_INTX) {
		return intx_setup(d, vector, cpu);
	}
	return -ENODEV;
}

static const char *const irq_kind_name[] = {
	[PCI_IRQ_INTX] = "INTx",
	[PCI_IRQ_MSI] = "MSI",
	[PCI_IRQ_MSIX] = "MSI-X",
};

/* @kind 0: MSI-X, then MSI, then INTx. */
static int irq_setup(struct pci_dev *d, int kind, void (*handler)(void *), void *arg,
		     unsigned int cpu)
{
	int vector, ret = -ENODEV;

	if (!handler || cpu >= cpu_count()) {
		return -EINVAL;
	}
	vector = irq_vector_alloc(handler, arg);
	if (vector < 0) {
		return vector;
	}
	for (int k = PCI_IRQ_MSIX; k >= PCI_IRQ_INTX && ret < 0; k--) {
		if (!kind || k == kind) {
			ret = irq_try(d, k, vector, cpu);
		}
	}
	if (ret < 0) {
		irq_vector_free(vector);
		return ret;
	}
	d->irq_vector = vector;
	pr_info("%04x:%02x:%02x.%u: %s, vector 0x%x, cpu %u\n", d->segment, d->bus, d->dev, d->fn,
		irq_kind_name[ret], vector, cpu);
	return ret;
}

int pci_irq_setup(struct pci_dev *d, void (*handler)(void *arg), void *arg, unsigned int cpu)
{
	return irq_setup(d, 0, handler, arg, cpu);
}

int pci_irq_setup_kind(struct pci_dev *d, int kind, void (*handler)(void *arg), void *arg,
		       unsigned int cpu)
{
	if (kind < PCI_IRQ_INTX || kind > PCI_IRQ_MSIX) {
		return -EINVAL;
	}
	return irq_setup(d, kind, handler, arg, cpu);
}

void pci_irq_release(struct pci_dev *d)
{
	if (!d->irq_vector) {
		return;
	}
	msi_off(d);
	intx_disable(d, true);
	irq_vector_free(d->irq_vector);
	d->irq_vector = 0;
}
