// SPDX-License-Identifier: MIT
/*
 * super.c - mounting an ext2 volume: the superblock and group descriptor checks, block
 * I/O through the struct blkdev, ext2_sync() and ext2_unmount().
 *
 * Every block number that came from the disk is checked (ext2_block_valid()) before it
 * is used, so a corrupt volume gives -EINVAL at mount or -EIO on the file concerned, and
 * nothing is written that was not asked for. A read-write mount marks the superblock
 * "not clean" (s_state) until ext2_unmount() puts back the state it found. With a clock
 * (ext2_mount_opts()), a read-write mount stamps s_mtime and every superblock write
 * s_wtime (ext2 layout, "Superblock").
 */
#define pr_fmt(fmt) "ext2: " fmt

#include <kernel/errno.h>
#include <kernel/printk.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "ext2_fs.h"

/* ext2_now() - the mount's clock in seconds since 1970, or 0 without one. */
uint32_t ext2_now(const struct ext2_fs *fs)
{
	return fs->now ? fs->now(fs->now_arg) : 0;
}

static int dev_io(struct ext2_fs *fs, uint32_t block, uint32_t count, void *buf, bool write)
{
	uint32_t per_block = fs->block_size / fs->dev->sector_size;
	uint64_t sector = (uint64_t)block * per_block;

	if (block >= fs->sb.s_blocks_count || count > fs->sb.s_blocks_count - block) {
		return -EIO;
	}
	if (write) {
		if (fs->read_only) {
			return -EROFS;
		}
		return fs->dev->ops->write(fs->dev, sector, count * per_block, buf);
	}
	return fs->dev->ops->read(fs->dev, sector, count * per_block, buf);
}

/* ext2_bread() - read block @block into @buf (block_size bytes). 0, -EIO. */
int ext2_bread(struct ext2_fs *fs, uint32_t block, void *buf)
{
	return dev_io(fs, block, 1, buf, false);
}

/* ext2_bwrite() - write @buf to block @block. 0, -EIO, -EROFS. */
int ext2_bwrite(struct ext2_fs *fs, uint32_t block, const void *buf)
{
	return dev_io(fs, block, 1, (void *)buf, true);
}

/*
 * ext2_bread_run(), ext2_bwrite_run() - @count consecutive blocks from @block in one
 * device request, straight between @buf and the device (a run this large passes the
 * block cache by: bcache.h). 0, -EIO, -EROFS.
 */
int ext2_bread_run(struct ext2_fs *fs, uint32_t block, uint32_t count, void *buf)
{
	return dev_io(fs, block, count, buf, false);
}

int ext2_bwrite_run(struct ext2_fs *fs, uint32_t block, uint32_t count, const void *buf)
{
	return dev_io(fs, block, count, (void *)buf, true);
}

void *ext2_balloc_buf(const struct ext2_fs *fs)
{
	return malloc(fs->block_size);
}

/* ext2_bzero() - fill block @block with zeros on the disk. */
int ext2_bzero(struct ext2_fs *fs, uint32_t block)
{
	void *buf = calloc(1, fs->block_size);
	int err;

	if (!buf) {
		return -ENOMEM;
	}
	err = ext2_bwrite(fs, block, buf);
	free(buf);
	return err;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0) {
		n /= base;
	}
	return n == 1;
}

/* Poirier "Sparse Superblock": backups in groups 0, 1 and powers of 3, 5 and 7. */
bool ext2_group_has_super(const struct ext2_fs *fs, uint32_t group)
{
	if (group <= 1 || !(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER)) {
		return true;
	}
	return is_power_of(group, 3) || is_power_of(group, 5) || is_power_of(group, 7);
}

static bool in_range(uint32_t block, uint32_t start, uint32_t count)
{
	return block >= start && block - start < count;
}

/*
 * ext2_block_valid() - may @block hold file data or an indirect block? It must lie
 * inside the volume and outside every group's superblock copy, descriptors, bitmaps
 * and inode table, so a corrupt pointer can never make a write land on metadata.
 */
