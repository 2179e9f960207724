/* SPDX-License-Identifier: MIT */
/*
 * ata.c - ATA disks on the two legacy IDE channels of a PC (QEMU `pc`:
 * PIIX3/PIIX4 IDE in compatibility mode), as block devices
 * with fixed Linux-style names: hda primary master, hdb primary slave, hdc
 * secondary master, hdd secondary slave.
 *
 * This file is the I/O; ata_probe.c finds the disks at boot (IDENTIFY
 * DEVICE, polled) and registers them with ata_ops.
 *
 * Requests: by bus-master DMA where the channel has a bus master
 * (ata_dma.c, READ/WRITE DMA), else multi-sector PIO of one DRQ block per
 * sector (READ/WRITE SECTORS; the PIO data-in and data-out protocols of
 * ATA8-APT). The LBA48 forms (... EXT) are used when the range needs them: a
 * sector at or past 2^28, or more than 256 sectors at once. FLUSH CACHE
 * (EXT) is the flush op. A device's error bits become -EIO, logged once per
 * device.
 *
 * Ownership: a channel (both of its devices, which share the IRQ line and
 * the task-file registers) belongs to one CPU, default 0. Requests run in
 * threads of that CPU, serialised by the channel's kmutex. set_owner
 * (blk_dedicate() of either device) moves the whole channel, its IRQ
 * included, once no command runs on it. The other device may stay owned by
 * its old CPU in the block layer: its requests, which arrive there, are
 * forwarded to the channel's CPU with xcall(). That nested xcall cannot
 * wait in a cycle: on the channel's CPU the request only drives the
 * hardware and calls nothing else.
 *
 * Completion: the channel's ISA IRQ (14/15) is routed through the IOAPIC to
 * the owner CPU; a waiting thread blocks on the channel's wait queue and the
 * handler, run while that CPU idles, reads Status (which clears INTRQ) and
 * wakes it. A per-channel watchdog thread (on the owner CPU, sleeping until
 * the pending wait's deadline) bounds the wait. With CONFIG_ATA_POLL, or when
 * the IRQ cannot be routed, the thread polls Alternate Status instead,
 * yielding between polls, and the devices' interrupts stay disabled (nIEN).
 */
#define pr_fmt(fmt) "ata: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <toro/thread.h>
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/xcall.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/time.h>
#include "ata.h"

#define DRAIN_POLL_NS 100000 /* set_owner: between looks at a busy channel */

struct ata_channel ata_channels[ATA_CHANNELS] = {
	{.label = "primary",
	 .cmd = ATA_PRIMARY_CMD,
	 .ctrl = ATA_PRIMARY_CTRL,
	 .isa_irq = ATA_PRIMARY_IRQ},
	{.label = "secondary",
	 .cmd = ATA_SECONDARY_CMD,
	 .ctrl = ATA_SECONDARY_CTRL,
	 .isa_irq = ATA_SECONDARY_IRQ},
};

/* --- bounded waits ---------------------------------------------------------------- */

static uint64_t deadline_in(uint64_t ms)
{
	return rdtsc_ordered() + ns_to_tsc(ms * NSEC_PER_MSEC);
}

static bool ready(uint8_t st, enum ata_wait want)
{
	if (st & ATA_STATUS_BSY) {
		return false;
	}
	if (want == ATA_WAIT_DRQ) {
		return st & (ATA_STATUS_DRQ | ATA_STATUS_ERR | ATA_STATUS_DF);
	}
	/* During DMA the device may show DRQ with BSY clear until the last byte moved. */
	return want != ATA_WAIT_IDLE || !(st & ATA_STATUS_DRQ) || (st & ATA_STATUS_ERR);
}

/*
 * Poll Alternate Status until the device is ready as @want says. The clock
 * is read only when the device did not answer within a few polls, and then
 * bounds the wait to @timeout_ms. @may_yield: in a thread, let the CPU's
 * other threads run between polls. Returns the status, or -ETIMEDOUT.
 */
