/* SPDX-License-Identifier: MIT */
/*
 * blkdev.h - the block device class: what disk drivers (virtio-blk, ATA)
 * provide and what the block cache and file systems (ext2, FAT16) use.
 *
 * Portable: file-system code takes a struct blkdev and never touches
 * hardware, so host unit tests can back one with an image file.
 * Sector numbers and counts are in units of sector_size bytes.
 */
#ifndef KERNEL_BLKDEV_H
#define KERNEL_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLKDEV_NAME_MAX 16

struct blkdev;

struct blkdev_ops {
	/* Read/write @count sectors at @sector; 0 or -EIO/-EINVAL/-EROFS. */
	int (*read)(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf);
	int (*write)(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf);
	/* Make completed writes durable; 0 or -EIO. NULL when there is no cache. */
	int (*flush)(struct blkdev *dev);
	/*
	 * blk_dedicate(): deliver the device's interrupt to CPU @cpu from now on
	 * (called on the old owner CPU, with no request in flight). 0 or -Exxx;
	 * NULL when the driver polls and has nothing to move.
	 */
	int (*set_owner)(struct blkdev *dev, unsigned int cpu);
};

struct blkdev {
	char name[BLKDEV_NAME_MAX]; /* vda, vdb, hda, vda1 ... */
	uint32_t sector_size;	    /* bytes, a power of two >= 512 */
	uint64_t sector_count;
	bool read_only;
	unsigned int owner_cpu; /* the CPU that runs its I/O (blk_dedicate) */
	const struct blkdev_ops *ops;
	void *priv;		  /* the driver's */
	struct blkdev *parent;	  /* a partition's whole disk, else NULL */
	uint64_t first_sector;	  /* a partition's offset on its parent */
	unsigned int cache_views; /* a whole disk's open bcache views (bcache.c, owner CPU) */
};

/*
 * The registry (drivers/block/blkdev.c). Drivers register at boot
 * (initcalls, CPU 0); afterwards it only changes by more registrations.
 */
#define BLKDEV_MAX 16

/* Add @dev (name, sizes and ops filled in). Returns 0, -EEXIST, -ENOSPC or -EINVAL. */
int blkdev_register(struct blkdev *dev);

/* The device named @name, or NULL. */
struct blkdev *blkdev_find(const char *name);

/* Iteration: the @index-th registered device, or NULL past the last. */
struct blkdev *blkdev_get(unsigned int index);

/*
 * The first unused name @prefix + letter ("vd" -> "vda", "vdb" ...) into
 * @name (BLKDEV_NAME_MAX bytes). Returns 0 or -ENOSPC.
 */
int blkdev_next_name(const char *prefix, char *name);

/*
 * Checked I/O through dev->ops: the range must lie inside the device
 * (partitions add first_sector and go to their parent), writes to a
 * read-only device fail; the request runs on the disk's owner CPU (from any
 * thread: it is forwarded and the caller waits). Returns 0, -EINVAL, -EROFS
 * or the driver's -Exxx.
 */
int blkdev_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf);
int blkdev_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf);
/* 0 when the device has no cache, else ops->flush(). */
int blkdev_flush(struct blkdev *dev);

/*
 * Dedication (Toro's DedicateBlockDriver): CPU @cpu takes @dev's interrupts
 * and runs all its I/O from now on; blkdev_read/write/flush on any other CPU
 * reach it through xcall(). A partition's owner is its disk's, so dedicating
 * a partition dedicates the disk. Call from a thread. Returns 0, -EINVAL (no
 * such CPU), -ENODEV (@dev is not registered), -EBUSY (a block cache is open
 * on the disk) or the driver's set_owner() error (the old owner keeps it).
 */
int blkdev_dedicate(struct blkdev *dev, unsigned int cpu);

/* The whole disk under @dev (@dev itself unless it is a partition). */
struct blkdev *blkdev_disk(struct blkdev *dev);

/*
 * drivers/block/partition.c: read @disk's MBR and register its partitions
 * (vda1, vda2, vda5 ...). Returns how many, or -Exxx (logged) for an unreadable
 * or corrupt table, which registers none.
 */
int blkdev_scan_partitions(struct blkdev *disk);

#endif
