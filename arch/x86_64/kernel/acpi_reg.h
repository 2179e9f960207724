/* SPDX-License-Identifier: MIT */
/*
 * acpi_reg.h - the ACPI tables Toro reads, as laid out by ACPI 6.5:
 * §5.2.5.3 RSDP, §5.2.6 system description header, §5.2.7/8 RSDT/XSDT,
 * §5.2.9 FADT, §5.2.3.2 Generic Address Structure.
 */
#ifndef ACPI_REG_H
#define ACPI_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;  /* 0: ACPI 1.0 (RSDT only); 2: has the fields below */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over `length` bytes */
	uint8_t reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 6.5 table 5.3");

#define ACPI_RSDP_V1_LENGTH 20

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI 6.5 table 5.4");

struct acpi_gas {
	uint8_t space_id; /* ACPI_GAS_* */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI 6.5 table 5.1");

#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO 1

/* The FADT fields we use, with their offsets from ACPI 6.5 table 5.9. */
struct acpi_fadt {
	struct acpi_header header;
	uint32_t firmware_ctrl;		/* 36 */
	uint32_t dsdt;			/* 40 */
	uint8_t reserved0;		/* 44 */
	uint8_t preferred_pm_profile;	/* 45 */
	uint16_t sci_int;		/* 46 */
	uint32_t smi_cmd;		/* 48 */
	uint8_t acpi_enable;		/* 52 */
	uint8_t acpi_disable;		/* 53 */
	uint8_t s4bios_req;		/* 54 */
	uint8_t pstate_cnt;		/* 55 */
	uint32_t pm1a_evt_blk;		/* 56 */
	uint32_t pm1b_evt_blk;		/* 60 */
	uint32_t pm1a_cnt_blk;		/* 64 */
	uint32_t pm1b_cnt_blk;		/* 68 */
	uint8_t skip0[112 - 72];
	uint32_t flags;			/* 112 */
	struct acpi_gas reset_reg;	/* 116 */
	uint8_t reset_value;		/* 128 */
	uint8_t skip1[140 - 129];
	uint64_t x_dsdt;		/* 140 */
	uint8_t skip2[172 - 148];
	struct acpi_gas x_pm1a_cnt_blk; /* 172 */
	struct acpi_gas x_pm1b_cnt_blk; /* 184 */
	uint8_t skip3[244 - 196];
	struct acpi_gas sleep_control;	/* 244 */
	struct acpi_gas sleep_status;	/* 256 */
} __packed;
_Static_assert(sizeof(struct acpi_fadt) == 268, "ACPI 6.5 table 5.9");

#define ACPI_FADT_HW_REDUCED (1u << 20)

/* PM1 control register (§4.8.3.2.1) and sleep control register (§4.8.3.7). */
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_EN (1u << 13)
#define ACPI_SLEEP_CTL_TYP_SHIFT 2
#define ACPI_SLEEP_CTL_SLP_EN (1u << 5)

/* AML opcodes used to read the \_S5 package (ACPI 6.5 §20.3). */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_PACKAGE_OP 0x12
#define AML_ONES_OP 0xff

#endif
