/*
 * test_rtc_decode.c - arch/x86_64/kernel/rtc_decode.c: MC146818A readings in
 * BCD and binary, 24- and 12-hour mode, with and without a century byte, and
 * readings that are not dates.
 */
#include <stdint.h>
#include "harness.h"
#include <kernel/errno.h>
#include <kernel/time.h>
#include "../../../../../arch/x86_64/kernel/rtc.h"
#include "../../../../../arch/x86_64/kernel/rtc_reg.h"

#define BCD_24H RTC_B_24H
#define BIN_24H (RTC_B_24H | RTC_B_DM_BINARY)
#define BCD_12H 0
#define BIN_12H RTC_B_DM_BINARY
#define PM RTC_HOUR_PM

static struct rtc_regs regs(uint8_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi, uint8_t s,
			    uint8_t century)
{
	return (struct rtc_regs){.second = s,
				 .minute = mi,
				 .hour = h,
				 .day = d,
				 .month = mo,
				 .year = y,
				 .century = century};
}

/* Decodes @r with @reg_b and checks every field of the result. */
static void check(struct rtc_regs r, uint8_t reg_b, int y, int mo, int d, int h, int mi, int s)
{
	struct time_date t;

	if (!CHECK_MSG(rtc_decode(&r, reg_b, &t) == 0, "reg_b %#x hour %#x", reg_b, r.hour)) {
		return;
	}
	CHECK_EQ(t.year, y);
	CHECK_EQ(t.month, mo);
	CHECK_EQ(t.day, d);
	CHECK_EQ(t.hour, h);
	CHECK_EQ(t.minute, mi);
	CHECK_EQ(t.second, s);
}

static void test_bcd_and_binary(void)
{
	/* -rtc base=2031-05-06T07:08:09 as QEMU shows it by default: BCD, 24 h, century 0x20 */
	check(regs(0x31, 0x05, 0x06, 0x07, 0x08, 0x09, 0x20), BCD_24H, 2031, 5, 6, 7, 8, 9);
	check(regs(0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 0x19), BCD_24H, 1999, 12, 31, 23, 59, 59);
	check(regs(31, 5, 6, 7, 8, 9, 20), BIN_24H, 2031, 5, 6, 7, 8, 9);
	check(regs(0, 2, 29, 12, 0, 0, 20), BIN_24H, 2000, 2, 29, 12, 0, 0);
}

static void test_twelve_hour(void)
{
	check(regs(0x24, 0x01, 0x01, 0x12, 0, 0, 0x20), BCD_12H, 2024, 1, 1, 0, 0, 0); /* 12 AM */
	check(regs(0x24, 0x01, 0x01, 0x01, 0, 0, 0x20), BCD_12H, 2024, 1, 1, 1, 0, 0);
	check(regs(0x24, 0x01, 0x01, 0x11, 0, 0, 0x20), BCD_12H, 2024, 1, 1, 11, 0, 0);
	check(regs(0x24, 0x01, 0x01, 0x12 | PM, 0, 0, 0x20), BCD_12H, 2024, 1, 1, 12, 0, 0);
	check(regs(0x24, 0x01, 0x01, 0x01 | PM, 0, 0, 0x20), BCD_12H, 2024, 1, 1, 13, 0, 0);
	check(regs(0x24, 0x01, 0x01, 0x11 | PM, 0, 0, 0x20), BCD_12H, 2024, 1, 1, 23, 0, 0);
	check(regs(24, 1, 1, 12, 0, 0, 20), BIN_12H, 2024, 1, 1, 0, 0, 0);
	check(regs(24, 1, 1, 7 | PM, 0, 0, 20), BIN_12H, 2024, 1, 1, 19, 0, 0);
}

static void test_century(void)
{
	/* No century register: 70..99 are 19xx, 00..69 are 20xx. */
	check(regs(0x99, 0x01, 0x01, 0, 0, 0, 0), BCD_24H, 1999, 1, 1, 0, 0, 0);
	check(regs(0x70, 0x01, 0x01, 0, 0, 0, 0), BCD_24H, 1970, 1, 1, 0, 0, 0);
	check(regs(0x69, 0x01, 0x01, 0, 0, 0, 0), BCD_24H, 2069, 1, 1, 0, 0, 0);
	check(regs(0x05, 0x01, 0x01, 0, 0, 0, 0), BCD_24H, 2005, 1, 1, 0, 0, 0);
	/* A century byte that is not one (empty CMOS, 0xff) falls back to the window. */
	check(regs(0x31, 0x05, 0x06, 0, 0, 0, 0xff), BCD_24H, 2031, 5, 6, 0, 0, 0);
	/* A real one is used as it is: 21xx. */
	check(regs(0x00, 0x03, 0x01, 0, 0, 0, 0x21), BCD_24H, 2100, 3, 1, 0, 0, 0);
}

static void test_not_a_date(void)
{
	static const struct {
		struct rtc_regs r;
		uint8_t reg_b;
	} bad[] = {
		{{0x00, 0x00, 0x00, 0x01, 0x13, 0x24, 0x20}, BCD_24H},	    /* month 13 */
		{{0x00, 0x00, 0x00, 0x29, 0x02, 0x23, 0x20}, BCD_24H},	    /* 2023-02-29 */
		{{0x5a, 0x00, 0x00, 0x01, 0x01, 0x24, 0x20}, BCD_24H},	    /* not BCD */
		{{0x00, 0x00, 0x24, 0x01, 0x01, 0x24, 0x20}, BCD_24H},	    /* hour 24 */
		{{0x00, 0x00, 0x13, 0x01, 0x01, 0x24, 0x20}, BCD_12H},	    /* 12-hour 13 */
		{{0x00, 0x00, 0x00, 0x01, 0x01, 0x24, 0x20}, BCD_12H},	    /* 12-hour 0 */
		{{0x00, 0x00, 0x01 | PM, 0x01, 0x01, 0x24, 0x20}, BCD_24H}, /* PM in 24 h */
		{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, BIN_24H},	    /* no RTC */
		{{0, 0, 0, 1, 1, 100, 20}, BIN_24H},			    /* year 100 */
	};
	struct time_date t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_MSG(rtc_decode(&bad[i].r, bad[i].reg_b, &t) == -EIO, "entry %zu accepted", i);
	}
}

int main(void)
{
	test_bcd_and_binary();
	test_twelve_hour();
	test_century();
	test_not_a_date();
	return harness_report();
}
