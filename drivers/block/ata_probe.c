/* SPDX-License-Identifier: MIT */
/*
 * ata_probe.c - finding the ATA disks (INITCALL_DEVICE, CPU 0, before any
 * thread): IDENTIFY DEVICE on the four positions by polling, every wait
 * bounded by the clock; registration as hda..hdd; the channels' IRQs routed
 * through the IOAPIC to CPU 0, or polling (see ata.c for the I/O).
 *
 * An empty channel answers at once: a floating bus reads FFh (no controller,
 * e.g. q35) and QEMU's PIIX IDE reads 00h for a position without a drive.
 * PACKET (ATAPI, CD-ROM) devices abort IDENTIFY DEVICE with their signature
 * in LBA Mid/High and are skipped with a log line.
 */
#define pr_fmt(fmt) "ata: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/initcall.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <asm/ioapic.h>
#include <asm/irq_vectors.h>
#include "ata.h"
#include "ata_identify.h"

#define IDENTIFY_TIMEOUT_MS 3000 /* detection: per wait, at boot */
#define NAME_FIRST_LETTER 'a'	 /* hda */

/* An absent register block: nothing drives the bus (pull-ups) or QEMU's empty position. */
#define STATUS_FLOATING 0xff
#define STATUS_NO_DEVICE 0x00

enum probe_result { PROBE_ATA, PROBE_NONE, PROBE_PACKET };

/*
 * IDENTIFY DEVICE (ATA8-ACS) by polling, interrupts off (nIEN).
 * Returns PROBE_ATA with the 256 words in @id, PROBE_PACKET for an ATAPI
 * device, PROBE_NONE when nothing (usable) answers.
 */
static enum probe_result identify(struct ata_channel *ch, unsigned int unit, uint16_t *id)
{
	int st;

	ata_device_control(ch, ATA_CTRL_NIEN);
	ata_reg_write(ch, ATA_REG_DEVICE, ATA_DEVICE_OBSOLETE | (unit ? ATA_DEVICE_DEV1 : 0));
	ata_delay_400ns(ch);
	st = ata_reg_read(ch, ATA_REG_STATUS);
	if (st == STATUS_FLOATING || st == STATUS_NO_DEVICE) {
		return PROBE_NONE;
	}
	if (ata_wait_ready(ch, ATA_WAIT_NOT_BUSY, IDENTIFY_TIMEOUT_MS, false) < 0) {
		pr_warn("%s channel, device %u: stays busy; ignored\n", ch->label, unit);
		return PROBE_NONE;
	}
	ata_reg_write(ch, ATA_REG_COUNT, 0);
	ata_reg_write(ch, ATA_REG_LBA_LOW, 0);
	ata_reg_write(ch, ATA_REG_LBA_MID, 0);
	ata_reg_write(ch, ATA_REG_LBA_HIGH, 0);
	ata_reg_write(ch, ATA_REG_COMMAND, ATA_CMD_IDENTIFY_DEVICE);
	ata_delay_400ns(ch);
	st = ata_wait_ready(ch, ATA_WAIT_DRQ, IDENTIFY_TIMEOUT_MS, false);
	if (st < 0) {
		pr_warn("%s channel, device %u: no answer to IDENTIFY DEVICE\n", ch->label, unit);
		return PROBE_NONE;
	}
	if (st & (ATA_STATUS_ERR | ATA_STATUS_DF)) {
		bool packet = ata_reg_read(ch, ATA_REG_LBA_MID) == ATA_SIG_PACKET_MID &&
			      ata_reg_read(ch, ATA_REG_LBA_HIGH) == ATA_SIG_PACKET_HIGH;

		ata_reg_read(ch, ATA_REG_STATUS);
		return packet ? PROBE_PACKET : PROBE_NONE;
	}
	if (!(st & ATA_STATUS_DRQ)) {
		return PROBE_NONE;
	}
	for (unsigned int i = 0; i < ATA_ID_WORDS / ATA_SECTOR_WORDS; i++) {
		ata_pio_in(ch, id + i * ATA_SECTOR_WORDS);
	}
	ata_reg_read(ch, ATA_REG_STATUS);
	return PROBE_ATA;
}

/* The size and features from IDENTIFY DEVICE data (ata_identify.c); -EOPNOTSUPP if unusable. */
static int parse_identify(struct ata_disk *d, const uint16_t *id)
{
	struct ata_identity ident;
	const char *why;
	int err = ata_identify_parse(id, &ident, &why);

	memcpy(d->model, ident.model, sizeof(d->model));
	if (err) {
		pr_err("%s (%s): %s; skipped\n", d->blk.name, d->model[0] ? d->model : "no model",
		       why);
		return err;
	}
	d->blk.sector_count = ident.sectors;
	d->blk.sector_size = ATA_SECTOR_SIZE;
	d->lba48 = ident.lba48;
	d->flush = ident.flush;
	d->flush_ext = ident.flush_ext;
	d->dma = ident.dma && d->ch->bm;
	return 0;
}