int ata_wait_ready(const struct ata_channel *ch, enum ata_wait want, uint64_t timeout_ms,
		   bool may_yield)
{
	uint64_t deadline = 0;

	for (unsigned int polls = 0;; polls++) {
		uint8_t st = ata_alt_status(ch);

		if (ready(st, want)) {
			return st;
		}
		if (polls == ATA_QUICK_POLLS) {
			deadline = deadline_in(timeout_ms);
		} else if (polls > ATA_QUICK_POLLS && rdtsc_ordered() > deadline) {
			return -ETIMEDOUT;
		}
		if (may_yield) {
			thread_yield();
		} else {
			cpu_relax();
		}
	}
}

/* ATA8-APT software reset protocol: SRST on and off, then wait for both devices. */
static void channel_reset(struct ata_channel *ch, bool may_yield)
{
	ata_device_control(ch, ATA_CTRL_SRST | ATA_CTRL_NIEN);
	for (int i = 0; i < ATA_SRST_HOLD_POLLS; i++) {
		ata_alt_status(ch);
	}
	ata_device_control(ch, ata_control_bits(ch));
	ata_wait_ready(ch, ATA_WAIT_NOT_BUSY, ATA_RESET_TIMEOUT_MS, may_yield);
	ata_reg_read(ch, ATA_REG_STATUS); /* drop an INTRQ the reset raised */
}

/* Select @unit with @device_bits (LBA, LBA28 high nibble) once the channel is idle. */
static int select_unit(struct ata_channel *ch, unsigned int unit, uint8_t device_bits,
		       uint64_t timeout_ms, bool may_yield)
{
	int st = ata_wait_ready(ch, ATA_WAIT_NOT_BUSY, timeout_ms, may_yield);

	if (st < 0) {
		return st;
	}
	ata_reg_write(ch, ATA_REG_DEVICE,
		      ATA_DEVICE_OBSOLETE | (unit ? ATA_DEVICE_DEV1 : 0) | device_bits);
	ata_delay_400ns(ch);
	return ata_wait_ready(ch, ATA_WAIT_NOT_BUSY, timeout_ms, may_yield);
}

/* --- interrupt, watchdog, waiting for INTRQ -------------------------------------- */

/* ISA IRQ 14/15 on the owner CPU while it idles: both devices of the channel share it. */
void ata_interrupt(void *arg)
{
	struct ata_channel *ch = arg;
	uint8_t st;

	/* A stale interrupt from before set_owner moved the channel: not ours to take. */
	if (cpu_id() != ch->cpu) {
		return;
	}
	st = ata_reg_read(ch, ATA_REG_STATUS); /* clears INTRQ (ATA8-APT, Status register) */
	if (st & ATA_STATUS_BSY) {
		return;
	}
	ch->irq_status = st;
	ch->irq_seen = true;
	waitq_wake_all(&ch->waiters);
}

/*
 * The channel's watchdog, a thread on the owner CPU: idle on watchdog_idle
 * while no wait is pending, else asleep until the pending wait's deadline,
 * when it ends the wait as timed out. Exits when the channel moves away.
 */
static void *watchdog_main(void *arg)
{
	struct ata_channel *ch = arg;
	unsigned int cpu = cpu_id();

	while (ch->cpu == cpu) {
		uint64_t now = rdtsc_ordered();

		if (!ch->wait_deadline) {
			waitq_wait(&ch->watchdog_idle);
		} else if (now >= ch->wait_deadline) {
			ch->timed_out = true;
			ch->wait_deadline = 0;
			waitq_wake_all(&ch->waiters);
		} else {
			thread_sleep_ns(tsc_to_ns(ch->wait_deadline - now));
		}
	}
	return NULL;
}

