/* SPDX-License-Identifier: MIT */
/*
 * toro/blk.h - block devices for applications: list the disks and read or
 * write whole sectors by device name ("vda"). File systems are the usual way
 * to use a disk; this is the raw access underneath (tools, tests).
 *
 * Functions return 0 or a negative errno, Linux values: -EIO (5) the device
 * failed the request, -ENODEV (19) no such device, -EINVAL (22) a range past
 * the end of the device, -EROFS (30) a write to a read-only device.
 * Call from CPU 0 (the default owner CPU of every disk).
 */
#ifndef TORO_BLK_H
#define TORO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#define BLK_NAME_MAX 16

struct blk_info {
	char name[BLK_NAME_MAX]; /* vda, vdb, ... */
	uint32_t sector_size;	 /* bytes */
	uint64_t sector_count;
	bool read_only;
};

/* Describe the @index-th block device (0, 1, ...). Returns 0, or -ENODEV past the last. */
int blk_device_info(unsigned int index, struct blk_info *info);

/* Read/write @count sectors at @sector of device @name; @buf holds count * sector_size bytes. */
int blk_read(const char *name, uint64_t sector, uint32_t count, void *buf);
int blk_write(const char *name, uint64_t sector, uint32_t count, const void *buf);

/* Make the device's completed writes durable. */
int blk_flush(const char *name);

#endif
