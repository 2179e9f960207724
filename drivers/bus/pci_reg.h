/* SPDX-License-Identifier: MIT */
/*
 * pci_reg.h - PCI configuration space as the specifications lay it out.
 *
 * PCI Local Bus Specification 3.0 (PCI 3.0) chapter 6 for the header and the
 * capability list, PCI-to-PCI Bridge Architecture Specification 1.2 §3.2 for
 * the type 1 header, PCI Express Base Specification 4.0 (PCIe 4.0) §7.2.2 for
 * the enhanced (memory-mapped, ECAM) access, and the PCI Firmware
 * Specification 3.2 §4.1.2 for the ACPI MCFG table that locates it.
 */
#ifndef DRIVERS_BUS_PCI_REG_H
#define DRIVERS_BUS_PCI_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

/* Configuration mechanism #1: two 32-bit I/O ports (PCI 3.0 §3.2.2.3.2). */
#define PCI_CONFIG_ADDRESS_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT 0xcfc
#define PCI_CONFIG_ADDRESS_ENABLE (1u << 31)
#define PCI_CONFIG_ADDRESS_BUS_SHIFT 16
#define PCI_CONFIG_ADDRESS_DEV_SHIFT 11
#define PCI_CONFIG_ADDRESS_FN_SHIFT 8
#define PCI_CONFIG_ADDRESS_REG_MASK 0xfc /* dword-aligned register number */

/* ECAM: 4 KiB per function, 1 MiB per bus (PCIe 4.0 §7.2.2, table 7-1). */
#define PCI_ECAM_BUS_SHIFT 20
#define PCI_ECAM_DEV_SHIFT 15
#define PCI_ECAM_FN_SHIFT 12

/* Topology limits (PCI 3.0 §3.2.2.3.1). */
#define PCI_MAX_BUS 256
#define PCI_MAX_DEV 32
#define PCI_MAX_FN 8
#define PCI_CONFIG_SIZE 256   /* conventional configuration space */
#define PCIE_CONFIG_SIZE 4096 /* extended, reachable through ECAM only */

/* Type 0 and 1 common header (PCI 3.0 §6.1, figure 6-1). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_PROG_IF 0x09
#define PCI_SUBCLASS 0x0a
#define PCI_CLASS 0x0b
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

/* A vendor id no device has: the read of an absent function (PCI 3.0 §6.2.1). */
#define PCI_VENDOR_NONE 0xffff

/* Command register bits (PCI 3.0 §6.2.2). */
#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)

/* Status register: a capability list exists (PCI 3.0 §6.2.3). */
#define PCI_STATUS_CAP_LIST (1u << 4)

/* Header type (PCI 3.0 §6.2.1): layout in bits 6:0, multi-function in bit 7. */
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_MULTI_FN 0x80
#define PCI_HEADER_NORMAL 0
#define PCI_HEADER_BRIDGE 1
#define PCI_HEADER_CARDBUS 2

/* How many BARs each header type has (PCI 3.0 §6.2.5.1; bridge 1.2 §3.2). */
#define PCI_BARS_NORMAL 6
#define PCI_BARS_BRIDGE 2

/* Base address register encoding (PCI 3.0 §6.2.5.1, figures 6-5 and 6-6). */
#define PCI_BAR_IO (1u << 0)
#define PCI_BAR_IO_MASK (~0x3u)
#define PCI_BAR_MEM_TYPE_MASK 0x6
#define PCI_BAR_MEM_TYPE_64 0x4
#define PCI_BAR_MEM_PREFETCH (1u << 3)
#define PCI_BAR_MEM_MASK (~0xfu)
/* An I/O BAR decodes at most 16 address bits on x86: ignore the upper half. */
#define PCI_BAR_IO_LIMIT 0xffffu

/* Type 1 (bridge) header bus numbers (PCI-to-PCI bridge 1.2 §3.2.5.2-3.2.5.4). */
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a

/* Capability list (PCI 3.0 §6.7): id at +0, next pointer at +1, dword-aligned. */
#define PCI_CAP_ID 0
#define PCI_CAP_NEXT 1
#define PCI_CAP_PTR_MASK 0xfc
#define PCI_CAP_LIST_MAX 48 /* (256 - 64) / 4 entries: a bound against loops */

/* Capability ids (PCI Code and ID Assignment Specification 1.11 §2). */
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_PCIE 0x10
#define PCI_CAP_ID_MSIX 0x11

/* MSI capability (PCI 3.0 §6.8.1, figure 6-9). */
#define PCI_MSI_FLAGS 0x02
#define PCI_MSI_FLAGS_ENABLE (1u << 0)
#define PCI_MSI_FLAGS_QSIZE_MASK (0x7u << 4) /* multiple message enable */
#define PCI_MSI_FLAGS_64BIT (1u << 7)
#define PCI_MSI_ADDRESS_LO 0x04
#define PCI_MSI_ADDRESS_HI 0x08 /* 64-bit capable only */
#define PCI_MSI_DATA_32 0x08
#define PCI_MSI_DATA_64 0x0c

/* MSI-X capability (PCI 3.0 §6.8.2, figure 6-10) and its table entries. */
#define PCI_MSIX_FLAGS 0x02
#define PCI_MSIX_FLAGS_QSIZE_MASK 0x7ff /* table size - 1 */
#define PCI_MSIX_FLAGS_MASKALL (1u << 14)
#define PCI_MSIX_FLAGS_ENABLE (1u << 15)
#define PCI_MSIX_TABLE 0x04
#define PCI_MSIX_BIR_MASK 0x7 /* which BAR holds the table */
#define PCI_MSIX_OFFSET_MASK (~0x7u)
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_ADDR_LO 0x0
#define PCI_MSIX_ENTRY_ADDR_HI 0x4
#define PCI_MSIX_ENTRY_DATA 0x8
#define PCI_MSIX_ENTRY_CTRL 0xc
#define PCI_MSIX_ENTRY_CTRL_MASKED (1u << 0)

/*
 * The x86 message format (Intel SDM vol. 3A §10.11.1-10.11.2): the address
 * selects the destination local APIC, the data the vector; fixed delivery,
 * edge triggered.
 */
#define MSI_ADDRESS_BASE 0xfee00000u
#define MSI_ADDRESS_DEST_SHIFT 12
#define MSI_DATA_VECTOR_MASK 0xff

/* ACPI MCFG (PCI Firmware 3.2 §4.1.2, table 4-2/4-3): after the header, 8 reserved bytes. */
struct mcfg_allocation {
	uint64_t base; /* ECAM base of bus 0 of this segment */
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct mcfg_allocation) == 16, "PCI Firmware 3.2 table 4-3");

/* The MCFG itself: the 36-byte ACPI header (ACPI 6.5 §5.2.6), 8 reserved bytes, allocations. */
struct acpi_mcfg {
	char signature[4];
	uint32_t length; /* of the whole table */
	uint8_t header_rest[28];
	uint64_t reserved;
	struct mcfg_allocation alloc[];
} __packed;
_Static_assert(sizeof(struct acpi_mcfg) == 44, "PCI Firmware 3.2 table 4-2");

#endif
