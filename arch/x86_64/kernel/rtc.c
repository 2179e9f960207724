/* SPDX-License-Identifier: MIT */
/*
 * rtc.c - the CMOS real-time clock (MC146818A): the wall clock at boot on
 * pc, q35 and microvm (rtc=on), and arch_wall_clock(), which prefers
 * kvmclock's wall clock when KVM offers one.
 *
 * Read once, lazily, at the first CLOCK_REALTIME request (kernel/time.c):
 * the RTC gives whole seconds, so CLOCK_REALTIME starts up to 1 s behind; it
 * then advances with the TSC. Also the calibration reference of last resort
 * (rtc_wait_second()): slow, but its once-a-second update cannot be misread.
 *
 * A reading is taken while UIP is clear (no update for at least 244 us, per
 * the datasheet's Register A) and repeated until two agree, so an update that
 * starts between two registers is never half-seen. rtc_decode.c turns it
 * into a date.
 */
#define pr_fmt(fmt) "rtc: " fmt
#include <stdbool.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/time.h>
#include "acpi_reg.h"
#include "clocks.h"
#include "rtc.h"
#include "rtc_reg.h"

#define RTC_READ_TRIES 5

static uint8_t cmos_read(uint8_t reg)
{
	outb(RTC_PORT_INDEX, reg);
	return inb(RTC_PORT_DATA);
}

/* Register D reads VRT set and six zero bits; an empty port reads 0xff. */
static bool rtc_present(void)
{
	uint8_t d = cmos_read(RTC_REG_D);

	return (d & RTC_D_VRT) && !(d & RTC_D_ZERO_MASK);
}

static bool tsc_waited(uint64_t start, unsigned int ms)
{
	return rdtsc() - start > TSC_AT_LEAST_MS(ms);
}

/* Waits for UIP to read 0; false if it stays set (a stuck clock). */
static bool rtc_wait_stable(void)
{
	uint64_t start = rdtsc();

	while (cmos_read(RTC_REG_A) & RTC_A_UIP) {
		if (tsc_waited(start, RTC_UIP_MAX_MS)) {
			return false;
		}
	}
	return true;
}

/* The CMOS index of the century byte, from the FADT (0: none). */
static uint8_t rtc_century_index(void)
{
	const struct acpi_header *fadt = acpi_table("FACP");

	if (!fadt || fadt->length <= FADT_CENTURY) {
		return 0;
	}
	return ((const uint8_t *)fadt)[FADT_CENTURY];
}

static bool rtc_regs_read(struct rtc_regs *r, uint8_t century_index)
{
	if (!rtc_wait_stable()) {
		return false;
	}
	r->second = cmos_read(RTC_SECONDS);
	r->minute = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->day = cmos_read(RTC_DAY_OF_MONTH);
	r->month = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = century_index ? cmos_read(century_index) : 0;
	return true;
}

/* Readings until two in a row agree (an update may fall between two registers). */
static int rtc_regs_read_stable(struct rtc_regs *r, uint64_t *tsc)
{
	uint8_t century_index = rtc_century_index();
	struct rtc_regs again;

	for (int i = 0; i < RTC_READ_TRIES; i++) {
		if (!rtc_regs_read(r, century_index)) {
			return -ETIMEDOUT;
		}
		*tsc = rdtsc_ordered();
		if (!rtc_regs_read(&again, century_index)) {
			return -ETIMEDOUT;
		}
		if (memcmp(r, &again, sizeof(again)) == 0) {
			return 0;
		}
	}
	return -EIO;
}

int rtc_read(int64_t *unix_seconds, uint64_t *tsc)
{
	struct rtc_regs r;
	struct time_date d;
	int err;

	if (!rtc_present()) {
		return -ENODEV;
	}
	err = rtc_regs_read_stable(&r, tsc);
	if (err) {
		pr_warn("no stable reading (%d)\n", err);
		return err;
	}
	err = rtc_decode(&r, cmos_read(RTC_REG_B), &d);
	if (err) {
		pr_warn("not a date: %02x%02x-%02x-%02x %02x:%02x:%02x\n", r.century, r.year,
			r.month, r.day, r.hour, r.minute, r.second);
		return err;
	}
	return time_date_to_unix(&d, unix_seconds);
}

/* The seconds update ends when UIP falls: wait for a 1, then for the 0. */
int rtc_wait_second(uint64_t *tsc)
{
	uint64_t start = rdtsc();

	if (!rtc_present()) {
		return -ENODEV;
	}
	while (!(cmos_read(RTC_REG_A) & RTC_A_UIP)) {
		if (tsc_waited(start, RTC_SECOND_MAX_MS)) {
			return -ETIMEDOUT;
		}
	}
	while (cmos_read(RTC_REG_A) & RTC_A_UIP) {
		if (tsc_waited(start, RTC_SECOND_MAX_MS)) {
			return -ETIMEDOUT;
		}
	}
	*tsc = rdtsc_ordered();
	return 0;
}

int arch_wall_clock(int64_t *unix_ns, uint64_t *tsc)
{
	int64_t seconds;
	int err;

	if (kvmclock_present() && kvmclock_wall(unix_ns, tsc) == 0) {
		return 0;
	}
	err = rtc_read(&seconds, tsc);
	if (err) {
		return err;
	}
	*unix_ns = seconds * (int64_t)NSEC_PER_SEC;
	return 0;
}