static bool watchdog_arm(struct ata_channel *ch, uint64_t timeout_ms)
{
	ch->timed_out = false;
	ch->wait_deadline = deadline_in(timeout_ms);
	if (ch->watchdog_running) {
		waitq_wake_one(&ch->watchdog_idle);
		return true;
	}
	thread_t t = thread_create(ch->cpu, watchdog_main, ch, 0);

	if (!t) {
		ch->wait_deadline = 0;
		return false;
	}
	thread_detach(t);
	ch->watchdog_running = true;
	return true;
}

/*
 * The next INTRQ of the selected device (ATA8-APT protocols: PIO, one per
 * DRQ block and one at the end; non-data and DMA, one at the end), or in
 * polled mode the device ready as @polled says. Returns the Status read
 * with it, or -ETIMEDOUT.
 */
static int wait_intrq(struct ata_channel *ch, enum ata_wait polled)
{
	int st;

	if (ch->vector && (ch->irq_seen || watchdog_arm(ch, ATA_COMMAND_TIMEOUT_MS))) {
		/*
		 * No lost wake-up: interrupts are off while this thread runs, so an
		 * INTRQ raised after the check stays pending until the CPU idles.
		 */
		while (!ch->irq_seen && !ch->timed_out) {
			waitq_wait(&ch->waiters);
		}
		ch->wait_deadline = 0;
		if (!ch->irq_seen) {
			return -ETIMEDOUT;
		}
		ch->irq_seen = false;
		return ch->irq_status;
	}
	st = ata_wait_ready(ch, polled, ATA_COMMAND_TIMEOUT_MS, true);
	if (st >= 0) {
		st = ata_reg_read(ch, ATA_REG_STATUS); /* and clear INTRQ, if it was raised */
	}
	return st;
}

/* --- commands -------------------------------------------------------------------- */

/*
 * Load the task file and write the command (ATA8-ACS READ SECTORS (EXT) input
 * fields). LBA48: each register holds two bytes, the previous content (high
 * order) written first (ATA8-APT: each such register is a two-byte FIFO).
 */
static int issue(struct ata_disk *d, uint8_t command, uint64_t lba, uint32_t count, bool ext)
{
	struct ata_channel *ch = d->ch;
	uint8_t device_bits = ATA_DEVICE_LBA;
	int err;

	if (!ext) {
		device_bits |= (lba >> 24) & ATA_DEVICE_LBA28_HIGH_MASK;
	}
	err = select_unit(ch, d->unit, device_bits, ATA_COMMAND_TIMEOUT_MS, true);
	if (err < 0) {
		return err;
	}
	if (ext) {
		ata_reg_write(ch, ATA_REG_COUNT, count >> 8);
		ata_reg_write(ch, ATA_REG_LBA_LOW, lba >> 24);
		ata_reg_write(ch, ATA_REG_LBA_MID, lba >> 32);
		ata_reg_write(ch, ATA_REG_LBA_HIGH, lba >> 40);
	}
	/* A count of 256 (LBA28) or 65536 (LBA48) is written as 0. */
	ata_reg_write(ch, ATA_REG_COUNT, count);
	ata_reg_write(ch, ATA_REG_LBA_LOW, lba);
	ata_reg_write(ch, ATA_REG_LBA_MID, lba >> 8);
	ata_reg_write(ch, ATA_REG_LBA_HIGH, lba >> 16);
	ch->irq_seen = false;
	ata_reg_write(ch, ATA_REG_COMMAND, command);
	ata_delay_400ns(ch);
	return 0;
}

