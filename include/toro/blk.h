/* SPDX-License-Identifier: MIT */
/*
 * toro/blk.h - block devices for applications: list the disks and read or
 * write whole sectors by device name ("vda"). File systems are the usual way
 * to use a disk; this is the raw access underneath (tools, tests).
 *
 * Partitions of an MBR table appear as devices of their own (vda1, vda5 ...)
 * whose sector 0 is the partition's first sector.
 *
 * Functions return 0 or a negative errno, Linux values: -EIO (5) the device
 * failed the request, -ENODEV (19) no such device, -EBUSY (16) a file system
 * uses the disk, -EINVAL (22) a range past the end of the device or no such
 * CPU, -EROFS (30) a write to a read-only device.
 * Call from any thread on any CPU: requests run on the disk's owner CPU (CPU 0
 * unless dedicated) and reach it through the exchange slots.
 */
#ifndef TORO_BLK_H
#define TORO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define BLK_NAME_MAX 16

struct blk_info {
	char name[BLK_NAME_MAX]; /* vda, vdb, vda1 ... */
	uint32_t sector_size;	 /* bytes */
	uint64_t sector_count;
	bool read_only;
	unsigned int owner_cpu; /* the CPU that runs its I/O (blk_dedicate) */
	uint64_t first_sector;	/* a partition's offset on its disk, else 0 */
	uint64_t forwarded;	/* a disk's requests that came from another CPU */
};

/* Describe the @index-th block device (0, 1, ...). Returns 0, or -ENODEV past the last. */
int blk_device_info(unsigned int index, struct blk_info *info);

/* Read/write @count sectors at @sector of device @name; @buf holds count * sector_size bytes. */
int blk_read(const char *name, uint64_t sector, uint32_t count, void *buf);
int blk_write(const char *name, uint64_t sector, uint32_t count, const void *buf);

/* Make the device's completed writes durable. */
int blk_flush(const char *name);

/*
 * Dedicate disk @name (or the disk of partition @name) to CPU @cpu: that CPU
 * takes its interrupts and runs all its requests from now on (Toro's
 * DedicateBlockDriver). Also `blk.dedicate=vda:1` on the kernel command line.
 */
int blk_dedicate(const char *name, unsigned int cpu);

#endif
