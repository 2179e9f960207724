// SPDX-License-Identifier: MIT
/*
 * test_bcache.c - the block cache (drivers/block/bcache.c) over a disk in memory,
 * reached through blkdev.c as on the machine (blk_host.c emulates the CPUs).
 *
 * Random read/write/sync sequences are checked against a plain copy of what the
 * disk must hold (reads through the cache always see it; after a sync the disk
 * holds it), with sector sizes of 512, 4096 and 8192 bytes and a disk whose size
 * is not a whole number of cache blocks. Also: the memory bound and LRU eviction
 * under pressure, coherence of transfers that bypass the cache, device errors
 * (reported as -EIO, dirty data kept until it can be written, a loss only at the
 * last close and then logged), shared opens, and dedication refused while a cache
 * is open. Built with CONFIG_BCACHE_SIZE_KIB=64 (unit.mk): 16 blocks of 4 KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "blk_host.h"
#include <kernel/bcache.h>
#include <kernel/blkdev.h>
#include <kernel/errno.h>

#define CACHE_BYTES (CONFIG_BCACHE_SIZE_KIB * 1024)
#define ROUNDS 6000

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64: a fixed sequence per seed, so a failure can be replayed */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* A request: mostly small, sometimes at the end of the disk, sometimes large enough to bypass. */
static void pick_range(uint64_t sectors, uint32_t size, uint64_t *sector, uint32_t *count)
{
	uint64_t big = CACHE_BYTES / size;
	unsigned int kind = rnd_below(20);

	if (kind == 0 && big <= sectors) {
		*count = (uint32_t)(big + rnd_below(big < sectors - big ? big : sectors - big + 1));
	} else {
		*count = 1 + (uint32_t)rnd_below(kind == 1 ? 3 : 16);
	}
	if (*count > sectors) {
		*count = (uint32_t)sectors;
	}
	*sector = kind == 2 ? sectors - *count : rnd_below(sectors - *count + 1);
}

static void random_ops(uint32_t size, uint64_t sectors, uint64_t seed)
{
	struct memdisk m;
	struct blkdev *view;
	uint8_t *model, *buf;
	size_t disk_bytes = (size_t)size * sectors;
	unsigned long bad_reads = 0, bad_syncs = 0;

	printf("random_ops: sector %u, %llu sectors, seed %llu\n", size,
	       (unsigned long long)sectors, (unsigned long long)seed);
	rng_state = seed;
	memdisk_init(&m, "vdr", size, sectors, -1);
	model = malloc(disk_bytes);
	buf = malloc(disk_bytes);
	memcpy(model, m.data, disk_bytes);
	host_track_size = size > 4096 ? size : 4096;
	host_tracked_peak = host_tracked_live = 0;
	view = bcache_open(&m.dev);
	CHECK(view != NULL);
	if (!view) {
		goto out;
	}
	CHECK_EQ(view->sector_count, sectors);
	CHECK_EQ(view->sector_size, size);
	for (int r = 0; r < ROUNDS; r++) {
		unsigned int op = rnd_below(100);
		uint64_t sector;
		uint32_t count;
		size_t off, n;

		pick_range(sectors, size, &sector, &count);
		off = (size_t)sector * size;
		n = (size_t)count * size;
		if (op < 45) {
			memset(buf, 0xee, n);
			CHECK_EQ(blkdev_read(view, sector, count, buf), 0);
			bad_reads += memcmp(buf, model + off, n) != 0;
		} else if (op < 92) {
			for (size_t i = 0; i < n; i++) {
				buf[i] = (uint8_t)rnd();
			}
			CHECK_EQ(blkdev_write(view, sector, count, buf), 0);
			memcpy(model + off, buf, n);
		} else {
			CHECK_EQ(op < 96 ? bcache_sync(view) : blkdev_flush(view), 0);
			bad_syncs += memcmp(m.data, model, disk_bytes) != 0;
		}
		CHECK_EQ(host_mutex_held, 0);
	}
	CHECK_EQ(bad_reads, 0UL);
	CHECK_EQ(bad_syncs, 0UL);
	CHECK(m.flushes > 0);
	CHECK_EQ(bcache_close(view), 0);
	CHECK(memcmp(m.data, model, disk_bytes) == 0);
	/* The memory bound: never more blocks than the Kconfig size holds (at least 4). */
	CHECK(host_tracked_peak <=
	      (CACHE_BYTES / host_track_size > 4 ? CACHE_BYTES / host_track_size : 4));
	CHECK_EQ(host_tracked_live, 0u);
	CHECK_EQ(host_mutex_wrong, 0u);
out:
	free(model);
	free(buf);
	memdisk_free(&m);
}

