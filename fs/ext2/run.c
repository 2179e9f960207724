// SPDX-License-Identifier: MIT
/*
 * run.c - runs of file blocks, so file data moves in few large device requests:
 *
 *   ext2_map_run()     how many file blocks from one lie on consecutive disk blocks
 *                      (or are all a hole), reading the block map once per run;
 *   ext2_alloc_run()   fill a hole with newly allocated contiguous blocks;
 *   ext2_release_run() give back what ext2_alloc_run() gave, if its data never landed.
 *
 * A run never leaves the pointer array that maps its first block (i_block's twelve
 * direct slots, or one last-level indirect block: ptrs_per_block entries; Poirier
 * "i_block"), so one array is read and at most one written per run. New data blocks
 * are not zeroed on the disk: the caller writes every byte of them (file.c), unlike
 * indirect blocks, which ext2_find_leaf() zeroes. Pointers read from the disk are checked
 * as ext2_bmap() checks them, so a corrupt map gives -EIO.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "ext2_fs.h"

static uint32_t *leaf_buf(const struct ext2_fs *fs, struct ext2_leaf *leaf)
{
	leaf->buf = ext2_balloc_buf(fs);
	return leaf->buf;
}

/* The entries from @leaf->index on that map consecutive disk blocks (at most @max). */
static int count_mapped(struct ext2_fs *fs, const struct ext2_leaf *leaf, uint32_t max,
			uint32_t *count)
{
	uint32_t first = leaf->ptrs[leaf->index], n = 0;

	while (n < max && leaf->index + n < leaf->end && leaf->ptrs[leaf->index + n] == first + n) {
		if (!ext2_pointer_ok(fs, first + n, leaf->chain, leaf->depth)) {
			return ext2_corrupt(fs, "bad block pointer in a file's block map");
		}
		n++;
	}
	*count = n;
	return 0;
}

/* The entries from @leaf->index on that are holes (at most @max). */
static uint32_t count_holes(const struct ext2_leaf *leaf, uint32_t max)
{
	uint32_t n = 0;

	while (n < max && leaf->index + n < leaf->end &&
	       (!leaf->ptrs || leaf->ptrs[leaf->index + n] == 0)) {
		n++;
	}
	return n;
}

/**
 * ext2_map_run() - map file blocks @lblock.. of @inode, at most @max (>= 1) of them:
 * *@phys is the disk block of @lblock (0 for a hole) and *@count (>= 1) how many blocks
 * from there are on *@phys, *@phys + 1 ... (or are all holes). Nothing changes.
 * Returns 0, -EIO, -EFBIG (past what the map addresses), -ENOMEM.
 */
int ext2_map_run(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t lblock, uint32_t max,
		 uint32_t *phys, uint32_t *count)
{
	struct ext2_leaf leaf;
	int err;

	if (!leaf_buf(fs, &leaf)) {
		return -ENOMEM;
	}
	err = ext2_find_leaf(fs, 0, inode, lblock, false, NULL, &leaf);
	if (!err) {
		*phys = leaf.ptrs ? leaf.ptrs[leaf.index] : 0;
		if (*phys) {
			err = count_mapped(fs, &leaf, max, count);
		} else {
			*count = count_holes(&leaf, max);
		}
	}
	free(leaf.buf);
	return err;
}

/*
 * Points the @count entries from @leaf->index at @phys.. (or at nothing when @phys is
 * 0), and stores the array: in @inode (in memory) or its indirect block.
 */
static int set_entries(struct ext2_fs *fs, struct ext2_inode *inode, struct ext2_leaf *leaf,
		       uint32_t phys, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		leaf->ptrs[leaf->index + i] = phys ? phys + i : 0;
	}
	if (leaf->block) {
		return ext2_bwrite(fs, leaf->block, leaf->buf);
	}
	memcpy(inode->i_block, leaf->buf, EXT2_NDIR_BLOCKS * sizeof(uint32_t));
	return 0;
}

static void free_blocks(struct ext2_fs *fs, uint32_t first, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		ext2_free_block(fs, first + i);
	}
}

/**
 * ext2_alloc_run() - fill the hole at file block @lblock of @inode (number @ino) with
 * up to @max new contiguous blocks, placed at or after disk block @goal (0: in the
 * inode's group); indirect blocks the map needs come first, just before them. The new
 * blocks hold whatever the disk held: the caller writes all of them. *@phys and
 * *@count (>= 1) say what was given; @inode (i_block, i_blocks) changes in memory, for
 * the caller to write back. Returns 0, -ENOSPC, -EIO, -EFBIG, -ENOMEM.
 */
int ext2_alloc_run(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
		   uint32_t max, uint32_t goal, uint32_t *phys, uint32_t *count)
{
	struct ext2_leaf leaf;
	int err;

	if (!leaf_buf(fs, &leaf)) {
		return -ENOMEM;
	}
	if (goal == 0) {
		goal = fs->sb.s_first_data_block +
		       ext2_ino_group(fs, ino) * fs->sb.s_blocks_per_group;
	}
	err = ext2_find_leaf(fs, ino, inode, lblock, true, &goal, &leaf);
	if (!err) {
		max = count_holes(&leaf, max);
		/* The caller maps before it allocates: anything but a hole here is a bug. */
		err = max ? ext2_new_blocks(fs, goal, max, phys, count) : -EIO;
	}
	if (!err) {
		err = set_entries(fs, inode, &leaf, *phys, *count);
		if (err) {
			set_entries(fs, inode, &leaf, 0, *count);
			free_blocks(fs, *phys, *count);
		}
	}
	if (!err) {
		inode->i_blocks += *count * (fs->block_size / EXT2_INODE_BLOCK_UNIT);
	}
	free(leaf.buf);
	return err;
}

/**
 * ext2_release_run() - undo ext2_alloc_run() of @count blocks at file block @lblock:
 * the entries become holes again and the blocks are freed (indirect blocks stay).
 * Returns 0 or -EIO.
 */
int ext2_release_run(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
		     uint32_t count)
{
	struct ext2_leaf leaf;
	uint32_t first, mapped;
	int err;

	if (!leaf_buf(fs, &leaf)) {
		return -ENOMEM;
	}
	err = ext2_find_leaf(fs, ino, inode, lblock, false, NULL, &leaf);
	if (!err && (!leaf.ptrs || count_mapped(fs, &leaf, count, &mapped) || mapped != count)) {
		err = -EIO;
	}
	if (!err) {
		first = leaf.ptrs[leaf.index];
		err = set_entries(fs, inode, &leaf, 0, count);
	}
	if (!err) {
		free_blocks(fs, first, count);
		inode->i_blocks -= count * (fs->block_size / EXT2_INODE_BLOCK_UNIT);
	}
	free(leaf.buf);
	return err;
}
