/* SPDX-License-Identifier: MIT */
/*
 * ioapic.h - the platform's interrupt routing as the firmware describes it
 * (ACPI MADT or MP table, found by arch_cpus_discover()): the IOAPICs with
 * their global system interrupt (GSI) ranges, and the ISA IRQs that are not
 * wired to the GSI of the same number or not edge-triggered active-high.
 * ioapic.c keeps it and programs the IOAPICs.
 */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <stdint.h>

#define IOAPIC_MAX 8
#define IRQ_OVERRIDE_MAX 16

struct ioapic {
	uint8_t id;
	uintptr_t base;	   /* MMIO registers */
	uint32_t gsi_base; /* its input 0 is this GSI */
	unsigned int pins; /* redirection entries: GSIs gsi_base .. gsi_base + pins - 1 */
};

/*
 * Polarity and trigger mode of an interrupt: the MPS INTI flags, the same
 * encoding in ACPI 6.5 §5.2.12.5 and MP spec 1.4 §4.3.4.
 */
#define IRQ_POLARITY_MASK 0x3
#define IRQ_POLARITY_CONFORMS 0x0 /* as the bus says (ISA: active high) */
#define IRQ_POLARITY_HIGH 0x1
#define IRQ_POLARITY_LOW 0x3
#define IRQ_TRIGGER_MASK 0xc
#define IRQ_TRIGGER_CONFORMS 0x0 /* as the bus says (ISA: edge) */
#define IRQ_TRIGGER_EDGE 0x4
#define IRQ_TRIGGER_LEVEL 0xc

struct irq_override {
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags; /* IRQ_POLARITY_* | IRQ_TRIGGER_* */
};

struct irq_routing {
	struct ioapic ioapic[IOAPIC_MAX];
	unsigned int ioapic_count;
	struct irq_override override[IRQ_OVERRIDE_MAX];
	unsigned int override_count;
	const char *source; /* "madt", "mp table" or NULL when neither was found */
};

/* What the firmware tables said; empty before arch_cpus_discover(). */
const struct irq_routing *irq_routing(void);

/*
 * The GSI and flags of ISA IRQ @irq: its override, else the identity with
 * conforming flags. Returns the GSI.
 */
uint32_t irq_isa_to_gsi(unsigned int irq, uint16_t *flags);

/* The IOAPIC that handles @gsi, or NULL. */
const struct ioapic *ioapic_for_gsi(uint32_t gsi);

/*
 * Deliver @gsi as @vector to the local APIC @apic_id (fixed, physical),
 * with @flags (IRQ_POLARITY_* | IRQ_TRIGGER_*; CONFORMS is taken as
 * edge/active high), and unmask it. Returns 0, or -ENODEV when no IOAPIC
 * has @gsi.
 */
int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, uint16_t flags);

#endif