bool ext2_block_valid(const struct ext2_fs *fs, uint32_t block)
{
	const struct ext2_group_desc *gd;
	uint32_t group, start;

	if (block <= fs->sb.s_first_data_block || block >= fs->sb.s_blocks_count) {
		return false;
	}
	group = (block - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
	start = fs->sb.s_first_data_block + group * fs->sb.s_blocks_per_group;
	gd = &fs->groups[group];
	if (ext2_group_has_super(fs, group) && in_range(block, start, 1 + fs->gdt_blocks)) {
		return false;
	}
	return block != gd->bg_block_bitmap && block != gd->bg_inode_bitmap &&
	       !in_range(block, gd->bg_inode_table, fs->inode_table_blocks);
}

static int read_super(struct blkdev *dev, struct ext2_super_block *sb)
{
	uint32_t ss = dev->sector_size;
	uint32_t count = (EXT2_SUPER_OFFSET + EXT2_SUPER_SIZE + ss - 1) / ss;
	uint8_t *buf;
	int err;

	if (ss < 512 || (ss & (ss - 1)) || dev->sector_count < count) {
		return -EINVAL;
	}
	buf = malloc((size_t)count * ss);
	if (!buf) {
		return -ENOMEM;
	}
	err = dev->ops->read(dev, 0, count, buf);
	if (!err) {
		memcpy(sb, buf + EXT2_SUPER_OFFSET, sizeof(*sb));
	}
	free(buf);
	return err;
}

static int check_features(struct ext2_fs *fs, unsigned int flags)
{
	const struct ext2_super_block *sb = &fs->sb;
	uint32_t unknown;

	fs->read_only = (flags & EXT2_MOUNT_RDONLY) || fs->dev->read_only;
	if (sb->s_rev_level == EXT2_GOOD_OLD_REV) {
		return 0;
	}
	unknown = sb->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_SUPP;
	if (unknown) {
		pr_err("%s: unsupported INCOMPAT features %#x\n", fs->dev->name, unknown);
		return -EINVAL;
	}
	unknown = sb->s_feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP;
	if (unknown && !fs->read_only) {
		pr_warn("%s: unknown RO_COMPAT features %#x, mounting read-only\n", fs->dev->name,
			unknown);
		fs->read_only = true;
	}
	return 0;
}

/* Derives the geometry from the superblock and checks it against itself and the disk. */
static int check_geometry(struct ext2_fs *fs)
{
	struct ext2_super_block *sb = &fs->sb;
	uint64_t dev_bytes = fs->dev->sector_count * fs->dev->sector_size;
	uint32_t bits;

	if (sb->s_magic != EXT2_SUPER_MAGIC || sb->s_rev_level > EXT2_DYNAMIC_REV ||
	    sb->s_log_block_size > EXT2_MAX_LOG_BLOCK_SIZE) {
		return -EINVAL;
	}
	fs->block_size = 1u << (EXT2_MIN_BLOCK_LOG + sb->s_log_block_size);
	bits = fs->block_size * 8;
	fs->ptrs_per_block = fs->block_size / sizeof(uint32_t);
	fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	if (sb->s_rev_level == EXT2_DYNAMIC_REV) {
		fs->inode_size = sb->s_inode_size;
		fs->first_ino = sb->s_first_ino;
	}
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->block_size ||
	    (fs->inode_size & (fs->inode_size - 1)) || fs->first_ino <= EXT2_ROOT_INO ||
	    fs->block_size < fs->dev->sector_size) {
		return -EINVAL;
	}
	if (sb->s_first_data_block != (fs->block_size == EXT2_SUPER_OFFSET ? 1u : 0u) ||
	    sb->s_blocks_per_group != bits || sb->s_inodes_per_group == 0 ||
	    sb->s_inodes_per_group > bits || sb->s_blocks_count <= sb->s_first_data_block ||
	    (uint64_t)sb->s_blocks_count * fs->block_size > dev_bytes) {
		return -EINVAL;
	}
	fs->inodes_per_block = fs->block_size / fs->inode_size;
	fs->inode_table_blocks =
		(sb->s_inodes_per_group + fs->inodes_per_block - 1) / fs->inodes_per_block;
	fs->group_count = (sb->s_blocks_count - sb->s_first_data_block + bits - 1) / bits;
	fs->gdt_blocks = (fs->group_count * sizeof(struct ext2_group_desc) + fs->block_size - 1) /
			 fs->block_size;
	if ((uint64_t)fs->group_count * sb->s_inodes_per_group < sb->s_inodes_count ||
	    sb->s_inodes_count < fs->first_ino) {
		return -EINVAL;
	}
	return 0;
}

static bool group_desc_valid(const struct ext2_fs *fs, const struct ext2_group_desc *gd)
{
	uint32_t first = fs->sb.s_first_data_block, count = fs->sb.s_blocks_count;

	return gd->bg_block_bitmap > first && gd->bg_block_bitmap < count &&
	       gd->bg_inode_bitmap > first && gd->bg_inode_bitmap < count &&
	       gd->bg_inode_table > first && gd->bg_inode_table < count &&
	       count - gd->bg_inode_table >= fs->inode_table_blocks;
}

