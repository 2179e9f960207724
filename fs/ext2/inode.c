// SPDX-License-Identifier: MIT
/*
 * inode.c - reading and writing inodes in the inode tables, and the block map:
 * i_block[] holds 12 direct pointers, then a single, a double and a triple indirect
 * block (Poirier "i_block"; ext2.rst "Inodes"). A pointer of 0 is a hole.
 *
 * ext2_bmap() finds (or with @create allocates) the disk block of a file block;
 * ext2_free_from() frees every block of a file from a file block on, indirect blocks
 * that become empty included. i_blocks counts every block, indirect ones too, in
 * 512-byte units. Pointers read from the disk are checked, and a walk never revisits a
 * block of its own path, so loops give -EIO.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "ext2_fs.h"

/* Reads or writes the first 128 bytes of inode @ino; larger inodes keep their tail. */
static int inode_io(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, bool write)
{
	uint32_t index, block;
	uint8_t *buf;
	int err;

	if (ino == 0 || ino > fs->sb.s_inodes_count) {
		return -EIO;
	}
	index = (ino - 1) % fs->sb.s_inodes_per_group;
	block = fs->groups[ext2_ino_group(fs, ino)].bg_inode_table + index / fs->inodes_per_block;
	buf = ext2_balloc_buf(fs);
	if (!buf) {
		return -ENOMEM;
	}
	err = ext2_bread(fs, block, buf);
	if (!err && write) {
		memcpy(buf + (index % fs->inodes_per_block) * fs->inode_size, inode,
		       sizeof(*inode));
		err = ext2_bwrite(fs, block, buf);
	} else if (!err) {
		memcpy(inode, buf + (index % fs->inodes_per_block) * fs->inode_size,
		       sizeof(*inode));
	}
	free(buf);
	return err;
}

/* ext2_iget() - read inode @ino. 0, -EIO. */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode)
{
	return inode_io(fs, ino, inode, false);
}

/* ext2_iput() - write inode @ino back. 0, -EIO, -EROFS. */
int ext2_iput(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *inode)
{
	return inode_io(fs, ino, (struct ext2_inode *)inode, true);
}

/*
 * ext2_touch() - set the times @what (EXT2_TOUCH_A/M/C) of @inode in memory to now:
 * i_atime (last access), i_mtime (data changed), i_ctime (inode changed), in seconds
 * since 1970 (ext2 layout, "Inode Table"). Without a clock nothing changes.
 */
void ext2_touch(const struct ext2_fs *fs, struct ext2_inode *inode, unsigned int what)
{
	uint32_t now;

	if (!fs->now) {
		return;
	}
	now = ext2_now(fs);
	if (what & EXT2_TOUCH_A) {
		inode->i_atime = now;
	}
	if (what & EXT2_TOUCH_M) {
		inode->i_mtime = now;
	}
	if (what & EXT2_TOUCH_C) {
		inode->i_ctime = now;
	}
}

/* ext2_touch_ino() - ext2_touch() on inode @ino on the disk. 0, -EIO (0 without a clock). */
int ext2_touch_ino(struct ext2_fs *fs, uint32_t ino, unsigned int what)
{
	struct ext2_inode inode;
	int err;

	if (!fs->now) {
		return 0;
	}
	err = ext2_iget(fs, ino, &inode);
	if (!err) {
		ext2_touch(fs, &inode, what);
		err = ext2_iput(fs, ino, &inode);
	}
	return err;
}

/* Regular files keep the high 32 bits of the size in i_dir_acl (RO_COMPAT_LARGE_FILE). */
uint64_t ext2_isize(const struct ext2_inode *inode)
{
	if ((inode->i_mode & EXT2_S_IFMT) == EXT2_S_IFREG) {
		return (uint64_t)inode->i_dir_acl << 32 | inode->i_size;
	}
	return inode->i_size;
}

void ext2_set_isize(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t size)
{
	inode->i_size = (uint32_t)size;
	if ((inode->i_mode & EXT2_S_IFMT) == EXT2_S_IFREG) {
		inode->i_dir_acl = (uint32_t)(size >> 32);
		if (size >> 31) {
			fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
			fs->dirty = true;
		}
	}
}

