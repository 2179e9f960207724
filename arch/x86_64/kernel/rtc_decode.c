/* SPDX-License-Identifier: MIT */
/*
 * rtc_decode.c - an MC146818A date reading to a calendar date (rtc.h): BCD or
 * binary and 12- or 24-hour as register B says (datasheet "Register B"), the
 * century from the byte ACPI locates or, without one, from a 1970..2069
 * window. Portable: no port I/O here.
 */
#include <stdbool.h>
#include <kernel/errno.h>
#include "rtc.h"
#include "rtc_reg.h"

#define CENTURY_MIN 19 /* a century byte outside 19..99 is not one */
#define CENTURY_MAX 99

/* -1 for a byte that is not two BCD digits, so the date check fails. */
static int from_bcd(uint8_t v, bool binary)
{
	if (binary) {
		return v;
	}
	if ((v >> 4) > 9 || (v & 0x0f) > 9) {
		return -1;
	}
	return (v >> 4) * 10 + (v & 0x0f);
}

/* In 12-hour mode hours run 12, 1..11 with bit 7 for PM: 12 AM is 0, 12 PM is 12. */
static int rtc_hour(uint8_t raw, uint8_t reg_b)
{
	int hour = from_bcd(raw & ~RTC_HOUR_PM, reg_b & RTC_B_DM_BINARY);

	if (reg_b & RTC_B_24H) {
		return raw & RTC_HOUR_PM ? -1 : hour;
	}
	if (hour < 1 || hour > 12) {
		return -1;
	}
	return hour % 12 + (raw & RTC_HOUR_PM ? 12 : 0);
}

int rtc_decode(const struct rtc_regs *r, uint8_t reg_b, struct time_date *d)
{
	bool binary = reg_b & RTC_B_DM_BINARY;
	int century = r->century ? from_bcd(r->century, binary) : 0;
	int year = from_bcd(r->year, binary);

	if (year < 0 || year > 99) {
		return -EIO;
	}
	if (century < CENTURY_MIN || century > CENTURY_MAX) {
		century = year < RTC_YEAR_PIVOT ? 20 : 19;
	}
	*d = (struct time_date){
		.year = century * 100 + year,
		.month = from_bcd(r->month, binary),
		.day = from_bcd(r->day, binary),
		.hour = rtc_hour(r->hour, reg_b),
		.minute = from_bcd(r->minute, binary),
		.second = from_bcd(r->second, binary),
	};
	return time_date_valid(d) ? 0 : -EIO;
}