static const struct {
	uint8_t command;
	const char *name;
} command_names[] = {
	{ATA_CMD_READ_SECTORS, "READ SECTORS"},	  {ATA_CMD_READ_SECTORS_EXT, "READ SECTORS EXT"},
	{ATA_CMD_WRITE_SECTORS, "WRITE SECTORS"}, {ATA_CMD_WRITE_SECTORS_EXT, "WRITE SECTORS EXT"},
	{ATA_CMD_READ_DMA, "READ DMA"},		  {ATA_CMD_READ_DMA_EXT, "READ DMA EXT"},
	{ATA_CMD_WRITE_DMA, "WRITE DMA"},	  {ATA_CMD_WRITE_DMA_EXT, "WRITE DMA EXT"},
	{ATA_CMD_FLUSH_CACHE, "FLUSH CACHE"},	  {ATA_CMD_FLUSH_CACHE_EXT, "FLUSH CACHE EXT"},
};

static const char *command_name(uint8_t command)
{
	for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++) {
		if (command_names[i].command == command) {
			return command_names[i].name;
		}
	}
	return "command";
}

/*
 * A command that failed with @st (a Status, or -ETIMEDOUT): log it once per
 * device, reset the channel after a timeout so the next command can run.
 * Returns -EIO.
 */
static int command_failed(struct ata_disk *d, uint8_t command, uint64_t lba, int st)
{
	struct ata_channel *ch = d->ch;

	if (!d->error_logged) {
		if (st < 0) {
			pr_err("%s: %s at sector %llu: no answer within %u ms\n", d->blk.name,
			       command_name(command), (unsigned long long)lba,
			       ATA_COMMAND_TIMEOUT_MS);
		} else {
			pr_err("%s: %s at sector %llu failed: status 0x%02x error 0x%02x\n",
			       d->blk.name, command_name(command), (unsigned long long)lba, st,
			       ata_reg_read(ch, ATA_REG_ERROR));
		}
		d->error_logged = true;
	}
	if (st < 0) {
		channel_reset(ch, true);
	}
	return -EIO;
}

static bool status_bad(int st)
{
	return st < 0 || (st & (ATA_STATUS_ERR | ATA_STATUS_DF));
}

/* PIO data-in (ATA8-APT): an INTRQ before each sector's DRQ block. */
static int read_run(struct ata_disk *d, uint64_t lba, uint32_t count, uint8_t *buf, bool ext)
{
	uint8_t command = ext ? ATA_CMD_READ_SECTORS_EXT : ATA_CMD_READ_SECTORS;
	int st = issue(d, command, lba, count, ext);

	if (st < 0) {
		return command_failed(d, command, lba, st);
	}
	for (uint32_t i = 0; i < count; i++) {
		st = wait_intrq(d->ch, ATA_WAIT_NOT_BUSY);
		if (status_bad(st) || !(st & ATA_STATUS_DRQ)) {
			return command_failed(d, command, lba + i, st);
		}
		ata_pio_in(d->ch, buf + (size_t)i * ATA_SECTOR_SIZE);
	}
	return 0;
}

/*
 * PIO data-out (ATA8-APT): the first DRQ block is polled for (no INTRQ
 * precedes it), each block after it follows an INTRQ, and a last INTRQ ends
 * the command.
 */
static int write_run(struct ata_disk *d, uint64_t lba, uint32_t count, const uint8_t *buf, bool ext)
{
	uint8_t command = ext ? ATA_CMD_WRITE_SECTORS_EXT : ATA_CMD_WRITE_SECTORS;
	int st = issue(d, command, lba, count, ext);

	if (st < 0) {
		return command_failed(d, command, lba, st);
	}
	st = ata_wait_ready(d->ch, ATA_WAIT_DRQ, ATA_COMMAND_TIMEOUT_MS, true);
	for (uint32_t i = 0; i < count; i++) {
		if (status_bad(st) || !(st & ATA_STATUS_DRQ)) {
			/* After a block, the status is that of the sector just written. */
			return command_failed(d, command, lba + (i ? i - 1 : 0), st);
		}
		ata_pio_out(d->ch, buf + (size_t)i * ATA_SECTOR_SIZE);
		st = wait_intrq(d->ch, ATA_WAIT_NOT_BUSY);
	}
	if (status_bad(st)) {
		return command_failed(d, command, lba + count - 1, st);
	}
	return 0;
}

