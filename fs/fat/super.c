// SPDX-License-Identifier: MIT
/*
 * super.c - mounting a FAT16 volume: boot sector and BPB checks, the FAT type from
 * the cluster count, the FAT loaded into memory; sector I/O through the blkdev with
 * a one-sector write-through metadata buffer; sync and unmount; time stamps.
 *
 * fat_mount() reads sector 0, validates every BPB field it will compute with (a bad
 * image fails here with -EINVAL and one message, before anything else is read), then
 * reads the first FAT copy. Nothing is written until a call changes the volume.
 */
#define pr_fmt(fmt) "fat: " fmt

#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include "fat_priv.h"

static bool is_power_of_two(uint32_t x)
{
	return x && !(x & (x - 1));
}

int fat_read_sectors(struct fat_fs *fs, uint32_t sector, uint32_t count, void *buf)
{
	struct blkdev *dev = fs->dev;

	if ((uint64_t)sector + count > fs->total_sectors) {
		return -EIO;
	}
	return dev->ops->read(dev, (uint64_t)sector * fs->dev_per_sector,
			      count * fs->dev_per_sector, buf);
}

int fat_write_sectors(struct fat_fs *fs, uint32_t sector, uint32_t count, const void *buf)
{
	struct blkdev *dev = fs->dev;

	if (fs->read_only) {
		return -EROFS;
	}
	if ((uint64_t)sector + count > fs->total_sectors) {
		return -EIO;
	}
	/* Keep the metadata buffer equal to the disk. */
	if (fs->buf_valid && fs->buf_sector >= sector && fs->buf_sector - sector < count) {
		memcpy(fs->buf, (const uint8_t *)buf + (fs->buf_sector - sector) * fs->sector_size,
		       fs->sector_size);
	}
	return dev->ops->write(dev, (uint64_t)sector * fs->dev_per_sector,
			       count * fs->dev_per_sector, buf);
}

/* Makes fs->buf hold @sector; *@data points at it until the next call. */
int fat_sector_get(struct fat_fs *fs, uint32_t sector, uint8_t **data)
{
	int err;

	if (!fs->buf_valid || fs->buf_sector != sector) {
		fs->buf_valid = false;
		err = fat_read_sectors(fs, sector, 1, fs->buf);
		if (err) {
			return err;
		}
		fs->buf_sector = sector;
		fs->buf_valid = true;
	}
	*data = fs->buf;
	return 0;
}

/* Writes fs->buf (changed after fat_sector_get()) back to its sector. */
int fat_sector_put(struct fat_fs *fs)
{
	struct blkdev *dev = fs->dev;
	int err;

	if (fs->read_only) {
		fs->buf_valid = false;
		return -EROFS;
	}
	err = dev->ops->write(dev, (uint64_t)fs->buf_sector * fs->dev_per_sector,
			      fs->dev_per_sector, fs->buf);
	if (err) {
		fs->buf_valid = false;
	}
	return err;
}

uint32_t fat_cluster_sector(const struct fat_fs *fs, uint32_t cluster)
{
	return fs->data_start + (cluster - FAT_FIRST_CLUSTER) * fs->sectors_per_cluster;
}

void fat_now(struct fat_fs *fs, uint16_t *date, uint16_t *time)
{
	struct fat_time t = {.year = FAT_DEFAULT_YEAR, .month = 1, .day = 1};

	if (fs->opts.now) {
		fs->opts.now(fs->opts.now_arg, &t);
	}
	if (t.year < FAT_YEAR_BASE || t.year > FAT_YEAR_MAX) {
		t.year = FAT_DEFAULT_YEAR;
	}
	*date = (uint16_t)((t.year - FAT_YEAR_BASE) << FAT_DATE_YEAR_SHIFT |
			   t.month << FAT_DATE_MONTH_SHIFT | t.day);
	*time = (uint16_t)(t.hour << FAT_TIME_HOUR_SHIFT | t.minute << FAT_TIME_MINUTE_SHIFT |
			   t.second / FAT_TIME_SECONDS_UNIT);
}

void fat_time_decode(uint16_t date, uint16_t time, struct fat_time *out)
{
	out->year = (uint16_t)(FAT_YEAR_BASE + (date >> FAT_DATE_YEAR_SHIFT));
	out->month = (date >> FAT_DATE_MONTH_SHIFT) & FAT_DATE_MONTH_MASK;
	out->day = date & FAT_DATE_DAY_MASK;
	out->hour = time >> FAT_TIME_HOUR_SHIFT;
	out->minute = (time >> FAT_TIME_MINUTE_SHIFT) & FAT_TIME_MINUTE_MASK;
	out->second = (uint8_t)((time & FAT_TIME_SECONDS_MASK) * FAT_TIME_SECONDS_UNIT);
}

