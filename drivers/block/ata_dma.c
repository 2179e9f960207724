/* SPDX-License-Identifier: MIT */
/*
 * ata_dma.c - bus-master DMA for the ATA driver (CONFIG_ATA_DMA): the PCI
 * IDE function's Bus Master IDE registers (SFF-8038i rev 1.0), one set per
 * channel, and a Physical Region Descriptor table per channel.
 *
 * ata_dma_init() runs at boot before the channels are probed; a channel
 * gets DMA only when the controller is bus-master capable and the channel is
 * in compatibility mode (the ports and IRQ ata.c uses). For one command,
 * ata.c calls ata_dma_prepare() (table, direction), issues the ATA command,
 * ata_dma_start(), waits for INTRQ, then ata_dma_stop(). The transfer modes
 * the firmware set up are kept (QEMU needs none).
 *
 * Memory is identity-mapped: a buffer's address is its physical address.
 */
#define pr_fmt(fmt) "ata: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/mem.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include "ata.h"

#define PRDT_BYTES 4096 /* one aligned page: never crosses 64 KiB */
#define PRDT_ENTRIES (PRDT_BYTES / sizeof(struct ata_prd))
#define DMA_ADDRESS_LIMIT (1ULL << 32) /* PRD addresses are 32-bit */

/* A command's buffer, at most ATA_DMA_MAX_SECTORS, crosses that many 64 KiB boundaries + 1. */
_Static_assert((uint64_t)ATA_DMA_MAX_SECTORS *ATA_SECTOR_SIZE / ATA_PRD_BOUNDARY + 1 <=
		       PRDT_ENTRIES,
	       "PRD table too small for ATA_DMA_MAX_SECTORS");

/* The PCI IDE function with bus-master registers, or NULL. */
static struct pci_dev *find_controller(void)
{
	for (unsigned int i = 0; i < pci_dev_count(); i++) {
		struct pci_dev *d = pci_dev_get(i);

		if (d->class == PCI_CLASS_STORAGE && d->subclass == PCI_SUBCLASS_IDE &&
		    (d->prog_if & PCI_IDE_BUS_MASTER) && pci_bar_is_io(d, PCI_IDE_BM_BAR) &&
		    pci_bar_addr(d, PCI_IDE_BM_BAR)) {
			return d;
		}
	}
	return NULL;
}

void ata_dma_init(void)
{
	static const uint8_t native[ATA_CHANNELS] = {PCI_IDE_PRIMARY_NATIVE,
						     PCI_IDE_SECONDARY_NATIVE};
	struct pci_dev *d = find_controller();
	uint16_t base;

	if (!d) {
		return;
	}
	base = (uint16_t)pci_bar_addr(d, PCI_IDE_BM_BAR);
	pci_enable_io(d);
	pci_enable_bus_master(d);
	for (unsigned int c = 0; c < ATA_CHANNELS; c++) {
		struct ata_channel *ch = &ata_channels[c];

		if (d->prog_if & native[c]) {
			continue; /* its registers are elsewhere: not the channel ata.c drives */
		}
		ch->prdt = aligned_alloc(PRDT_BYTES, PRDT_BYTES);
		if (!ch->prdt || (uintptr_t)ch->prdt + PRDT_BYTES > DMA_ADDRESS_LIMIT) {
			free(ch->prdt);
			ch->prdt = NULL;
			continue;
		}
		ch->bm = base + c * BM_CHANNEL_STRIDE;
	}
}

bool ata_dma_usable(const struct ata_channel *ch, const void *buf, size_t bytes)
{
	uintptr_t addr = (uintptr_t)buf;

	/* Word-aligned regions below 4 GiB (SFF-8038i §1.2). */
	return ch->bm && !(addr & 1) && addr + bytes <= DMA_ADDRESS_LIMIT;
}

void ata_dma_prepare(struct ata_channel *ch, void *buf, size_t bytes, bool to_memory)
{
	uintptr_t addr = (uintptr_t)buf;
	unsigned int n = 0;

	/* One entry per piece up to the next 64 KiB boundary. */
	while (bytes) {
		uint64_t room = ATA_PRD_BOUNDARY - (addr & (ATA_PRD_BOUNDARY - 1));
		size_t len = bytes < room ? bytes : room;

		ch->prdt[n].addr = (uint32_t)addr;
		ch->prdt[n].bytes = (uint16_t)len; /* 64 KiB is written as 0 */
		ch->prdt[n].flags = 0;
		n++;
		addr += len;
		bytes -= len;
	}
	ch->prdt[n - 1].flags = ATA_PRD_EOT;
	outb(ch->bm + BM_REG_COMMAND, to_memory ? BM_CMD_TO_MEMORY : 0);
	/* The table (and, for a write, the data) in memory before the controller reads it. */
	__sync_synchronize();
	outl(ch->bm + BM_REG_PRDT, (uint32_t)(uintptr_t)ch->prdt);
	outb(ch->bm + BM_REG_STATUS, BM_STATUS_ERROR | BM_STATUS_INTERRUPT);
}

void ata_dma_start(struct ata_channel *ch)
{
	uint8_t cmd = inb(ch->bm + BM_REG_COMMAND);

	outb(ch->bm + BM_REG_COMMAND, cmd | BM_CMD_START);
}

uint8_t ata_dma_stop(struct ata_channel *ch)
{
	uint8_t cmd = inb(ch->bm + BM_REG_COMMAND);
	uint8_t status;

	outb(ch->bm + BM_REG_COMMAND, cmd & ~BM_CMD_START);
	status = inb(ch->bm + BM_REG_STATUS);
	outb(ch->bm + BM_REG_STATUS, BM_STATUS_ERROR | BM_STATUS_INTERRUPT);
	/* What the controller wrote is read only after it stopped. */
	__sync_synchronize();
	return status;
}