/* Write three caches' worth of blocks: the oldest reach the disk before any sync. */
static void eviction_under_pressure(void)
{
	struct memdisk m;
	struct blkdev *view;
	const unsigned int blocks = 3 * CACHE_BYTES / 4096;
	uint8_t block[4096], back[4096];

	memdisk_init(&m, "vde", 512, blocks * 8, 0);
	host_track_size = 4096;
	host_tracked_peak = host_tracked_live = 0;
	view = bcache_open(&m.dev);
	for (unsigned int b = 0; b < blocks; b++) {
		memset(block, b + 1, sizeof(block));
		CHECK_EQ(view->ops->write(view, b * 8, 8, block), 0);
	}
	CHECK_EQ(host_tracked_peak, (unsigned int)(CACHE_BYTES / 4096));
	/* Each of the first 2/3 was evicted, so written back once; the last third is not yet. */
	CHECK_EQ(m.writes, (unsigned long)(blocks - CACHE_BYTES / 4096));
	CHECK_EQ(m.data[0], 1);
	CHECK_EQ(m.data[(blocks - 1) * 4096], 0);
	/* LRU, not FIFO: touch block 0 (re-read from the disk), then stream more blocks. */
	CHECK_EQ(view->ops->read(view, 0, 8, back), 0);
	CHECK_EQ(back[0], 1);
	for (unsigned int b = 1; b < CACHE_BYTES / 4096; b++) {
		CHECK_EQ(view->ops->read(view, (uint64_t)b * 8, 8, back), 0);
		CHECK_EQ(view->ops->read(view, 0, 8, back), 0);
	}
	/* One more block: LRU evicts block 1 (least recently used), FIFO would take block 0. */
	m.reads = 0;
	CHECK_EQ(view->ops->read(view, (uint64_t)(CACHE_BYTES / 4096) * 8, 8, back), 0);
	CHECK_EQ(view->ops->read(view, 0, 1, back), 0);
	CHECK_EQ(m.reads, 1UL); /* block 0 stayed while colder blocks went */
	CHECK_EQ(bcache_close(view), 0);
	for (unsigned int b = 0; b < blocks; b++) {
		CHECK_EQ(m.data[b * 4096 + 4095], (uint8_t)(b + 1));
	}
	memdisk_free(&m);
}

/*
 * A bypassing write updates the cached blocks it overlaps instead of writing them back:
 * one it covers whole becomes clean, one it covers in part stays dirty with both data.
 */
static void bypass_reconcile(void)
{
	struct memdisk m;
	struct blkdev *view;
	const uint32_t big = CACHE_BYTES / 512;
	uint8_t *buf = malloc((size_t)big * 512), small[512];
	unsigned long writes;

	memdisk_init(&m, "vdc", 512, 2 * big, 0x11);
	view = bcache_open(&m.dev);
	memset(small, 0x22, sizeof(small));
	CHECK_EQ(view->ops->write(view, 3, 1, small), 0);  /* block 0: only partly overwritten */
	CHECK_EQ(view->ops->write(view, 17, 1, small), 0); /* block 2: overwritten whole */
	memset(buf, 0x33, (size_t)big * 512);
	writes = m.writes;
	CHECK_EQ(view->ops->write(view, 4, big, buf), 0);
	CHECK_EQ(m.writes, writes + 1); /* the transfer alone: nothing written back */
	CHECK_EQ(view->ops->read(view, 0, 24, buf), 0);
	CHECK_EQ(buf[3 * 512], 0x22);
	CHECK_EQ(buf[4 * 512], 0x33);
	CHECK_EQ(buf[17 * 512], 0x33);
	CHECK_EQ(buf[0], 0x11);
	writes = m.writes;
	CHECK_EQ(bcache_sync(view), 0);
	CHECK_EQ(m.writes, writes + 1); /* block 0 only: block 2 became clean */
	CHECK_EQ(m.data[3 * 512], 0x22);
	CHECK_EQ(m.data[4 * 512], 0x33);
	CHECK_EQ(m.data[17 * 512], 0x33);
	/* A failed bypass leaves the cache as it was. */
	CHECK_EQ(view->ops->write(view, 40, 1, small), 0);
	m.fail_writes = true;
	memset(buf, 0x44, (size_t)big * 512);
	CHECK_EQ(view->ops->write(view, 32, big, buf), -EIO);
	m.fail_writes = false;
	CHECK_EQ(view->ops->read(view, 40, 1, small), 0);
	CHECK_EQ(small[0], 0x22);
	CHECK_EQ(bcache_close(view), 0);
	CHECK_EQ(m.data[40 * 512], 0x22);
	free(buf);
	memdisk_free(&m);
}

