/* SPDX-License-Identifier: MIT */
/*
 * mptable_reg.h - the Intel MultiProcessor Specification 1.4 tables: the
 * floating pointer structure (§4.1), the configuration table header (§4.2)
 * and its base entries (§4.3), all packed and little-endian.
 */
#ifndef X86_MPTABLE_REG_H
#define X86_MPTABLE_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

/* §4.1: the floating pointer is 16-byte aligned in one of these places. */
#define MP_BDA_EBDA_SEGMENT 0x40e /* BDA word: the EBDA's segment */
#define MP_BDA_BASE_MEM_KIB 0x413 /* BDA word: base memory in KiB */
#define MP_SEARCH_LEN 1024	  /* the first KiB of the EBDA, the last of base memory */
#define MP_DEFAULT_BASE_MEM_KIB 640
#define MP_BIOS_ROM_START 0xf0000
#define MP_BIOS_ROM_END 0x100000
#define MP_ALIGN 16

#define MP_FLOATING_SIGNATURE "_MP_"
#define MP_CONFIG_SIGNATURE "PCMP"

/* §4.1, table 4-1: MP Floating Pointer Structure. */
struct mp_floating {
	char signature[4];     /* "_MP_" */
	uint32_t config_table; /* physical address of the configuration table, or 0 */
	uint8_t length;	       /* in 16-byte paragraphs: 1 */
	uint8_t spec_rev;      /* 1 (1.1) or 4 (1.4) */
	uint8_t checksum;      /* all bytes of the structure sum to 0 */
	uint8_t feature[5];    /* feature[0]: default configuration number, 0 = table present */
} __packed;
_Static_assert(sizeof(struct mp_floating) == 16, "MP spec 1.4 §4.1");

/* feature[1] bit 7 (IMCRP): the IMCR is present, PIC mode is implemented (§3.6.2.1). */
#define MP_FEATURE2_IMCRP (1u << 7)

/* §4.2, table 4-2: MP Configuration Table Header. */
struct mp_config {
	char signature[4];    /* "PCMP" */
	uint16_t base_length; /* header and base entries, in bytes */
	uint8_t spec_rev;
	uint8_t checksum; /* the base table's bytes sum to 0 */
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entry_count;
	uint32_t lapic_address;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __packed;
_Static_assert(sizeof(struct mp_config) == 44, "MP spec 1.4 §4.2");

/* §4.3, table 4-3: base entry types and their fixed lengths. */
#define MP_ENTRY_PROCESSOR 0
#define MP_ENTRY_BUS 1
#define MP_ENTRY_IOAPIC 2
#define MP_ENTRY_IO_INTERRUPT 3
#define MP_ENTRY_LOCAL_INTERRUPT 4
#define MP_ENTRY_SHORT_LENGTH 8 /* every type but the processor's */

/* §4.3.1: Processor Entries. */
struct mp_processor {
	uint8_t type;
	uint8_t lapic_id;
	uint8_t lapic_version;
	uint8_t cpu_flags; /* MP_CPU_* */
	uint32_t cpu_signature;
	uint32_t feature_flags;
	uint32_t reserved[2];
} __packed;
_Static_assert(sizeof(struct mp_processor) == 20, "MP spec 1.4 §4.3.1");

#define MP_CPU_ENABLED (1u << 0)
#define MP_CPU_BOOT (1u << 1)

/* §4.3.2: Bus Entries; the bus type is a blank-padded string (table 4-8). */
struct mp_bus {
	uint8_t type;
	uint8_t bus_id;
	char bus_type[6];
} __packed;
_Static_assert(sizeof(struct mp_bus) == MP_ENTRY_SHORT_LENGTH, "MP spec 1.4 §4.3.2");

#define MP_BUS_ISA "ISA   "

/* §4.3.3: I/O APIC Entries. */
struct mp_ioapic {
	uint8_t type;
	uint8_t ioapic_id;
	uint8_t ioapic_version;
	uint8_t flags; /* MP_IOAPIC_ENABLED */
	uint32_t address;
} __packed;
_Static_assert(sizeof(struct mp_ioapic) == MP_ENTRY_SHORT_LENGTH, "MP spec 1.4 §4.3.3");

#define MP_IOAPIC_ENABLED (1u << 0)

/* §4.3.4: I/O Interrupt Assignment Entries (§4.3.5's local ones are alike). */
struct mp_interrupt {
	uint8_t type;
	uint8_t interrupt_type; /* MP_INT_* */
	uint16_t flags;		/* polarity and trigger: IRQ_POLARITY_*, IRQ_TRIGGER_* */
	uint8_t source_bus;
	uint8_t source_irq;
	uint8_t dest_ioapic_id;
	uint8_t dest_intin;
} __packed;
_Static_assert(sizeof(struct mp_interrupt) == MP_ENTRY_SHORT_LENGTH, "MP spec 1.4 §4.3.4");

#define MP_INT_VECTORED 0 /* INT: a vectored interrupt through the IOAPIC */

#endif
