// SPDX-License-Identifier: MIT
/*
 * edu.c - an interrupt self-test on QEMU's `-device edu`, for
 * tests/boot/test_pci.py (CONFIG_DEBUG_PCI_EDU). probe() checks the device
 * answers (its liveness register inverts what is written), then for MSI and
 * for INTx: routes the interrupt to CPU 0 with pci_irq_setup_kind(), raises
 * EDU_TEST_RAISES interrupts through the raise register and counts what the
 * handler acknowledged, logging one line per kind:
 *
 *   edu: 0000:00:04.0: MSI: 3 of 3 interrupts handled
 *
 * Interrupts are off during boot (they are on only in arch_idle()), so the
 * test opens short STI windows itself while it waits.
 */
#define pr_fmt(fmt) "edu: " fmt
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/errno.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <asm/io.h>
#include "edu_reg.h"

#define EDU_TEST_RAISES 3
#define EDU_LIVENESS_PATTERN 0x12345678u
/* STI windows to wait for one interrupt before giving up (QEMU delivers within a few). */
#define EDU_WAIT_WINDOWS 1000000

struct edu {
	uintptr_t regs;
	volatile unsigned int handled;
};

static struct edu edu;

static void edu_irq(void *arg)
{
	struct edu *e = arg;
	uint32_t status = mmio_read32(e->regs + EDU_REG_IRQ_STATUS);

	if (status) {
		mmio_write32(e->regs + EDU_REG_IRQ_ACK, status);
		e->handled++;
	}
}

/* Let pending interrupts in, one instruction at a time, until @e->handled reaches @want. */
static bool edu_wait(struct edu *e, unsigned int want)
{
	for (unsigned int i = 0; i < EDU_WAIT_WINDOWS; i++) {
		if (e->handled >= want) {
			return true;
		}
		__asm__ __volatile__("sti; nop; cli" ::: "memory");
	}
	return e->handled >= want;
}

static void edu_test_kind(struct pci_dev *d, struct edu *e, int kind, const char *name)
{
	int ret = pci_irq_setup_kind(d, kind, edu_irq, e, 0);

	if (ret < 0) {
		pr_err("%02x:%02x.%u: %s: setup failed (%d)\n", d->bus, d->dev, d->fn, name, ret);
		return;
	}
	e->handled = 0;
	for (unsigned int i = 1; i <= EDU_TEST_RAISES; i++) {
		mmio_write32(e->regs + EDU_REG_IRQ_RAISE, 1);
		edu_wait(e, i);
	}
	pr_info("%04x:%02x:%02x.%u: %s: %u of %u interrupts handled\n", d->segment, d->bus, d->dev,
		d->fn, name, e->handled, EDU_TEST_RAISES);
	pci_irq_release(d);
}

static int edu_probe(struct pci_dev *d, const struct pci_device_id *id)
{
	(void)id;
	if (pci_bar_is_io(d, 0) || !pci_bar_addr(d, 0)) {
		return -ENODEV;
	}
	edu.regs = pci_bar_addr(d, 0);
	pci_enable_mem(d);
	if ((mmio_read32(edu.regs + EDU_REG_IDENT) & EDU_IDENT_MAGIC_MASK) != EDU_IDENT_MAGIC) {
		return -ENODEV;
	}
	mmio_write32(edu.regs + EDU_REG_LIVENESS, EDU_LIVENESS_PATTERN);
	if (mmio_read32(edu.regs + EDU_REG_LIVENESS) != ~EDU_LIVENESS_PATTERN) {
		return -EIO;
	}
	edu_test_kind(d, &edu, PCI_IRQ_MSI, "MSI");
	edu_test_kind(d, &edu, PCI_IRQ_INTX, "INTx");
	return 0;
}

static const struct pci_device_id edu_ids[] = {
	{EDU_VENDOR_ID, EDU_DEVICE_ID, PCI_ANY_ID, PCI_ANY_ID},
	{0},
};
DRIVER_PCI(edu, edu_ids, edu_probe);
