/* SPDX-License-Identifier: MIT */
/*
 * ioapic.c - the IOAPICs and the ISA interrupt overrides, as the firmware
 * tables describe them (filled by madt.c or mptable.c through cpus.h).
 *
 * At boot every redirection entry is masked (ioapic_mask_all()), so nothing
 * arrives that no handler expects; a driver routes its GSI with
 * ioapic_route() (drivers/bus/pci_irq.c for PCI INTx).
 */
#define pr_fmt(fmt) "ioapic: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include "cpus.h"
#include "ioapic_reg.h"

/* What a read from MMIO where no device answers returns. */
#define MMIO_FLOATING 0xffffffffu

static struct irq_routing routing;

static uint32_t ioapic_read(uintptr_t base, uint32_t reg)
{
	mmio_write32(base + IOAPIC_REGSEL, reg);
	return mmio_read32(base + IOAPIC_WINDOW);
}

static void ioapic_write(uintptr_t base, uint32_t reg, uint32_t v)
{
	mmio_write32(base + IOAPIC_REGSEL, reg);
	mmio_write32(base + IOAPIC_WINDOW, v);
}

const struct irq_routing *irq_routing(void)
{
	return &routing;
}

void irq_routing_reset(void)
{
	memset(&routing, 0, sizeof(routing));
}

void irq_routing_set_source(const char *source)
{
	routing.source = source;
}

int ioapic_add(uint8_t id, uint32_t addr, uint32_t gsi_base, bool gsi_follows)
{
	struct ioapic *io;
	uint32_t version;

	if (routing.ioapic_count == IOAPIC_MAX) {
		pr_warn("more than %d IOAPICs; ignoring id %u\n", IOAPIC_MAX, id);
		return -ENOSPC;
	}
	/* Floating MMIO reads as all ones: no IOAPIC there. */
	version = ioapic_read(addr, IOAPIC_REG_VERSION);
	if (version == MMIO_FLOATING) {
		pr_warn("no IOAPIC answers at 0x%x (id %u); ignoring it\n", addr, id);
		return -ENODEV;
	}
	io = &routing.ioapic[routing.ioapic_count];
	if (gsi_follows) {
		gsi_base = routing.ioapic_count ? io[-1].gsi_base + io[-1].pins : 0;
	}
	io->id = id;
	io->base = addr;
	io->gsi_base = gsi_base;
	io->pins =
		((version >> IOAPIC_VERSION_MAX_REDIR_SHIFT) & IOAPIC_VERSION_MAX_REDIR_MASK) + 1;
	routing.ioapic_count++;
	return 0;
}

const struct ioapic *ioapic_by_id(uint8_t id)
{
	for (unsigned int i = 0; i < routing.ioapic_count; i++) {
		if (routing.ioapic[i].id == id) {
			return &routing.ioapic[i];
		}
	}
	return NULL;
}

const struct ioapic *ioapic_for_gsi(uint32_t gsi)
{
	for (unsigned int i = 0; i < routing.ioapic_count; i++) {
		const struct ioapic *io = &routing.ioapic[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			return io;
		}
	}
	return NULL;
}

void irq_override_add(uint8_t irq, uint32_t gsi, uint16_t flags)
{
	if (routing.override_count == IRQ_OVERRIDE_MAX) {
		pr_warn("more than %d interrupt overrides; ignoring IRQ %u -> GSI %u\n",
			IRQ_OVERRIDE_MAX, irq, gsi);
		return;
	}
	routing.override[routing.override_count++] = (struct irq_override){irq, gsi, flags};
}

uint32_t irq_isa_to_gsi(unsigned int irq, uint16_t *flags)
{
	for (unsigned int i = 0; i < routing.override_count; i++) {
		if (routing.override[i].isa_irq == irq) {
			*flags = routing.override[i].flags;
			return routing.override[i].gsi;
		}
	}
	*flags = IRQ_POLARITY_CONFORMS | IRQ_TRIGGER_CONFORMS;
	return irq;
}

void ioapic_mask_all(void)
{
	for (unsigned int i = 0; i < routing.ioapic_count; i++) {
		const struct ioapic *io = &routing.ioapic[i];

		for (unsigned int pin = 0; pin < io->pins; pin++) {
			ioapic_write(io->base, IOAPIC_REG_REDIR_LOW(pin), IOAPIC_REDIR_MASKED);
			ioapic_write(io->base, IOAPIC_REG_REDIR_HIGH(pin), 0);
		}
		pr_debug("%u at 0x%lx, GSI %u-%u, all masked\n", io->id, (unsigned long)io->base,
			 io->gsi_base, io->gsi_base + io->pins - 1);
	}
}

/*
 * A level interrupt of @pin (entry @low) was sent and not yet ended: its CPU
 * will end it with the old vector, which the re-routed entry no longer
 * matches, and the pin would stay blocked. End it here: through the EOI
 * register (IOAPIC version 0x20 on, as QEMU's and the ICH's), else by
 * turning the entry edge-triggered for a moment, which clears Remote IRR
 * (82093AA datasheet, Remote IRR is defined for level entries only).
 */
static void end_level_interrupt(const struct ioapic *io, unsigned int pin, uint32_t low)
{
	uint32_t version = ioapic_read(io->base, IOAPIC_REG_VERSION) & IOAPIC_VERSION_MASK;

	if (version >= IOAPIC_VERSION_EOI_REG) {
		mmio_write32(io->base + IOAPIC_EOI, low & IOAPIC_REDIR_VECTOR_MASK);
	} else {
		low |= IOAPIC_REDIR_MASKED;
		ioapic_write(io->base, IOAPIC_REG_REDIR_LOW(pin), low & ~IOAPIC_REDIR_LEVEL);
		ioapic_write(io->base, IOAPIC_REG_REDIR_LOW(pin), low);
	}
}

int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, uint16_t flags)
{
	const struct ioapic *io = ioapic_for_gsi(gsi);
	uint32_t low = vector & IOAPIC_REDIR_VECTOR_MASK, old;
	unsigned int pin;

	if (!io) {
		return -ENODEV;
	}
	pin = gsi - io->gsi_base;
	if ((flags & IRQ_POLARITY_MASK) == IRQ_POLARITY_LOW) {
		low |= IOAPIC_REDIR_ACTIVE_LOW;
	}
	if ((flags & IRQ_TRIGGER_MASK) == IRQ_TRIGGER_LEVEL) {
		low |= IOAPIC_REDIR_LEVEL;
	}
	/*
	 * Mask while the entry changes, so no interrupt goes out half-routed (an
	 * entry re-routed by blk_dedicate() is live).
	 */
	old = ioapic_read(io->base, IOAPIC_REG_REDIR_LOW(pin));
	ioapic_write(io->base, IOAPIC_REG_REDIR_LOW(pin), old | IOAPIC_REDIR_MASKED);
	if ((old & IOAPIC_REDIR_LEVEL) && (old & IOAPIC_REDIR_REMOTE_IRR)) {
		end_level_interrupt(io, pin, old);
	}
	/* Destination first, then the low half, which unmasks the entry. */
	ioapic_write(io->base, IOAPIC_REG_REDIR_HIGH(pin), apic_id << IOAPIC_REDIR_DEST_SHIFT);
	ioapic_write(io->base, IOAPIC_REG_REDIR_LOW(pin), low);
	pr_debug("GSI %u -> vector 0x%x, apic id %u, flags 0x%x\n", gsi, vector, apic_id, flags);
	return 0;
}
