/* SPDX-License-Identifier: MIT */
/* uart16550_reg.h - 16550 UART registers (PC16550D datasheet, table II). */
#ifndef UART16550_REG_H
#define UART16550_REG_H

#define UART_THR 0 /* transmit holding (write, DLAB=0) */
#define UART_RBR 0 /* receiver buffer (read, DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_SCR 7 /* scratch */

#define UART_IER_RDI 0x01 /* received data available (and the FIFO's character timeout) */
#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT2 0x08 /* gates the interrupt output to the PC's interrupt controller */
#define UART_LSR_DR 0x01 /* a received byte is waiting in RBR / the FIFO */
#define UART_LSR_THRE 0x20

/* 1.8432 MHz clock / 16 / 115200 baud */
#define UART_DIVISOR_115200 1

#endif