/* Large transfers go to the disk in one request and still see, and supersede, cached data. */
static void bypass_coherence(void)
{
	struct memdisk m;
	struct blkdev *view;
	const uint32_t big = CACHE_BYTES / 512 + 16;
	uint8_t *buf = malloc((size_t)big * 512);
	uint8_t small[512];

	memdisk_init(&m, "vdb", 512, 4 * big, 0x11);
	view = bcache_open(&m.dev);
	memset(small, 0x22, sizeof(small));
	CHECK_EQ(view->ops->write(view, 20, 1, small), 0); /* dirty in the cache */
	CHECK_EQ(m.data[20 * 512], 0x11);
	m.largest_request = 0;
	CHECK_EQ(view->ops->read(view, 0, big, buf), 0);
	CHECK_EQ(m.largest_request, big); /* one request: bypassed */
	CHECK_EQ(buf[20 * 512], 0x22);	  /* the dirty cached data, newer than the disk's */
	CHECK_EQ(buf[21 * 512], 0x11);
	CHECK_EQ(m.data[20 * 512], 0x11); /* a read writes nothing back */

	CHECK_EQ(view->ops->write(view, 40, 1, small), 0); /* dirty again, in another block */
	memset(buf, 0x33, (size_t)big * 512);
	CHECK_EQ(view->ops->write(view, 8, big, buf), 0);
	CHECK_EQ(m.data[40 * 512], 0x33);
	CHECK_EQ(m.data[7 * 512], 0x11); /* the edge block's other sectors are kept */
	CHECK_EQ(view->ops->read(view, 20, 1, small), 0);
	CHECK_EQ(small[0], 0x33); /* the cached copy was updated, not served stale */
	CHECK_EQ(view->ops->read(view, 0, 8, buf), 0);
	CHECK_EQ(buf[0], 0x11);
	CHECK_EQ(bcache_close(view), 0);
	CHECK_EQ(m.data[20 * 512], 0x33);
	CHECK_EQ(m.data[40 * 512], 0x33);
	free(buf);
	memdisk_free(&m);
}

/*
 * Device errors. A failed read: -EIO, nothing cached. A failed write-back: -EIO from
 * sync, the block stays dirty and readable, the next sync after the device recovers
 * writes it. Eviction skips blocks it cannot write; with every block dirty and the
 * device failing, a request that needs room gets -EIO. The last close of a cache that
 * still cannot write loses the blocks and logs it.
 */
