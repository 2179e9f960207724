/* SPDX-License-Identifier: MIT */
/*
 * uart16550.c - console on the 16550 UART at COM1.
 *
 * Polled output: wait for the transmit holding register to empty, then
 * write. Registered as the console by an INITCALL_CONSOLE initcall.
 * Register layout: National Semiconductor PC16550D datasheet.
 *
 * Input: at INITCALL_DEVICE the receive interrupt (ISA IRQ 4, through the
 * IOAPIC) is routed to CPU 0. Its handler moves what the UART holds into a
 * ring, and wakes the reader. Everything that touches the ring and the
 * receive registers runs on CPU 0 with interrupts off (threads run so, and
 * the handler only runs across the idle loop's HLT), so the ring needs no
 * lock; a reader on another CPU takes bytes through xcall(). Without the
 * interrupt (no IOAPIC, or uart16550.poll=1 on the command line) the reader
 * polls, sleeping RX_POLL_MS between looks.
 *
 * Nothing is lost when input comes faster than it is read: QEMU only offers
 * the UART what its receive buffer (RBR, or the 16-byte FIFO if the firmware
 * enabled it) accepts; the rest waits on the host side.
 */
#define pr_fmt(fmt) "uart: " fmt
#include <stdbool.h>
#include <toro/thread.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/initcall.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/xcall.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/irq_vectors.h>
#include "uart16550_reg.h"

#define COM1 0x3f8
#define COM1_ISA_IRQ 4

#define RX_CPU 0	  /* where the interrupt goes and the ring lives */
#define RX_RING_SIZE 4096 /* a power of two: head and tail run free */
#define RX_POLL_MS 2	  /* a polling reader's sleep between looks */

static struct {
	char buf[RX_RING_SIZE];
	unsigned int head; /* next byte in: written by rx_fill() */
	unsigned int tail; /* next byte out: written by rx_take() */
	struct waitq readers;
	bool use_irq;
} rx;

/* Move what the UART holds into the ring, while it has room (CPU 0, interrupts off). */
static void rx_fill(void)
{
	while (rx.head - rx.tail < RX_RING_SIZE && (inb(COM1 + UART_LSR) & UART_LSR_DR)) {
		rx.buf[rx.head++ % RX_RING_SIZE] = (char)inb(COM1 + UART_RBR);
	}
}

/*
 * Up to @n bytes, oldest first, without waiting (CPU 0). The UART is read
 * first: the interrupt handler leaves bytes there when the ring was full, and
 * they are newer than any in the ring. Returns how many.
 */
static size_t rx_take(char *buf, size_t n)
{
	size_t got = 0;

	rx_fill();
	while (got < n && rx.tail != rx.head) {
		buf[got++] = rx.buf[rx.tail++ % RX_RING_SIZE];
	}
	return got;
}

/*
 * The receive interrupt, on CPU 0 as it idles. The line is edge-triggered:
 * it only rises again once the UART was emptied, so rx_fill() empties it
 * (or, with the ring full, leaves the rest for rx_take(), which the woken
 * reader calls).
 */
static void uart_interrupt(void *unused)
{
	(void)unused;
	rx_fill();
	if (rx.tail != rx.head) {
		waitq_wake_all(&rx.readers);
	}
}

struct rx_request {
	char *buf;
	size_t n;
};

static long rx_take_call(void *arg)
{
	struct rx_request *req = arg;

	return (long)rx_take(req->buf, req->n);
}

static size_t uart_read(char *buf, size_t n)
{
	struct rx_request req = {buf, n};
	size_t got;

	for (;;) {
		if (cpu_id() == RX_CPU) {
			got = rx_take(buf, n);
		} else {
			got = (size_t)xcall(RX_CPU, rx_take_call, &req);
		}
		if (got) {
			return got;
		}
		/*
		 * No lost wake-up: interrupts are off until the idle loop's HLT,
		 * and a byte that came after rx_fill() found the UART empty
		 * raises the line again, so its interrupt wakes us.
		 */
		if (rx.use_irq && cpu_id() == RX_CPU) {
			waitq_wait(&rx.readers);
		} else {
			thread_sleep_ms(RX_POLL_MS);
		}
	}
}

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
	.read = uart_read,
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
	/*
	 * FCR is left as the firmware set it: turning the FIFO on or clearing it
	 * drops what was received (QEMU flushes on any change of FCR's enable
	 * bit), and a script piped into QEMU may already wait in RBR. Without
	 * the FIFO, QEMU offers one byte at a time and holds back the rest.
	 */
	outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	console_register(&uart_console);
	return 0;
}
initcall(uart_init, INITCALL_CONSOLE);

static void poll_option(const char *value, void *poll)
{
	*(bool *)poll = value[0] != '0';
}

/* Once the IOAPICs are known: COM1's receive interrupt to CPU 0, else polling. */
static int uart_irq_init(void)
{
	bool poll = false;
	uint16_t flags;
	uint32_t gsi;
	int vector, err;

	if (!uart_present()) {
		return 0;
	}
	cmdline_each("uart16550.poll", poll_option, &poll);
	if (poll) {
		pr_info("input polled (uart16550.poll)\n");
		return 0;
	}
	vector = irq_vector_alloc(uart_interrupt, NULL);
	if (vector < 0) {
		pr_warn("no interrupt vector: input polled\n");
		return 0;
	}
	/* ISA IRQ 4, edge-triggered unless the MADT overrides it (ACPI 6.5 §5.2.12.5). */
	gsi = irq_isa_to_gsi(COM1_ISA_IRQ, &flags);
	err = ioapic_route(gsi, (uint8_t)vector, cpu_data[RX_CPU].apic_id, flags);
	if (err) {
		irq_vector_free(vector);
		pr_warn("irq %u cannot be routed (%d): input polled\n", COM1_ISA_IRQ, err);
		return 0;
	}
	rx.use_irq = true;
	outb(COM1 + UART_IER, UART_IER_RDI);
	return 0;
}
initcall(uart_irq_init, INITCALL_DEVICE);
