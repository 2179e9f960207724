// SPDX-License-Identifier: MIT
/*
 * balloc.c - allocating and freeing blocks and inodes through the group bitmaps.
 *
 * A bitmap is read, changed and written back at once; the free counts change in the
 * group descriptor and the superblock together (ext2.rst "Blocks", "Block groups"), so
 * both stay what e2fsck counts. Freeing something already free is corruption: -EIO,
 * and nothing changes.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "ext2_fs.h"

static bool test_bit(const uint8_t *map, uint32_t bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

static void flip_bit(uint8_t *map, uint32_t bit)
{
	map[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* Blocks of group @group: the last group may be short. */
static uint32_t group_blocks(const struct ext2_fs *fs, uint32_t group)
{
	uint32_t start = group * fs->sb.s_blocks_per_group;
	uint32_t total = fs->sb.s_blocks_count - fs->sb.s_first_data_block;

	return MIN(fs->sb.s_blocks_per_group, total - start);
}

static int find_free_bit(const uint8_t *map, uint32_t first, uint32_t limit, uint32_t *bit)
{
	for (uint32_t i = first; i < limit; i++) {
		if (!test_bit(map, i)) {
			*bit = i;
			return 0;
		}
	}
	return -ENOSPC;
}

static uint32_t group_first_block(const struct ext2_fs *fs, uint32_t group)
{
	return fs->sb.s_first_data_block + group * fs->sb.s_blocks_per_group;
}

/*
 * Takes from @group's bitmap the first free block at or after bit @from that may hold
 * data, and up to @max - 1 free ones right after it. 0 and *@first, *@count; -ENOSPC.
 */
static int take_run(struct ext2_fs *fs, uint32_t group, uint32_t from, uint32_t max, uint8_t *map,
		    uint32_t *first, uint32_t *count)
{
	struct ext2_group_desc *gd = &fs->groups[group];
	uint32_t base = group_first_block(fs, group), limit = group_blocks(fs, group);
	uint32_t bit = from, n = 0;
	int err = ext2_bread(fs, gd->bg_block_bitmap, map);

	if (err) {
		return err;
	}
	while (!find_free_bit(map, bit, limit, &bit) && !ext2_block_valid(fs, base + bit)) {
		bit++;
	}
	while (n < max && bit + n < limit && !test_bit(map, bit + n) &&
	       ext2_block_valid(fs, base + bit + n)) {
		flip_bit(map, bit + n);
		n++;
	}
	if (n == 0) {
		return -ENOSPC;
	}
	err = ext2_bwrite(fs, gd->bg_block_bitmap, map);
	if (err) {
		return err;
	}
	gd->bg_free_blocks_count -= n;
	fs->sb.s_free_blocks_count -= n;
	fs->dirty = true;
	*first = base + bit;
	*count = n;
	return 0;
}

/*
 * ext2_new_blocks() - allocate up to @max (>= 1) contiguous blocks, the first at or
 * after @goal when its group has room there (then the rest of that group, then the
 * other groups), so a file written in order lies in order on the disk. At least one
 * block is taken: 0 and *@first, *@count; -ENOSPC, -EIO.
 */
