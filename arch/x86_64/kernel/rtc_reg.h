/* SPDX-License-Identifier: MIT */
/*
 * rtc_reg.h - the CMOS real-time clock, a Motorola MC146818A behind the PC's
 * index/data ports (MC146818A datasheet: "Address Map", "Register A" to
 * "Register D"; the century byte is a PC convention that ACPI locates).
 */
#ifndef RTC_REG_H
#define RTC_REG_H

#define RTC_PORT_INDEX 0x70 /* bit 7 of the index masks NMI on a PC: kept clear */
#define RTC_PORT_DATA 0x71

/* Time and date registers (datasheet "Address Map"). */
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09 /* two digits */
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_D 0x0d

/* Register A: UIP, update in progress; the time registers are stable while it is 0. */
#define RTC_A_UIP (1u << 7)

/* Register B: data mode and hour format. */
#define RTC_B_24H (1u << 1)	  /* 24-hour mode; else 12-hour with RTC_HOUR_PM */
#define RTC_B_DM_BINARY (1u << 2) /* binary; else BCD */

/* Register D: VRT, valid RAM and time; bits 6:0 read as 0. */
#define RTC_D_VRT (1u << 7)
#define RTC_D_ZERO_MASK 0x7f

/* In 12-hour mode, bit 7 of the hours register means PM (hours then run 1..12). */
#define RTC_HOUR_PM (1u << 7)

/*
 * ACPI 6.5 table 5.9, FADT offset 108: CENTURY, the CMOS index of the
 * century (in BCD like the rest), 0 if there is none.
 */
#define FADT_CENTURY 108

/* Without a century register, two-digit years 70..99 are 19xx and 00..69 are 20xx. */
#define RTC_YEAR_PIVOT 70

/* The datasheet's longest update cycle is 1984 us: wait longer than that for UIP. */
#define RTC_UIP_MAX_MS 3
/* An update comes once a second: wait a little more than two for the next edge. */
#define RTC_SECOND_MAX_MS 2500

#endif