/* File blocks the block map can address: 12 + p + p^2 + p^3. */
uint64_t ext2_max_blocks(const struct ext2_fs *fs)
{
	uint64_t p = fs->ptrs_per_block;

	return EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
}

/* Splits @lblock into the i_block[] slot and the index in each indirect level. */
static int block_path(const struct ext2_fs *fs, uint64_t lblock, uint32_t *slot,
		      uint32_t offsets[EXT2_INDIRECT_LEVELS], int *depth)
{
	uint64_t p = fs->ptrs_per_block, span = 1;

	if (lblock < EXT2_NDIR_BLOCKS) {
		*slot = (uint32_t)lblock;
		*depth = 0;
		return 0;
	}
	lblock -= EXT2_NDIR_BLOCKS;
	for (int level = 1; level <= EXT2_INDIRECT_LEVELS; level++) {
		span *= p;
		if (lblock < span) {
			*slot = EXT2_IND_BLOCK + level - 1;
			*depth = level;
			for (int i = level - 1; i >= 0; i--) {
				offsets[i] = (uint32_t)(lblock % p);
				lblock /= p;
			}
			return 0;
		}
		lblock -= span;
	}
	return -EFBIG;
}

/* A zeroed block for the block map, at or after *@goal (0: in @ino's group); moves *@goal on. */
static int alloc_zeroed(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint32_t *goal,
			uint32_t *out)
{
	uint32_t count;
	int err = *goal ? ext2_new_blocks(fs, *goal, 1, out, &count)
			: ext2_new_block(fs, ext2_ino_group(fs, ino), out);

	if (err) {
		return err;
	}
	err = ext2_bzero(fs, *out);
	if (err) {
		ext2_free_block(fs, *out);
		return err;
	}
	inode->i_blocks += fs->block_size / EXT2_INODE_BLOCK_UNIT;
	*goal = *out + 1;
	return 0;
}

/* Checks a pointer from the disk: a data block that is not one of @chain's blocks. */
bool ext2_pointer_ok(const struct ext2_fs *fs, uint32_t block, const uint32_t *chain, int n)
{
	if (!ext2_block_valid(fs, block)) {
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (chain[i] == block) {
			return false;
		}
	}
	return true;
}

struct bmap_walk {
	struct ext2_fs *fs;
	uint32_t ino;
	struct ext2_inode *inode;
	bool create;
	uint32_t goal; /* where new blocks go; 0: the inode's group */
	uint32_t chain[EXT2_INDIRECT_LEVELS + 1];
	uint32_t *buf;
};

/* Follows (or fills) entry @index of indirect block chain[@level]. */
static int walk_level(struct bmap_walk *w, int level, uint32_t index)
{
	uint32_t next;
	int err = ext2_bread(w->fs, w->chain[level], w->buf);

	if (err) {
		return err;
	}
	next = w->buf[index];
	if (next == 0 && w->create) {
		err = alloc_zeroed(w->fs, w->ino, w->inode, &w->goal, &next);
		if (err) {
			return err;
		}
		w->buf[index] = next;
		err = ext2_bwrite(w->fs, w->chain[level], w->buf);
	} else if (next && !ext2_pointer_ok(w->fs, next, w->chain, level + 1)) {
		err = ext2_corrupt(w->fs, "bad indirect block pointer");
	}
	w->chain[level + 1] = next;
	return err;
}

/* Fills chain[0] from i_block[@slot], allocating it with @w->create. */
static int walk_root(struct bmap_walk *w, uint32_t slot)
{
	struct ext2_inode *inode = w->inode;
	int err;

	w->chain[0] = inode->i_block[slot];
	if (w->chain[0] == 0 && w->create) {
		err = alloc_zeroed(w->fs, w->ino, inode, &w->goal, &w->chain[0]);
		if (err) {
			return err;
		}
		inode->i_block[slot] = w->chain[0];
	} else if (w->chain[0] && !ext2_block_valid(w->fs, w->chain[0])) {
		return ext2_corrupt(w->fs, "bad block pointer in an inode");
	}
	return 0;
}