/* fatgen103 "Boot Sector and BPB": the fields every later computation trusts. */
static int check_bpb(const struct fat_bpb *bpb, const uint8_t *sector0)
{
	if (sector0[FAT_BOOT_SIG_OFFSET] != FAT_BOOT_SIG_BYTE0 ||
	    sector0[FAT_BOOT_SIG_OFFSET + 1] != FAT_BOOT_SIG_BYTE1) {
		pr_err("no boot sector signature 55 AA\n");
		return -EINVAL;
	}
	if (bpb->jump[0] != FAT_JUMP_SHORT && bpb->jump[0] != FAT_JUMP_NEAR) {
		pr_err("boot sector has no jump instruction\n");
		return -EINVAL;
	}
	if (!is_power_of_two(bpb->bytes_per_sector) ||
	    bpb->bytes_per_sector < FAT_SECTOR_SIZE_MIN ||
	    bpb->bytes_per_sector > FAT_SECTOR_SIZE_MAX) {
		pr_err("bad bytes per sector %u\n", bpb->bytes_per_sector);
		return -EINVAL;
	}
	if (!is_power_of_two(bpb->sectors_per_cluster)) {
		pr_err("bad sectors per cluster %u\n", bpb->sectors_per_cluster);
		return -EINVAL;
	}
	if (!bpb->reserved_sectors || !bpb->fat_count) {
		pr_err("no reserved sectors or no FAT\n");
		return -EINVAL;
	}
	if (bpb->media != FAT_MEDIA_FLOPPY && bpb->media < FAT_MEDIA_MIN) {
		pr_err("bad media byte %#x\n", bpb->media);
		return -EINVAL;
	}
	if (!bpb->total_sectors16 && !bpb->total_sectors32) {
		pr_err("total sector count is zero\n");
		return -EINVAL;
	}
	return 0;
}

/* fatgen103 "FAT Type Determination": FAT16 has 4085..65524 clusters. */
static int check_type(struct fat_fs *fs)
{
	uint32_t needed_fat;

	if (fs->cluster_count <= FAT12_CLUSTERS_MAX) {
		pr_err("%u clusters: FAT12, which is not supported\n", fs->cluster_count);
		return -EOPNOTSUPP;
	}
	if (fs->cluster_count > FAT16_CLUSTERS_MAX) {
		pr_err("%u clusters: FAT32, which is not supported\n", fs->cluster_count);
		return -EOPNOTSUPP;
	}
	if (!fs->root_entries) {
		pr_err("FAT16 volume without a root directory\n");
		return -EINVAL;
	}
	needed_fat =
		((fs->cluster_count + FAT_FIRST_CLUSTER) * FAT16_ENTRY_SIZE + fs->sector_size - 1) /
		fs->sector_size;
	if (needed_fat > fs->fat_sectors) {
		pr_err("FAT of %u sectors cannot map %u clusters\n", fs->fat_sectors,
		       fs->cluster_count);
		return -EINVAL;
	}
	fs->fat_loaded = needed_fat;
	return 0;
}

/* fatgen103 "FAT Type Determination": the layout, and the type from the cluster count. */
static int compute_layout(struct fat_fs *fs, const struct fat_bpb *bpb, uint32_t fat32_size)
{
	uint32_t root_sectors;
	uint64_t meta;

	fs->sector_size = bpb->bytes_per_sector;
	fs->sectors_per_cluster = bpb->sectors_per_cluster;
	fs->cluster_size = fs->sector_size * fs->sectors_per_cluster;
	fs->total_sectors = bpb->total_sectors16 ? bpb->total_sectors16 : bpb->total_sectors32;
	fs->fat_start = bpb->reserved_sectors;
	fs->fat_count = bpb->fat_count;
	fs->root_entries = bpb->root_entries;
	root_sectors = (fs->root_entries * FAT_DIRENT_SIZE + fs->sector_size - 1) / fs->sector_size;
	if (!bpb->fat_size16) {
		/* fatgen103: BPB_FATSz16 is 0 on FAT32 only, which has BPB_FATSz32 instead. */
		if (bpb->root_entries || !fat32_size) {
			pr_err("FAT size is zero\n");
			return -EINVAL;
		}
		pr_err("FAT32 volume: not supported\n");
		return -EOPNOTSUPP;
	}
	fs->fat_sectors = bpb->fat_size16;
	fs->root_start = fs->fat_start + fs->fat_count * fs->fat_sectors;
	meta = (uint64_t)fs->root_start + root_sectors;
	if (meta >= fs->total_sectors) {
		pr_err("metadata (%llu sectors) fills the volume\n", (unsigned long long)meta);
		return -EINVAL;
	}
	fs->data_start = (uint32_t)meta;
	fs->cluster_count = (fs->total_sectors - fs->data_start) / fs->sectors_per_cluster;
	return check_type(fs);
}