static void device_errors(void)
{
	struct memdisk m;
	struct blkdev *view;
	uint8_t sec[512];
	const unsigned int blocks = CACHE_BYTES / 4096;

	host_log_quiet = true;
	memdisk_init(&m, "vdx", 512, 8 * 4 * blocks, 0);
	view = bcache_open(&m.dev);

	m.fail_reads = true;
	CHECK_EQ(view->ops->read(view, 3, 1, sec), -EIO);
	m.fail_reads = false;
	CHECK_EQ(view->ops->read(view, 3, 1, sec), 0);

	memset(sec, 0x5a, sizeof(sec));
	CHECK_EQ(view->ops->write(view, 9, 1, sec), 0);
	m.fail_writes = true;
	host_log_clear();
	CHECK_EQ(bcache_sync(view), -EIO);
	CHECK(strstr(host_log, "vdx: cannot write back sectors 9-9") != NULL);
	memset(sec, 0, sizeof(sec));
	CHECK_EQ(view->ops->read(view, 9, 1, sec), 0);
	CHECK_EQ(sec[0], 0x5a); /* still there */
	m.fail_writes = false;
	CHECK_EQ(bcache_sync(view), 0);
	CHECK_EQ(m.data[9 * 512], 0x5a);

	/* Fill the cache with dirty blocks while the device refuses writes. */
	m.fail_writes = true;
	for (unsigned int b = 0; b < blocks; b++) {
		memset(sec, 0x60 + b, sizeof(sec));
		CHECK_EQ(view->ops->write(view, b * 8ULL, 1, sec), 0);
	}
	/* A partial write of a new block needs room: no block can be written back. */
	CHECK_EQ(view->ops->write(view, blocks * 8ULL + 1, 1, sec), -EIO);
	/* Only one sector fails: eviction goes past that block and takes another. */
	m.fail_one = true;
	m.fail_sector = 0; /* block 0, the coldest */
	CHECK_EQ(view->ops->write(view, blocks * 8ULL + 1, 1, sec), 0);
	CHECK_EQ(m.data[8 * 512], 0x61); /* block 1 was written back to make room */
	m.fail_one = false;
	m.fail_writes = false;
	CHECK_EQ(bcache_sync(view), 0);
	for (unsigned int b = 0; b < blocks; b++) {
		CHECK_EQ(m.data[b * 8 * 512], (uint8_t)(0x60 + b));
	}

	/* The last close while the disk still fails: -EIO and a log line, not silence. */
	CHECK_EQ(view->ops->write(view, 100, 1, sec), 0);
	m.fail_writes = true;
	host_log_clear();
	CHECK_EQ(bcache_close(view), -EIO);
	CHECK(strstr(host_log, "vdx: closed with 1 blocks that could not be written") != NULL);
	host_log_quiet = false;
	memdisk_free(&m);
}

/*
 * Write-back sends only the sectors that changed: a device that refuses a sector
 * (QEMU vvfat refuses its boot sector) still takes the changed neighbours in the
 * same cache block, and the refused sector is never written.
 */
static void only_dirty_sectors_written(void)
{
	struct memdisk m;
	struct blkdev *view;
	uint8_t sec[512];

	memdisk_init(&m, "vdy", 512, 64, 0x11);
	view = bcache_open(&m.dev);
	m.fail_writes = true; /* with fail_one: only requests covering sector 0 */
	m.fail_one = true;
	m.fail_sector = 0;
	memset(sec, 0x22, sizeof(sec));
	CHECK_EQ(view->ops->write(view, 1, 1, sec), 0);
	CHECK_EQ(view->ops->write(view, 3, 1, sec), 0);
	CHECK_EQ(view->ops->write(view, 4, 1, sec), 0);
	m.writes = 0;
	CHECK_EQ(bcache_sync(view), 0);
	CHECK_EQ(m.writes, 2); /* sector 1, then sectors 3-4 */
	CHECK_EQ(m.data[0], 0x11);
	CHECK_EQ(m.data[512], 0x22);
	CHECK_EQ(m.data[2 * 512], 0x11);
	CHECK_EQ(m.data[3 * 512], 0x22);
	CHECK_EQ(m.data[4 * 512 + 511], 0x22);
	CHECK_EQ(m.data[5 * 512], 0x11);
	m.fail_one = false;
	m.fail_writes = false;
	CHECK_EQ(bcache_close(view), 0);
	memdisk_free(&m);
}

