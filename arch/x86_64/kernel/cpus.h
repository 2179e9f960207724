/* SPDX-License-Identifier: MIT */
/*
 * cpus.h - how the firmware-table parsers (madt.c, mptable.c) hand what they
 * find to the CPU list (cpus.c) and the interrupt routing (ioapic.c). Used
 * once, on the boot CPU, from arch_cpus_discover().
 */
#ifndef X86_CPUS_H
#define X86_CPUS_H

#include <stdbool.h>
#include <stdint.h>

/* An enabled processor with local APIC id @apic_id. */
void cpus_add(uint32_t apic_id);

/* Forget every IOAPIC and override: a table that failed half-way is not used. */
void irq_routing_reset(void);

/* Name the table the routing came from ("madt", "mp table"). */
void irq_routing_set_source(const char *source);

/*
 * An IOAPIC with id @id at @addr whose first input is GSI @gsi_base, or,
 * with @gsi_follows (the MP table gives no GSI numbers), the GSI after the
 * previous IOAPIC's last. Returns 0, -ENOSPC or -ENODEV (nothing answers
 * at @addr).
 */
int ioapic_add(uint8_t id, uint32_t addr, uint32_t gsi_base, bool gsi_follows);

/* The IOAPIC with id @id, for MP table interrupt entries; NULL if unknown. */
const struct ioapic *ioapic_by_id(uint8_t id);

/* ISA IRQ @irq arrives at GSI @gsi with @flags (IRQ_POLARITY_*, IRQ_TRIGGER_*). */
void irq_override_add(uint8_t irq, uint32_t gsi, uint16_t flags);

/* Mask every input of every IOAPIC found. */
void ioapic_mask_all(void);

/* Parse the table; 0 when it was found and listed at least one CPU, else -ENODEV. */
int madt_parse(void);
int mptable_parse(void);

/* mptable_parse() once the floating pointer @f is found (apart for the host unit test). */
struct mp_floating;
int mptable_parse_floating(const struct mp_floating *f);

#endif