/*
 * ext2_bmap() - the disk block of file block @lblock of @inode (number @ino), 0 for a
 * hole. With @create a hole is filled with a zeroed block, and @inode (i_block,
 * i_blocks) is changed in memory: the caller writes it back. 0, -EIO, -ENOSPC, -EFBIG.
 */
int ext2_bmap(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
	      bool create, uint32_t *out)
{
	struct bmap_walk w = {.fs = fs, .ino = ino, .inode = inode, .create = create};
	uint32_t offsets[EXT2_INDIRECT_LEVELS], slot;
	int depth, err = block_path(fs, lblock, &slot, offsets, &depth);

	if (!err) {
		err = walk_root(&w, slot);
	}
	if (err) {
		return err;
	}
	w.buf = ext2_balloc_buf(fs);
	if (!w.buf) {
		return -ENOMEM;
	}
	for (int level = 0; level < depth && w.chain[level] && !err; level++) {
		err = walk_level(&w, level, offsets[level]);
	}
	free(w.buf);
	/* A hole above the last level leaves the rest of chain[] zero. */
	*out = err ? 0 : w.chain[depth];
	return err;
}

/*
 * ext2_find_leaf() - the pointer array that maps file block @lblock, read into
 * @leaf->buf (block_size bytes, the caller's): i_block's direct slots (depth 0), or the
 * last-level indirect block. With @create, missing indirect blocks are allocated (zeroed, from
 * *@goal on, which moves past them) and @inode changes in memory; without, a missing
 * one leaves @leaf->ptrs NULL: a hole to the end of that array. 0, -EIO, -ENOSPC, -EFBIG.
 */
int ext2_find_leaf(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
		   bool create, uint32_t *goal, struct ext2_leaf *leaf)
{
	struct bmap_walk w = {.fs = fs, .ino = ino, .inode = inode, .create = create};
	uint32_t offsets[EXT2_INDIRECT_LEVELS], slot;
	int depth, err = block_path(fs, lblock, &slot, offsets, &depth);

	if (err) {
		return err;
	}
	memset(leaf->chain, 0, sizeof(leaf->chain));
	if (depth == 0) {
		/* A copy: i_block of the packed inode may not be aligned for a pointer. */
		memcpy(leaf->buf, inode->i_block, EXT2_NDIR_BLOCKS * sizeof(uint32_t));
		*leaf = (struct ext2_leaf){.ptrs = leaf->buf,
					   .index = slot,
					   .end = EXT2_NDIR_BLOCKS,
					   .buf = leaf->buf};
		return 0;
	}
	w.goal = goal ? *goal : 0;
	w.buf = leaf->buf;
	err = walk_root(&w, slot);
	for (int level = 0; level < depth - 1 && w.chain[level] && !err; level++) {
		err = walk_level(&w, level, offsets[level]);
	}
	if (goal) {
		*goal = w.goal;
	}
	if (err) {
		return err;
	}
	memcpy(leaf->chain, w.chain, sizeof(leaf->chain));
	leaf->depth = depth;
	leaf->block = w.chain[depth - 1];
	leaf->index = offsets[depth - 1];
	leaf->end = fs->ptrs_per_block;
	leaf->ptrs = NULL;
	if (leaf->block) {
		err = ext2_bread(fs, leaf->block, leaf->buf);
		leaf->ptrs = err ? NULL : leaf->buf;
	}
	return err;
}

static int free_one(struct ext2_fs *fs, struct ext2_inode *inode, uint32_t block)
{
	int err = ext2_free_block(fs, block);

	if (!err) {
		inode->i_blocks -= fs->block_size / EXT2_INODE_BLOCK_UNIT;
	}
	return err;
}

/*
 * A truncation walks the tree twice: first with @dry set, only checking every pointer
 * it would follow, so a corrupt tree fails with -EIO before anything is freed.
 */