/* LBA48 when the range needs it: a sector past LBA28's reach, or more than 256 at once. */
static bool needs_ext(uint64_t lba, uint32_t count)
{
	return lba + count > ATA_LBA28_LIMIT || count > ATA_LBA28_MAX_COUNT;
}

/*
 * DMA (ATA8-APT DMA protocol, SFF-8038i §3): the PRD table, the command, the
 * bus master started; one INTRQ at the end, after which the bus master stops.
 */
static int dma_run(struct ata_disk *d, uint64_t lba, uint32_t count, void *buf, bool ext,
		   bool write)
{
	struct ata_channel *ch = d->ch;
	uint8_t command = write ? (ext ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_WRITE_DMA)
				: (ext ? ATA_CMD_READ_DMA_EXT : ATA_CMD_READ_DMA);
	uint8_t bm_status;
	int st;

	ata_dma_prepare(ch, buf, (size_t)count * ATA_SECTOR_SIZE, !write);
	st = issue(d, command, lba, count, ext);
	if (st < 0) {
		return command_failed(d, command, lba, st);
	}
	ata_dma_start(ch);
	st = wait_intrq(ch, ATA_WAIT_IDLE);
	bm_status = ata_dma_stop(ch);
	if (status_bad(st) || (bm_status & BM_STATUS_ERROR) || (st & ATA_STATUS_DRQ)) {
		return command_failed(d, command, lba, st);
	}
	return 0;
}

static int transfer(struct ata_disk *d, uint64_t lba, uint32_t count, void *buf, bool write)
{
	bool dma = d->dma && ata_dma_usable(d->ch, buf, (size_t)count * ATA_SECTOR_SIZE);
	uint32_t max = d->lba48 ? ATA_LBA48_MAX_COUNT : ATA_LBA28_MAX_COUNT;
	int err = 0;

	if (dma && max > ATA_DMA_MAX_SECTORS) {
		max = ATA_DMA_MAX_SECTORS;
	}
	while (count && !err) {
		uint32_t n = count < max ? count : max;
		bool ext = d->lba48 && needs_ext(lba, n);

		if (dma) {
			err = dma_run(d, lba, n, buf, ext, write);
		} else if (write) {
			err = write_run(d, lba, n, buf, ext);
		} else {
			err = read_run(d, lba, n, buf, ext);
		}
		lba += n;
		count -= n;
		buf = (uint8_t *)buf + (size_t)n * ATA_SECTOR_SIZE;
	}
	return err;
}

/* FLUSH CACHE (EXT) (ATA8-ACS): non-data, one INTRQ at the end. */
static int flush_cache(struct ata_disk *d)
{
	uint8_t command = d->flush_ext ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE;
	int st;

	if (!d->flush && !d->flush_ext) {
		return 0; /* no FLUSH CACHE: the device reports no write cache to flush */
	}
	st = issue(d, command, 0, 0, false);
	if (st >= 0) {
		st = wait_intrq(d->ch, ATA_WAIT_NOT_BUSY);
	}
	return status_bad(st) ? command_failed(d, command, 0, st) : 0;
}

/* --- block device ops: on the owner CPU, one command at a time ------------------- */

enum ata_op { ATA_OP_READ, ATA_OP_WRITE, ATA_OP_FLUSH };

struct ata_request {
	struct ata_disk *disk;
	enum ata_op op;
	uint64_t sector;
	uint32_t count;
	void *buf;
};

static long run_request(void *arg);

static int request(struct ata_request *r)
{
	struct ata_channel *ch = r->disk->ch;
	int err;

	if (cpu_id() != ch->cpu) {
		/* Reached the device's old owner after a move: go to the channel's CPU. */
		return (int)xcall(ch->cpu, run_request, r);
	}
	kmutex_lock(&ch->lock);
	if (r->op == ATA_OP_FLUSH) {
		err = flush_cache(r->disk);
	} else {
		err = transfer(r->disk, r->sector, r->count, r->buf, r->op == ATA_OP_WRITE);
	}
	kmutex_unlock(&ch->lock);
	return err;
}