/* bcache_open() shares one cache per device; ranges and read-only devices are checked. */
static void open_share_and_checks(void)
{
	struct memdisk m, part_disk;
	struct blkdev part = {0};
	struct blkdev *a, *b, *p;
	uint8_t sec[512] = {1};

	memdisk_init(&m, "vds", 512, 64, 0);
	a = bcache_open(&m.dev);
	b = bcache_open(&m.dev);
	CHECK(a != NULL && a == b);
	CHECK_EQ(a->ops->write(a, 1, 1, sec), 0);
	CHECK_EQ(bcache_close(b), 0); /* syncs, keeps the cache */
	CHECK_EQ(m.data[512], 1);
	CHECK_EQ(a->ops->read(a, 1, 1, sec), 0);
	CHECK_EQ(a->ops->read(a, 64, 1, sec), -EINVAL);
	CHECK_EQ(a->ops->read(a, 63, 2, sec), -EINVAL);
	CHECK_EQ(blkdev_read(a, 60, 5, sec), -EINVAL);
	CHECK_EQ(bcache_close(a), 0);

	/* A partition: its sector 0 is its first_sector on the disk. */
	memdisk_init(&part_disk, "vdp", 512, 64, 0);
	part = (struct blkdev){.name = "vdp1",
			       .sector_size = 512,
			       .sector_count = 16,
			       .parent = &part_disk.dev,
			       .first_sector = 40};
	p = bcache_open(&part);
	CHECK(p != NULL);
	memset(sec, 7, sizeof(sec));
	CHECK_EQ(p->ops->write(p, 15, 1, sec), 0);
	CHECK_EQ(p->ops->write(p, 16, 1, sec), -EINVAL);
	CHECK_EQ(bcache_close(p), 0);
	CHECK_EQ(part_disk.data[55 * 512], 7);
	CHECK_EQ(part_disk.data[56 * 512], 0);
	CHECK_EQ(part_disk.data[54 * 512], 0);

	m.dev.read_only = true;
	a = bcache_open(&m.dev);
	CHECK_EQ(a->ops->write(a, 1, 1, sec), -EROFS);
	CHECK_EQ(blkdev_write(a, 1, 1, sec), -EROFS);
	CHECK_EQ(bcache_close(a), 0);
	memdisk_free(&m);
	memdisk_free(&part_disk);
}

/* Dedication: requests from another CPU are forwarded; refused while a cache is open. */
static void dedication(void)
{
	static struct memdisk m; /* registered: it stays in the registry */
	struct blkdev *view;
	uint8_t sec[512];

	host_cpus = 2;
	memdisk_init(&m, "vdq", 512, 64, 0);
	CHECK_EQ(blkdev_register(&m.dev), 0);
	CHECK_EQ(blkdev_dedicate(&m.dev, 2), -EINVAL);
	CHECK_EQ(blkdev_dedicate(&m.dev, 1), 0);
	CHECK_EQ(m.set_owner_calls, 1u);
	CHECK_EQ(m.dev.owner_cpu, 1u);
	host_xcalls = 0;
	CHECK_EQ(blkdev_read(&m.dev, 0, 1, sec), 0); /* from CPU 0 */
	CHECK_EQ(host_xcalls, 1u);

	view = bcache_open(&m.dev);
	CHECK(view != NULL && view->owner_cpu == 1);
	CHECK_EQ(blkdev_write(view, 2, 1, sec), 0); /* forwarded to CPU 1, locked there */
	CHECK_EQ(host_mutex_wrong, 0u);
	CHECK_EQ(blkdev_dedicate(&m.dev, 0), -EBUSY);
	CHECK_EQ(bcache_close(view), 0);
	CHECK_EQ(host_mutex_wrong, 0u);

	m.set_owner_result = -EIO; /* a driver that cannot move its interrupt keeps the disk */
	CHECK_EQ(blkdev_dedicate(&m.dev, 0), -EIO);
	CHECK_EQ(m.dev.owner_cpu, 1u);
	m.set_owner_result = 0;
	CHECK_EQ(blkdev_dedicate(&m.dev, 0), 0);
	CHECK_EQ(m.dev.owner_cpu, 0u);
	CHECK_EQ(bcache_sync_all(), 0);
	host_cpus = 1;
	memdisk_free(&m);
}

int main(void)
{
	random_ops(512, 1003, 1); /* a short last cache block */
	random_ops(512, 4096, 2);
	random_ops(4096, 300, 3);
	random_ops(8192, 37, 4); /* blocks of one sector, and the 4-block minimum */
	eviction_under_pressure();
	bypass_coherence();
	bypass_reconcile();
	device_errors();
	only_dirty_sectors_written();
	open_share_and_checks();
	dedication();
	return harness_report();
}