static int read_groups(struct ext2_fs *fs)
{
	uint8_t *buf;
	int err;

	buf = calloc(fs->gdt_blocks, fs->block_size);
	if (!buf) {
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		err = ext2_bread(fs, fs->sb.s_first_data_block + 1 + i, buf + i * fs->block_size);
		if (err) {
			free(buf);
			return err;
		}
	}
	fs->groups = (struct ext2_group_desc *)buf;
	for (uint32_t g = 0; g < fs->group_count; g++) {
		if (!group_desc_valid(fs, &fs->groups[g])) {
			pr_err("%s: group %u descriptor points outside the volume\n", fs->dev->name,
			       g);
			return -EINVAL;
		}
	}
	return 0;
}

/* Writes the in-memory superblock with @state into its 1 KiB at byte 1024. */
static int write_super(struct ext2_fs *fs, uint16_t state)
{
	uint32_t block = EXT2_SUPER_OFFSET / fs->block_size;
	uint8_t *buf = ext2_balloc_buf(fs);
	int err;

	if (!buf) {
		return -ENOMEM;
	}
	err = ext2_bread(fs, block, buf);
	if (!err) {
		fs->sb.s_state = state;
		if (fs->now) {
			fs->sb.s_wtime = ext2_now(fs);
		}
		memcpy(buf + EXT2_SUPER_OFFSET % fs->block_size, &fs->sb, sizeof(fs->sb));
		err = ext2_bwrite(fs, block, buf);
	}
	free(buf);
	return err;
}

static int write_groups(struct ext2_fs *fs)
{
	const uint8_t *table = (const uint8_t *)fs->groups;
	int err;

	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		err = ext2_bwrite(fs, fs->sb.s_first_data_block + 1 + i,
				  table + i * fs->block_size);
		if (err) {
			return err;
		}
	}
	return 0;
}

static int sync_state(struct ext2_fs *fs, uint16_t state)
{
	int err;

	if (fs->read_only) {
		return 0;
	}
	if (fs->dirty) {
		err = write_groups(fs);
		if (err) {
			return err;
		}
	}
	if (fs->dirty || fs->sb.s_state != state) {
		err = write_super(fs, state);
		if (err) {
			return err;
		}
	}
	fs->dirty = false;
	return fs->dev->ops->flush ? fs->dev->ops->flush(fs->dev) : 0;
}

int ext2_sync(struct ext2_fs *fs)
{
	return sync_state(fs, fs->sb.s_state);
}

/*
 * ext2_corrupt() - note corrupt metadata found at @what; logged once per mount, so a
 * damaged volume does not flood the log. Returns -EIO, for the caller to return.
 */
int ext2_corrupt(struct ext2_fs *fs, const char *what)
{
	if (!fs->corrupt_logged) {
		pr_err("%s: corrupt volume: %s\n", fs->dev->name, what);
		fs->corrupt_logged = true;
	}
	return -EIO;
}

int ext2_is_read_only(const struct ext2_fs *fs)
{
	return fs->read_only;
}

static int mount_checks(struct ext2_fs *fs, unsigned int flags)
{
	int err = read_super(fs->dev, &fs->sb);

	if (err) {
		return err;
	}
	err = check_geometry(fs);
	if (err) {
		pr_err("%s: not a valid ext2 superblock\n", fs->dev->name);
		return err;
	}
	err = check_features(fs, flags);
	if (err) {
		return err;
	}
	return read_groups(fs);
}

int ext2_mount_opts(struct blkdev *dev, const struct ext2_mount_opts *opts, struct ext2_fs **out)
{
	struct ext2_fs *fs = calloc(1, sizeof(*fs));
	int err;

	if (!fs) {
		return -ENOMEM;
	}
	fs->dev = dev;
	if (opts) {
		fs->now = opts->now;
		fs->now_arg = opts->now_arg;
	}
	err = mount_checks(fs, opts ? opts->flags : 0);
	if (err) {
		goto out_free;
	}
	fs->mount_state = fs->sb.s_state;
	if (!fs->read_only) {
		if (fs->now) {
			fs->sb.s_mtime = ext2_now(fs);
		}
		err = write_super(fs, fs->mount_state & ~EXT2_VALID_FS);
		if (err) {
			goto out_free;
		}
	}
	*out = fs;
	return 0;

out_free:
	free(fs->groups);
	free(fs);
	return err;
}

int ext2_mount(struct blkdev *dev, unsigned int flags, struct ext2_fs **out)
{
	struct ext2_mount_opts opts = {.flags = flags};

	return ext2_mount_opts(dev, &opts, out);
}

int ext2_unmount(struct ext2_fs *fs)
{
	int err = sync_state(fs, fs->mount_state);

	free(fs->groups);
	free(fs);
	return err;
}
