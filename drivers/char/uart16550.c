/* SPDX-License-Identifier: MIT */
/*
 * uart16550.c - console on the 16550 UART at COM1.
 *
 * Polled output: wait for the transmit holding register to empty, then
 * write. Registered as the console by an INITCALL_CONSOLE initcall.
 * Register layout: National Semiconductor PC16550D datasheet.
 */
#include <stdbool.h>
#include <kernel/console.h>
#include <kernel/initcall.h>
#include <asm/io.h>
#include "uart16550_reg.h"

#define COM1 0x3f8

static void uart_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE)) {
		;
	}
	outb(COM1 + UART_THR, (uint8_t)c);
}

static void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			uart_putc('\r');
		}
		uart_putc(s[i]);
	}
}

static const struct console uart_console = {
	.name = "ttyS0",
	.write = uart_write,
};

/* A UART is there if its scratch register keeps what we write. */
static bool uart_present(void)
{
	outb(COM1 + UART_SCR, 0x5a);
	return inb(COM1 + UART_SCR) == 0x5a;
}

static int uart_init(void)
{
	if (!uart_present()) {
		return 0;
	}
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DLL, UART_DIVISOR_115200);
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
	outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	console_register(&uart_console);
	return 0;
}
initcall(uart_init, INITCALL_CONSOLE);
