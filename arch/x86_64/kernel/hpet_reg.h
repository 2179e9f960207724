/* SPDX-License-Identifier: MIT */
/*
 * hpet_reg.h - the High Precision Event Timer: its ACPI description table and
 * the registers tsc.c uses (IA-PC HPET Specification 1.0a, §3.2.4 "The ACPI
 * 2.0 HPET Description Table", §2.3 "Register Descriptions").
 */
#ifndef HPET_REG_H
#define HPET_REG_H

#include <stdint.h>
#include <kernel/compiler.h>
#include "acpi_reg.h"

/* HPET spec 1.0a §3.2.4, table 3. */
struct acpi_hpet {
	struct acpi_header header;     /* signature "HPET" */
	uint32_t event_timer_block_id; /* 36: hardware ID of the block */
	struct acpi_gas base_address;  /* 40: register block, system memory space */
	uint8_t hpet_number;	       /* 52 */
	uint16_t min_clock_tick;       /* 53 */
	uint8_t page_protection;       /* 55 */
} __packed;
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET spec 1.0a table 3");

/* Register offsets in the 1 KiB block (§2.3.1, table 2). */
#define HPET_REG_CAPABILITIES 0x000
#define HPET_REG_CONFIG 0x010
#define HPET_REG_MAIN_COUNTER 0x0f0

/* General Capabilities and ID register (§2.3.4). */
#define HPET_CAP_COUNT_SIZE_64 (1ULL << 13) /* COUNT_SIZE_CAP: a 64-bit main counter */
#define HPET_CAP_PERIOD_SHIFT 32	    /* COUNTER_CLK_PERIOD, in femtoseconds */
#define HPET_PERIOD_MAX_FS 0x05f5e100ULL    /* 100 ns: the slowest counter allowed */
#define HPET_FS_PER_SEC 1000000000000000ULL

/* General Configuration register (§2.3.5). */
#define HPET_CFG_ENABLE (1ULL << 0) /* ENABLE_CNF: the main counter runs */

#endif
