/* SPDX-License-Identifier: MIT */
/*
 * pit.c - PIT channel 0 as a reference clock for the TSC calibration
 * (clocks.h). The weakest of the three: 1.19 MHz and 16 bits, so it wraps
 * every 54.9 ms; tsc.c polls it faster than that and unwraps longer windows
 * with the TSC (see there). Present on pc, q35 and microvm (pit=on, the
 * default).
 *
 * Channel 0 is read by latching (counter latch command), never through
 * channel 2's gate at port 0x61: microvm has no port 0x61. It is programmed in
 * mode 0 with a full count: the counter keeps counting down through its whole
 * range and wraps, and its output rises once (one IRQ 0 edge, 55 ms after
 * set-up) rather than 18 times a second as in the rate-generator modes.
 */
#include <kernel/errno.h>
#include <asm/io.h>
#include "clocks.h"
#include "pit_reg.h"

/* The counter counts down; return its complement so the value increases. */
static uint64_t pit_read(void)
{
	uint8_t lo, hi;
	uint16_t count;

	outb(PIT_PORT_CONTROL, PIT_SEL_CH0 | PIT_RW_LATCH);
	lo = inb(PIT_PORT_CH0);
	hi = inb(PIT_PORT_CH0);
	count = (uint16_t)(hi << 8 | lo);
	return (uint16_t)(0u - count);
}

int pit_refclock_init(struct refclock *ref)
{
	outb(PIT_PORT_CONTROL, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE_TERMINAL | PIT_BINARY);
	outb(PIT_PORT_CH0, PIT_COUNT_FULL & 0xff);
	outb(PIT_PORT_CH0, PIT_COUNT_FULL >> 8);
	ref->name = "pit";
	ref->hz = PIT_HZ;
	ref->bits = PIT_BITS;
	ref->read = pit_read;
	return 0;
}