static struct ata_disk *probe_unit(struct ata_channel *ch, unsigned int unit, uint16_t *id)
{
	unsigned int index = (unsigned int)(ch - ata_channels) * ATA_UNITS + unit;
	enum probe_result found = identify(ch, unit, id);
	struct ata_disk *d;

	if (found == PROBE_NONE) {
		return NULL;
	}
	if (found == PROBE_PACKET) {
		pr_info("hd%c: ATAPI (packet) device, e.g. a CD-ROM: not supported, skipped\n",
			NAME_FIRST_LETTER + index);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		return NULL;
	}
	d->ch = ch;
	d->unit = unit;
	d->blk.name[0] = 'h';
	d->blk.name[1] = 'd';
	d->blk.name[2] = (char)(NAME_FIRST_LETTER + index);
	if (parse_identify(d, id) < 0) {
		free(d);
		return NULL;
	}
	d->blk.owner_cpu = ch->cpu;
	d->blk.ops = &ata_ops;
	d->blk.priv = d;
	return d;
}

/* The channel's ISA IRQ through the IOAPIC to its owner CPU; false: poll. */
static bool route_irq(struct ata_channel *ch)
{
	int vector, err;

	if (IS_ENABLED(CONFIG_ATA_POLL)) {
		return false;
	}
	vector = irq_vector_alloc(ata_interrupt, ch);
	if (vector < 0) {
		pr_warn("%s channel: no free vector for irq %u: polling\n", ch->label, ch->isa_irq);
		return false;
	}
	/* The MADT's override, if any, else ISA's convention: edge, active high. */
	ch->gsi = irq_isa_to_gsi(ch->isa_irq, &ch->irq_flags);
	err = ioapic_route(ch->gsi, (uint8_t)vector, cpu_data[ch->cpu].apic_id, ch->irq_flags);
	if (err) {
		irq_vector_free(vector);
		pr_warn("%s channel: irq %u cannot be routed (%d): polling\n", ch->label,
			ch->isa_irq, err);
		return false;
	}
	ch->vector = vector;
	return true;
}

static void register_disk(struct ata_disk *d)
{
	struct ata_channel *ch = d->ch;
	int err = blkdev_register(&d->blk);

	if (err) {
		pr_err("%s: cannot register (%d)\n", d->blk.name, err);
		ch->disk[d->unit] = NULL;
		free(d);
		return;
	}
	pr_info("%s: %s, %llu sectors (%llu MiB), %s, %s, %s channel %s, %s\n", d->blk.name,
		d->model[0] ? d->model : "(no model)", (unsigned long long)d->blk.sector_count,
		(unsigned long long)(d->blk.sector_count * ATA_SECTOR_SIZE >> 20),
		d->lba48 ? "LBA48" : "LBA28", d->dma ? "DMA" : "PIO", ch->label,
		d->unit ? "slave" : "master", ch->vector ? "interrupt-driven" : "polled");
}

static int probe_channel(struct ata_channel *ch, uint16_t *id)
{
	unsigned int found = 0;

	ch->cpu = 0;
	kmutex_init(&ch->lock, ch->cpu);
	for (unsigned int u = 0; u < ATA_UNITS; u++) {
		ch->disk[u] = probe_unit(ch, u, id);
		found += ch->disk[u] != NULL;
	}
	if (!found) {
		return 0;
	}
	if (route_irq(ch)) {
		ata_reg_read(ch, ATA_REG_STATUS); /* no stale INTRQ */
	}
	ata_device_control(ch, ata_control_bits(ch));
	for (unsigned int u = 0; u < ATA_UNITS; u++) {
		if (ch->disk[u]) {
			register_disk(ch->disk[u]);
		}
	}
	return found;
}

static int ata_init(void)
{
	uint16_t *id = malloc(ATA_ID_WORDS * sizeof(*id));
	unsigned int found = 0;

	if (!id) {
		return -ENOMEM;
	}
	ata_dma_init();
	for (unsigned int c = 0; c < ATA_CHANNELS; c++) {
		/* Nothing answers at all (no IDE controller, e.g. q35's AHCI-only ICH9). */
		if (ata_alt_status(&ata_channels[c]) == STATUS_FLOATING &&
		    ata_reg_read(&ata_channels[c], ATA_REG_STATUS) == STATUS_FLOATING) {
			continue;
		}
		found += probe_channel(&ata_channels[c], id);
	}
	free(id);
	if (!found) {
		pr_info("no ATA disks\n");
	}
	return 0;
}
initcall(ata_init, INITCALL_DEVICE);
