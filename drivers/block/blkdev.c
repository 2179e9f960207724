/* SPDX-License-Identifier: MIT */
/*
 * blkdev.c - the block device class (include/kernel/blkdev.h): the registry
 * of disks by name, checked I/O on them, and the application API of
 * include/toro/blk.h.
 *
 * Drivers register from their probe (initcalls, CPU 0, before the schedulers
 * start), so the table needs no lock; I/O runs on the device's owner CPU.
 */
#define pr_fmt(fmt) "blk: " fmt
#include <toro/blk.h>
#include <toro/string.h>
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/printk.h>

#define NAME_LETTERS 26 /* vda .. vdz */

static struct blkdev *devices[BLKDEV_MAX];
static unsigned int device_count;

int blkdev_register(struct blkdev *dev)
{
	if (!dev->name[0] || !dev->sector_size || (dev->sector_size & (dev->sector_size - 1)) ||
	    (!dev->ops && !dev->parent)) {
		return -EINVAL;
	}
	if (blkdev_find(dev->name)) {
		return -EEXIST;
	}
	if (device_count == BLKDEV_MAX) {
		pr_err("%s: more than %d block devices\n", dev->name, BLKDEV_MAX);
		return -ENOSPC;
	}
	devices[device_count++] = dev;
	pr_info("%s: %llu sectors of %u bytes (%llu MiB)%s\n", dev->name,
		(unsigned long long)dev->sector_count, dev->sector_size,
		(unsigned long long)((dev->sector_count * dev->sector_size) >> 20),
		dev->read_only ? ", read-only" : "");
	return 0;
}

struct blkdev *blkdev_find(const char *name)
{
	for (unsigned int i = 0; i < device_count; i++) {
		if (strcmp(devices[i]->name, name) == 0) {
			return devices[i];
		}
	}
	return NULL;
}

struct blkdev *blkdev_get(unsigned int index)
{
	return index < device_count ? devices[index] : NULL;
}

int blkdev_next_name(const char *prefix, char *name)
{
	size_t len = strlen(prefix);

	if (len + 2 > BLKDEV_NAME_MAX) {
		return -EINVAL;
	}
	memcpy(name, prefix, len);
	name[len + 1] = '\0';
	for (int i = 0; i < NAME_LETTERS; i++) {
		name[len] = 'a' + i;
		if (!blkdev_find(name)) {
			return 0;
		}
	}
	return -ENOSPC;
}

/* The range check every request passes; @count 0 is a valid empty request. */
static bool in_range(const struct blkdev *dev, uint64_t sector, uint32_t count)
{
	return sector <= dev->sector_count && count <= dev->sector_count - sector;
}

int blkdev_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	if (!in_range(dev, sector, count)) {
		return -EINVAL;
	}
	if (count == 0) {
		return 0;
	}
	if (dev->parent) {
		return blkdev_read(dev->parent, dev->first_sector + sector, count, buf);
	}
	return dev->ops->read(dev, sector, count, buf);
}

int blkdev_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	if (dev->read_only) {
		return -EROFS;
	}
	if (!in_range(dev, sector, count)) {
		return -EINVAL;
	}
	if (count == 0) {
		return 0;
	}
	if (dev->parent) {
		return blkdev_write(dev->parent, dev->first_sector + sector, count, buf);
	}
	return dev->ops->write(dev, sector, count, buf);
}

int blkdev_flush(struct blkdev *dev)
{
	if (dev->parent) {
		return blkdev_flush(dev->parent);
	}
	return dev->ops->flush ? dev->ops->flush(dev) : 0;
}

int blk_device_info(unsigned int index, struct blk_info *info)
{
	struct blkdev *dev = blkdev_get(index);

	if (!dev) {
		return -ENODEV;
	}
	strlcpy(info->name, dev->name, sizeof(info->name));
	info->sector_size = dev->sector_size;
	info->sector_count = dev->sector_count;
	info->read_only = dev->read_only;
	return 0;
}

int blk_read(const char *name, uint64_t sector, uint32_t count, void *buf)
{
	struct blkdev *dev = blkdev_find(name);

	return dev ? blkdev_read(dev, sector, count, buf) : -ENODEV;
}

int blk_write(const char *name, uint64_t sector, uint32_t count, const void *buf)
{
	struct blkdev *dev = blkdev_find(name);

	return dev ? blkdev_write(dev, sector, count, buf) : -ENODEV;
}

int blk_flush(const char *name)
{
	struct blkdev *dev = blkdev_find(name);

	return dev ? blkdev_flush(dev) : -ENODEV;
}
