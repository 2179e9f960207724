/* SPDX-License-Identifier: MIT */
/*
 * madt_reg.h - the Multiple APIC Description Table (signature "APIC"), ACPI
 * 6.5 §5.2.12: a header, then interrupt controller structures, each starting
 * with its type and length. Only the types Toro reads are laid out here.
 */
#ifndef X86_MADT_REG_H
#define X86_MADT_REG_H

#include <stdint.h>
#include <kernel/compiler.h>
#include "acpi_reg.h"

#define MADT_SIGNATURE "APIC"

/* §5.2.12, table "Multiple APIC Description Table (MADT) Format". */
struct madt {
	struct acpi_header header;
	uint32_t lapic_address; /* 32-bit local APIC address (we read IA32_APIC_BASE) */
	uint32_t flags;		/* MADT_PCAT_COMPAT */
} __packed;
_Static_assert(sizeof(struct madt) == 44, "ACPI 6.5 §5.2.12: entries start at offset 44");

/* "Multiple APIC Flags": the system also has dual 8259 PICs (to be masked). */
#define MADT_PCAT_COMPAT (1u << 0)

/* Every interrupt controller structure starts with these two bytes. */
struct madt_entry {
	uint8_t type;
	uint8_t length; /* of the whole structure */
} __packed;

/* Interrupt controller structure types, §5.2.12 table "Interrupt Controller Structure Types". */
#define MADT_LOCAL_APIC 0
#define MADT_IOAPIC 1
#define MADT_INT_OVERRIDE 2
#define MADT_LOCAL_X2APIC 9

/* §5.2.12.2 Processor Local APIC Structure. */
struct madt_local_apic {
	struct madt_entry h;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags; /* MADT_CPU_* */
} __packed;
_Static_assert(sizeof(struct madt_local_apic) == 8, "ACPI 6.5 §5.2.12.2");

/*
 * Local APIC flags (§5.2.12.2): Enabled - the processor is ready for use;
 * Online Capable (only meaningful with Enabled clear) - it is not running
 * now but hardware can bring it online at run time (hot-add).
 */
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

/* §5.2.12.3 I/O APIC Structure. */
struct madt_ioapic {
	struct madt_entry h;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;
_Static_assert(sizeof(struct madt_ioapic) == 12, "ACPI 6.5 §5.2.12.3");

/* §5.2.12.5 Interrupt Source Override Structure. */
struct madt_int_override {
	struct madt_entry h;
	uint8_t bus;	/* MADT_BUS_ISA */
	uint8_t source; /* the bus-relative (ISA) IRQ */
	uint32_t gsi;
	uint16_t flags; /* MPS INTI flags: IRQ_POLARITY_*, IRQ_TRIGGER_* (asm/ioapic.h) */
} __packed;
_Static_assert(sizeof(struct madt_int_override) == 10, "ACPI 6.5 §5.2.12.5");

#define MADT_BUS_ISA 0

/* §5.2.12.12 Processor Local x2APIC Structure. */
struct madt_local_x2apic {
	struct madt_entry h;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags; /* as the local APIC's: MADT_CPU_* */
	uint32_t processor_uid;
} __packed;
_Static_assert(sizeof(struct madt_local_x2apic) == 16, "ACPI 6.5 §5.2.12.12");

#endif
