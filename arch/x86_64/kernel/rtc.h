/* SPDX-License-Identifier: MIT */
/*
 * rtc.h - one reading of the CMOS RTC's date registers, and its decoding
 * (rtc_decode.c: portable, unit-tested on the host by
 * tests/unit/arch/x86_64/kernel/test_rtc_decode.c).
 */
#ifndef X86_RTC_H
#define X86_RTC_H

#include <stdint.h>
#include <kernel/time.h>

/* The raw registers, as read (BCD or binary, 12- or 24-hour, per register B). */
struct rtc_regs {
	uint8_t second, minute, hour, day, month, year;
	uint8_t century; /* 0 when the machine has no century register */
};

/*
 * rtc_decode() - the date in @r, read with register B = @reg_b.
 * Returns 0, or -EIO if it is not a valid date in 1970..9999.
 */
int rtc_decode(const struct rtc_regs *r, uint8_t reg_b, struct time_date *d);

#endif