int ext2_new_blocks(struct ext2_fs *fs, uint32_t goal, uint32_t max, uint32_t *first,
		    uint32_t *count)
{
	uint32_t goal_group = 0, goal_bit = 0;
	uint8_t *map;
	int err = -ENOSPC;

	if (fs->sb.s_free_blocks_count == 0 || max == 0) {
		return -ENOSPC;
	}
	if (goal > fs->sb.s_first_data_block && goal < fs->sb.s_blocks_count) {
		goal_group = (goal - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
		goal_bit = goal - group_first_block(fs, goal_group);
	}
	map = ext2_balloc_buf(fs);
	if (!map) {
		return -ENOMEM;
	}
	/* The goal's group from the goal on, every other group, then the goal's head. */
	for (uint32_t i = 0; i <= fs->group_count && err == -ENOSPC; i++) {
		uint32_t group = (goal_group + i) % fs->group_count;
		uint32_t from = i == 0 ? goal_bit : 0;

		if (fs->groups[group].bg_free_blocks_count == 0 ||
		    (i == fs->group_count && goal_bit == 0)) {
			continue;
		}
		err = take_run(fs, group, from, max, map, first, count);
	}
	free(map);
	return err;
}

/* ext2_new_block() - allocate a block, from @goal_group if it has one. 0, -ENOSPC, -EIO. */
int ext2_new_block(struct ext2_fs *fs, uint32_t goal_group, uint32_t *out)
{
	uint32_t count;

	return ext2_new_blocks(fs, group_first_block(fs, goal_group), 1, out, &count);
}

/* ext2_free_block() - give @block back. 0, or -EIO if it is not a data block in use. */
int ext2_free_block(struct ext2_fs *fs, uint32_t block)
{
	struct ext2_group_desc *gd;
	uint32_t bit, group;
	uint8_t *map;
	int err;

	if (!ext2_block_valid(fs, block)) {
		return -EIO;
	}
	bit = block - fs->sb.s_first_data_block;
	group = bit / fs->sb.s_blocks_per_group;
	bit %= fs->sb.s_blocks_per_group;
	gd = &fs->groups[group];
	map = ext2_balloc_buf(fs);
	if (!map) {
		return -ENOMEM;
	}
	err = ext2_bread(fs, gd->bg_block_bitmap, map);
	if (!err && !test_bit(map, bit)) {
		err = ext2_corrupt(fs, "freeing a free block");
	}
	if (!err) {
		flip_bit(map, bit);
		err = ext2_bwrite(fs, gd->bg_block_bitmap, map);
	}
	if (!err) {
		gd->bg_free_blocks_count++;
		fs->sb.s_free_blocks_count++;
		fs->dirty = true;
	}
	free(map);
	return err;
}

static int take_inode(struct ext2_fs *fs, uint32_t group, bool dir, uint8_t *map, uint32_t *out)
{
	struct ext2_group_desc *gd = &fs->groups[group];
	uint32_t base = group * fs->sb.s_inodes_per_group;
	uint32_t first = 0, bit, limit;
	int err = ext2_bread(fs, gd->bg_inode_bitmap, map);

	if (err) {
		return err;
	}
	if (base + 1 < fs->first_ino) {
		first = fs->first_ino - 1 - base;
	}
	limit = MIN(fs->sb.s_inodes_per_group, fs->sb.s_inodes_count - base);
	err = find_free_bit(map, first, limit, &bit);
	if (err) {
		return err;
	}
	flip_bit(map, bit);
	err = ext2_bwrite(fs, gd->bg_inode_bitmap, map);
	if (err) {
		return err;
	}
	gd->bg_free_inodes_count--;
	fs->sb.s_free_inodes_count--;
	if (dir) {
		gd->bg_used_dirs_count++;
	}
	fs->dirty = true;
	*out = base + bit + 1;
	return 0;
}

/* ext2_new_inode() - allocate an inode number, from @goal_group if it has one. */
int ext2_new_inode(struct ext2_fs *fs, uint32_t goal_group, bool dir, uint32_t *out)
{
	uint8_t *map;
	int err = -ENOSPC;

	if (fs->sb.s_free_inodes_count == 0) {
		return -ENOSPC;
	}
	map = ext2_balloc_buf(fs);
	if (!map) {
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < fs->group_count; i++) {
		uint32_t group = (goal_group + i) % fs->group_count;

		if (fs->groups[group].bg_free_inodes_count == 0 ||
		    group * fs->sb.s_inodes_per_group >= fs->sb.s_inodes_count) {
			continue;
		}
		err = take_inode(fs, group, dir, map, out);
		if (err != -ENOSPC) {
			break;
		}
	}
	free(map);
	return err;
}

/* ext2_free_inode() - give inode @ino back. 0, or -EIO if it was not in use. */
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t group = ext2_ino_group(fs, ino);
	uint32_t bit = (ino - 1) % fs->sb.s_inodes_per_group;
	struct ext2_group_desc *gd = &fs->groups[group];
	uint8_t *map = ext2_balloc_buf(fs);
	int err;

	if (!map) {
		return -ENOMEM;
	}
	err = ext2_bread(fs, gd->bg_inode_bitmap, map);
	if (!err && !test_bit(map, bit)) {
		err = ext2_corrupt(fs, "freeing a free inode");
	}
	if (!err) {
		flip_bit(map, bit);
		err = ext2_bwrite(fs, gd->bg_inode_bitmap, map);
	}
	if (!err) {
		gd->bg_free_inodes_count++;
		fs->sb.s_free_inodes_count++;
		if (dir) {
			gd->bg_used_dirs_count--;
		}
		fs->dirty = true;
	}
	free(map);
	return err;
}