struct free_walk {
	struct ext2_fs *fs;
	struct ext2_inode *inode;
	bool dry;
};

static int free_branch(struct free_walk *w, uint32_t block, int depth, uint64_t first, bool *empty);

/* Frees what *@entry (from file block @start, @depth levels below) holds from @first on. */
static int free_entry(struct free_walk *w, uint32_t *entry, int depth, uint64_t start,
		      uint64_t first)
{
	bool empty = true;
	int err = 0;

	if (*entry == 0) {
		return 0;
	}
	if (depth > 0) {
		err = free_branch(w, *entry, depth, first > start ? first - start : 0, &empty);
	}
	if (!err && empty && !w->dry) {
		err = free_one(w->fs, w->inode, *entry);
		if (!err) {
			*entry = 0;
		}
	}
	return err;
}

/*
 * Frees the blocks under indirect block @block (@depth levels of pointers below it)
 * from its file block @first on; *@empty tells whether it now holds no pointer.
 */
static int free_branch(struct free_walk *w, uint32_t block, int depth, uint64_t first, bool *empty)
{
	struct ext2_fs *fs = w->fs;
	uint64_t span = 1;
	uint32_t *buf;
	int err;

	for (int i = 1; i < depth; i++) {
		span *= fs->ptrs_per_block;
	}
	buf = ext2_balloc_buf(fs);
	if (!buf) {
		return -ENOMEM;
	}
	err = ext2_bread(fs, block, buf);
	*empty = true;
	for (uint32_t i = 0; i < fs->ptrs_per_block && !err; i++) {
		uint64_t start = i * span;

		if (buf[i] && (buf[i] == block || !ext2_block_valid(fs, buf[i]))) {
			err = ext2_corrupt(fs, "bad indirect block pointer");
		} else if (start + span > first) {
			err = free_entry(w, &buf[i], depth - 1, start, first);
		}
		*empty = *empty && buf[i] == 0;
	}
	if (!err && !w->dry && !*empty) {
		err = ext2_bwrite(fs, block, buf);
	}
	free(buf);
	return err;
}

/* Frees what slot @slot of i_block[] (@depth levels, from file block @start) holds. */
static int free_slot(struct free_walk *w, uint32_t slot, int depth, uint64_t start, uint64_t first)
{
	uint32_t entry = w->inode->i_block[slot];
	int err;

	if (entry && !ext2_block_valid(w->fs, entry)) {
		return ext2_corrupt(w->fs, "bad block pointer in an inode");
	}
	err = free_entry(w, &entry, depth, start, first);
	w->inode->i_block[slot] = entry;
	return err;
}

static int free_walk(struct free_walk *w, uint64_t first)
{
	uint64_t start = EXT2_NDIR_BLOCKS, span = 1;
	int err = 0;

	for (uint32_t i = first < EXT2_NDIR_BLOCKS ? (uint32_t)first : EXT2_NDIR_BLOCKS;
	     i < EXT2_NDIR_BLOCKS && !err; i++) {
		err = free_slot(w, i, 0, i, first);
	}
	for (int level = 1; level <= EXT2_INDIRECT_LEVELS && !err; level++) {
		span *= w->fs->ptrs_per_block;
		if (start + span > first) {
			err = free_slot(w, EXT2_IND_BLOCK + level - 1, level, start, first);
		}
		start += span;
	}
	return err;
}

/* ext2_free_from() - free every block of @inode from file block @first on. */
int ext2_free_from(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t first)
{
	struct free_walk w = {.fs = fs, .inode = inode, .dry = true};
	int err = free_walk(&w, first);

	if (err) {
		return err;
	}
	w.dry = false;
	return free_walk(&w, first);
}

/* ext2_check_blocks() - 0 if every block pointer of @inode is sound (nothing changes). */
int ext2_check_blocks(struct ext2_fs *fs, struct ext2_inode *inode)
{
	struct free_walk w = {.fs = fs, .inode = inode, .dry = true};

	return free_walk(&w, 0);
}
