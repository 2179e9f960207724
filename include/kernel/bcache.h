/* SPDX-License-Identifier: MIT */
/*
 * bcache.h - the block cache shared by the block file systems (ext2, FAT16):
 * write-back, bounded by CONFIG_BCACHE_SIZE_KIB, one cache per disk.
 *
 * The cache is itself a struct blkdev: bcache_open(dev) returns a cached view
 * of @dev (same name, sizes and owner CPU) whose read/write go through the
 * cache and whose flush writes every dirty block back and then flushes the
 * disk. A file system mounts the view instead of the disk and needs no other
 * change. The view is used only on the disk's owner CPU (blkdev_read/write
 * forward there), so it needs no lock.
 *
 * Transfers of whole aligned cache blocks adding up to 64 KiB or more (file
 * data in runs), and any of at least a whole cache's worth, bypass the cache:
 * one request straight to the disk, then the cached blocks they overlap are
 * brought up to date with it (bcache.c), so none is ever stale.
 */
#ifndef KERNEL_BCACHE_H
#define KERNEL_BCACHE_H

#include <kernel/blkdev.h>

/*
 * The cached view of @dev (a whole disk or a partition), created on the first
 * call and shared after; each call takes a reference. NULL when out of memory.
 */
struct blkdev *bcache_open(struct blkdev *dev);

/* Write back every dirty block of @view, then flush its disk. 0 or -EIO. */
int bcache_sync(struct blkdev *view);

/* Sync @view and drop the reference; the last one frees the cache. 0 or -EIO. */
int bcache_close(struct blkdev *view);

/* Write back every cache (shutdown). 0, or the first error met. */
int bcache_sync_all(void);

#endif /* KERNEL_BCACHE_H */