static long run_request(void *arg)
{
	return request(arg);
}

static int ata_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	struct ata_request r = {dev->priv, ATA_OP_READ, sector, count, buf};

	return request(&r);
}

static int ata_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	/* The device only reads this buffer. */
	struct ata_request r = {dev->priv, ATA_OP_WRITE, sector, count, (void *)buf};

	return request(&r);
}

static int ata_flush(struct blkdev *dev)
{
	struct ata_request r = {dev->priv, ATA_OP_FLUSH, 0, 0, NULL};

	return request(&r);
}

struct owner_move {
	struct ata_disk *disk;
	unsigned int cpu;
};

static long run_set_owner(void *arg);

/*
 * Wait on the channel's CPU until no command runs or waits there (the
 * sibling device's), sleeping so that the CPU idles and takes their IRQs.
 * Returns 0, or -EBUSY if that does not happen within a command's timeout.
 */
static int channel_drain(struct ata_channel *ch)
{
	uint64_t deadline = deadline_in(ATA_COMMAND_TIMEOUT_MS);

	while (ch->lock.locked || ch->lock.waiters.head) {
		if (rdtsc_ordered() > deadline) {
			return -EBUSY;
		}
		thread_sleep_ns(DRAIN_POLL_NS);
	}
	return 0;
}

/*
 * blk_dedicate() of one device: the channel - its IRQ, its commands, the
 * watchdog - moves to @cpu. The sibling device keeps its owner_cpu (the block
 * layer's to change); its requests are forwarded to the channel's CPU by
 * request(). Runs on the channel's CPU (forwarded there otherwise).
 */
static int ata_set_owner(struct blkdev *dev, unsigned int cpu)
{
	struct ata_disk *d = dev->priv;
	struct ata_channel *ch = d->ch;
	struct owner_move m = {d, cpu};
	struct ata_disk *sibling = ch->disk[!d->unit];
	int err;

	if (cpu >= cpu_count()) {
		return -EINVAL;
	}
	if (cpu_id() != ch->cpu) {
		return (int)xcall(ch->cpu, run_set_owner, &m);
	}
	if (cpu == ch->cpu) {
		return 0;
	}
	err = channel_drain(ch);
	if (err) {
		return err;
	}
	if (cpu_id() != ch->cpu) {
		/* Another move ran while we slept: start over from where it went. */
		return (int)xcall(ch->cpu, run_set_owner, &m);
	}
	if (ch->vector) {
		err = ioapic_route(ch->gsi, (uint8_t)ch->vector, cpu_data[cpu].apic_id,
				   ch->irq_flags);
		if (err) {
			return err;
		}
	}
	ch->cpu = cpu;
	kmutex_init(&ch->lock, cpu);
	/* The old watchdog sees the move and exits; the new CPU starts its own. */
	ch->watchdog_running = false;
	waitq_wake_all(&ch->watchdog_idle);
	pr_info("%s channel (irq %u): owner cpu %u\n", ch->label, ch->isa_irq, cpu);
	if (sibling && sibling->blk.owner_cpu != cpu) {
		pr_info("%s shares the channel with %s: its requests go to cpu %u too "
			"(dedicate it there as well to save the hop)\n",
			sibling->blk.name, d->blk.name, cpu);
	}
	return 0;
}

static long run_set_owner(void *arg)
{
	struct owner_move *m = arg;

	return ata_set_owner(&m->disk->blk, m->cpu);
}

const struct blkdev_ops ata_ops = {
	.read = ata_read,
	.write = ata_write,
	.flush = ata_flush,
	.set_owner = ata_set_owner,
};