static int check_device(struct fat_fs *fs, struct blkdev *dev)
{
	if (!dev->sector_size || fs->sector_size % dev->sector_size) {
		pr_err("%s: sector size %u does not divide FAT sector size %u\n", dev->name,
		       dev->sector_size, fs->sector_size);
		return -EINVAL;
	}
	fs->dev_per_sector = fs->sector_size / dev->sector_size;
	if ((uint64_t)fs->total_sectors * fs->dev_per_sector > dev->sector_count) {
		pr_err("%s: volume of %u sectors is larger than the device\n", dev->name,
		       fs->total_sectors);
		return -EINVAL;
	}
	return 0;
}

static int read_boot_sector(struct fat_fs *fs, struct blkdev *dev)
{
	uint8_t *sector0;
	uint32_t fat32_size;
	uint32_t size =
		dev->sector_size > FAT_SECTOR_SIZE_MIN ? dev->sector_size : FAT_SECTOR_SIZE_MIN;
	int err;

	if (!dev->sector_size || size % dev->sector_size || size > FAT_SECTOR_SIZE_MAX ||
	    dev->sector_count < size / dev->sector_size) {
		pr_err("%s: device too small or odd sector size\n", dev->name);
		return -EINVAL;
	}
	sector0 = malloc(size);
	if (!sector0) {
		return -ENOMEM;
	}
	err = dev->ops->read(dev, 0, size / dev->sector_size, sector0);
	if (!err) {
		err = check_bpb((const struct fat_bpb *)sector0, sector0);
	}
	if (!err) {
		const struct fat_bpb *bpb = (const struct fat_bpb *)sector0;

		/* The volume must fit the device before any size derived from it is trusted. */
		fs->sector_size = bpb->bytes_per_sector;
		fs->total_sectors =
			bpb->total_sectors16 ? bpb->total_sectors16 : bpb->total_sectors32;
		err = check_device(fs, dev);
	}
	if (!err) {
		memcpy(&fat32_size, sector0 + FAT32_FAT_SIZE_OFFSET, sizeof(fat32_size));
		err = compute_layout(fs, (const struct fat_bpb *)sector0, fat32_size);
	}
	free(sector0);
	return err;
}

static int load_fat(struct fat_fs *fs)
{
	fs->fat = malloc((size_t)fs->fat_loaded * fs->sector_size);
	fs->fat_dirty = calloc(fs->fat_loaded, sizeof(*fs->fat_dirty));
	fs->buf = malloc(fs->sector_size);
	if (!fs->fat || !fs->fat_dirty || !fs->buf) {
		return -ENOMEM;
	}
	return fat_read_sectors(fs, fs->fat_start, fs->fat_loaded, fs->fat);
}

static void fat_fs_free(struct fat_fs *fs)
{
	free(fs->fat);
	free(fs->fat_dirty);
	free(fs->buf);
	free(fs);
}

int fat_mount(struct blkdev *dev, const struct fat_mount_opts *opts, struct fat_fs **out)
{
	struct fat_fs *fs;
	int err;

	fs = calloc(1, sizeof(*fs));
	if (!fs) {
		return -ENOMEM;
	}
	fs->dev = dev;
	if (opts) {
		fs->opts = *opts;
	}
	fs->read_only = fs->opts.read_only || dev->read_only;
	fs->alloc_hint = FAT_FIRST_CLUSTER;
	err = read_boot_sector(fs, dev);
	if (!err) {
		err = load_fat(fs);
	}
	if (err) {
		fat_fs_free(fs);
		return err;
	}
	*out = fs;
	return 0;
}

int fat_sync(struct fat_fs *fs)
{
	return fat_flush(fs);
}

int fat_unmount(struct fat_fs *fs)
{
	int err = fat_flush(fs);

	if (!err && !fs->read_only && fs->dev->ops->flush) {
		err = fs->dev->ops->flush(fs->dev);
	}
	fat_fs_free(fs);
	return err;
}

int fat_statfs(struct fat_fs *fs, struct fat_statfs *out)
{
	out->cluster_size = fs->cluster_size;
	out->clusters = fs->cluster_count;
	out->free_clusters = fat_free_clusters(fs);
	return 0;
}
