/* SPDX-License-Identifier: MIT */
/*
 * pit_reg.h - the 8254 programmable interval timer as wired in a PC (Intel
 * 82C54 datasheet, "Control Word Format" and "Counter Latch Command"):
 * channel 0 at port 0x40, the control word at 0x43, a 1.193182 MHz input.
 */
#ifndef PIT_REG_H
#define PIT_REG_H

#define PIT_HZ 1193182 /* 14.31818 MHz / 12, the PC's PIT input clock */
#define PIT_BITS 16

#define PIT_PORT_CH0 0x40
#define PIT_PORT_CONTROL 0x43

/* Control word: SC1:SC0 (7:6) channel, RW1:RW0 (5:4) access, M2:M0 (3:1) mode, BCD (0). */
#define PIT_SEL_CH0 (0u << 6)
#define PIT_RW_LATCH (0u << 4)	    /* counter latch command */
#define PIT_RW_LOHI (3u << 4)	    /* low byte, then high byte */
#define PIT_MODE_TERMINAL (0u << 1) /* mode 0: interrupt on terminal count */
#define PIT_BINARY 0u

/* A count of 0 loads 2^16: the counter then runs through its full range. */
#define PIT_COUNT_FULL 0

#endif
