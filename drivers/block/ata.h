/* SPDX-License-Identifier: MIT */
/*
 * ata.h - private to the ATA driver: channel and disk state, register
 * access, and what detection (ata_probe.c) and I/O (ata.c) share.
 */
#ifndef DRIVERS_BLOCK_ATA_H
#define DRIVERS_BLOCK_ATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/blkdev.h>
#include <kernel/sched.h>
#include <kernel/xcall.h>
#include <asm/io.h>
#include "ata_reg.h"

#define ATA_CHANNELS 2
#define ATA_UNITS 2		     /* master (device 0), slave (device 1) */
#define ATA_COMMAND_TIMEOUT_MS 10000 /* a request: per wait (a DRQ block, the completion) */
#define ATA_RESET_TIMEOUT_MS 3000    /* after a soft reset, until BSY clears */
#define ATA_QUICK_POLLS 64	     /* status polls before the clock is read at all */
#define ATA_SRST_HOLD_POLLS 8	     /* Alternate Status reads while SRST is held (>= 5 us) */

struct ata_channel;

struct ata_disk {
	struct blkdev blk;
	struct ata_channel *ch;
	unsigned int unit; /* 0 master, 1 slave */
	bool lba48;	   /* 48-bit Address feature set */
	bool flush;	   /* FLUSH CACHE supported */
	bool flush_ext;	   /* FLUSH CACHE EXT supported */
	bool dma;	   /* DMA supported, and the channel has a bus master */
	bool error_logged;
	char model[ATA_ID_MODEL_WORDS * 2 + 1];
};

struct ata_channel {
	const char *label;
	uint16_t cmd, ctrl; /* command and control block bases */
	unsigned int isa_irq;
	struct ata_disk *disk[ATA_UNITS];
	unsigned int cpu; /* owner: runs the commands, takes the IRQ */
	int vector;	  /* 0: polled */
	uint32_t gsi;
	uint16_t irq_flags;
	struct kmutex lock;   /* one command at a time on the channel */
	struct waitq waiters; /* the thread waiting for INTRQ */
	bool irq_seen;	      /* set by the handler, cleared before each command */
	uint8_t irq_status;   /* Status as the handler read it */
	/* The watchdog that ends a wait for an INTRQ that never comes. */
	struct waitq watchdog_idle;
	bool watchdog_running;	/* on this->cpu */
	uint64_t wait_deadline; /* TSC; 0 while no wait is pending */
	bool timed_out;
	uint16_t bm;	      /* its Bus Master IDE registers; 0: PIO only */
	struct ata_prd *prdt; /* its PRD table (ata_dma.c) */
};

/* The most sectors of one DMA command: 4 MiB, at most 65 PRD entries. */
#define ATA_DMA_MAX_SECTORS 8192

#ifdef CONFIG_ATA_DMA
/* Find the bus-master IDE controller: sets ch->bm and ch->prdt where usable. */
void ata_dma_init(void);
/* Whether @bytes at @buf can go by DMA on @ch (a bus master; aligned, below 4 GiB). */
bool ata_dma_usable(const struct ata_channel *ch, const void *buf, size_t bytes);
/* Load the PRD table for @buf and the direction; clear the bus master's status. */
void ata_dma_prepare(struct ata_channel *ch, void *buf, size_t bytes, bool to_memory);
/* After the ATA command is written: start the bus master. */
void ata_dma_start(struct ata_channel *ch);
/* After the command's INTRQ: stop it; returns its status (BM_STATUS_*). */
uint8_t ata_dma_stop(struct ata_channel *ch);
#else /* PIO only: nothing uses these when no channel has a bus master */
static inline void ata_dma_init(void)
{
}
static inline bool ata_dma_usable(const struct ata_channel *ch, const void *buf, size_t bytes)
{
	(void)ch, (void)buf, (void)bytes;
	return false;
}
static inline void ata_dma_prepare(struct ata_channel *ch, void *buf, size_t bytes, bool to_memory)
{
	(void)ch, (void)buf, (void)bytes, (void)to_memory;
}
static inline void ata_dma_start(struct ata_channel *ch)
{
	(void)ch;
}
static inline uint8_t ata_dma_stop(struct ata_channel *ch)
{
	(void)ch;
	return 0;
}
#endif

/* The two channels, in name order (hda, hdb on the first). */
extern struct ata_channel ata_channels[ATA_CHANNELS];

/* The block device ops of every ATA disk (ata.c). */
extern const struct blkdev_ops ata_ops;

enum ata_wait {
	ATA_WAIT_NOT_BUSY, /* BSY clear */
	ATA_WAIT_DRQ,	   /* BSY clear, and DRQ (a data block) or ERR/DF */
	ATA_WAIT_IDLE,	   /* BSY and DRQ clear: a DMA transfer is over */
};

/*
 * Poll Alternate Status until the device is ready as @want says, at most
 * @timeout_ms by the clock; @may_yield between polls (in a thread).
 * Returns the status, or -ETIMEDOUT.
 */
int ata_wait_ready(const struct ata_channel *ch, enum ata_wait want, uint64_t timeout_ms,
		   bool may_yield);

/* The channel's interrupt handler (irq_vector_alloc()). */
void ata_interrupt(void *arg);

static inline uint8_t ata_reg_read(const struct ata_channel *ch, unsigned int reg)
{
	return inb(ch->cmd + reg);
}

static inline void ata_reg_write(const struct ata_channel *ch, unsigned int reg, uint8_t v)
{
	outb(ch->cmd + reg, v);
}

static inline uint8_t ata_alt_status(const struct ata_channel *ch)
{
	return inb(ch->ctrl);
}

static inline void ata_device_control(const struct ata_channel *ch, uint8_t v)
{
	outb(ch->ctrl, v);
}

/* The polled mode's Device Control, and the interrupt mode's (nIEN clear). */
static inline uint8_t ata_control_bits(const struct ata_channel *ch)
{
	return ch->vector ? 0 : ATA_CTRL_NIEN;
}

/*
 * ATA8-APT (host protocols): Status is valid 400 ns after a write to Command or Device;
 * four Alternate Status reads take at least that long on any ISA-timed bus.
 */
static inline void ata_delay_400ns(const struct ata_channel *ch)
{
	for (int i = 0; i < 4; i++) {
		ata_alt_status(ch);
	}
}

/*
 * One sector through the data register as 32-bit accesses: the host side of
 * the bus (PIIX IDE, QEMU's included) splits each into two 16-bit transfers.
 * Under QEMU this halves the I/O exits of a PIO transfer (2.5x the MB/s).
 */
static inline void ata_pio_in(const struct ata_channel *ch, void *buf)
{
	void *p = buf;
	unsigned long n = ATA_SECTOR_SIZE / sizeof(uint32_t);

	__asm__ __volatile__("rep insl"
			     : "+D"(p), "+c"(n)
			     : "d"((uint16_t)(ch->cmd + ATA_REG_DATA))
			     : "memory");
}

static inline void ata_pio_out(const struct ata_channel *ch, const void *buf)
{
	const void *p = buf;
	unsigned long n = ATA_SECTOR_SIZE / sizeof(uint32_t);

	__asm__ __volatile__("rep outsl"
			     : "+S"(p), "+c"(n)
			     : "d"((uint16_t)(ch->cmd + ATA_REG_DATA))
			     : "memory");
}

#endif /* DRIVERS_BLOCK_ATA_H */
