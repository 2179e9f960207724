// SPDX-License-Identifier: MIT
/*
 * file.c - ext2_read(), ext2_write(), ext2_truncate(), ext2_stat() and ext2_readdir():
 * the calls that name a file by inode number.
 *
 * Reads of holes give zeros; writes fill only the blocks they touch, so a file written
 * past its end keeps a hole. Truncating zeroes the tail of the last block kept, so a
 * later extension reads zeros there, and frees every block after it.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "ext2_fs.h"

/* Largest size: what the block map addresses, and 2^32 - 1 without LARGE_FILE. */
static uint64_t max_size(const struct ext2_fs *fs)
{
	uint64_t bytes = ext2_max_blocks(fs) * fs->block_size;
	uint64_t limit_blocks = (uint64_t)UINT32_MAX * EXT2_INODE_BLOCK_UNIT;

	return MIN(bytes, limit_blocks);
}

static bool is_fast_symlink(const struct ext2_inode *inode)
{
	return (inode->i_mode & EXT2_S_IFMT) == EXT2_S_IFLNK && inode->i_blocks == 0 &&
	       inode->i_size <= EXT2_FAST_SYMLINK_MAX;
}

/* File blocks from the one holding byte @pos to the one holding byte @end - 1. */
static uint32_t blocks_left(const struct ext2_fs *fs, uint64_t pos, uint64_t end)
{
	uint64_t n = (end - 1) / fs->block_size - pos / fs->block_size + 1;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/*
 * Moves @n bytes at @in_block of disk block @block between it and @data, through a
 * block buffer; @fresh: a block new to the file, whose other bytes become zeros.
 */
static int partial_io(struct ext2_fs *fs, uint32_t block, uint32_t in_block, uint8_t *data,
		      size_t n, bool write, bool fresh)
{
	uint8_t *buf = fresh ? calloc(1, fs->block_size) : ext2_balloc_buf(fs);
	int err;

	if (!buf) {
		return -ENOMEM;
	}
	err = fresh ? 0 : ext2_bread(fs, block, buf);
	if (!err && write) {
		memcpy(buf + in_block, data, n);
		err = ext2_bwrite(fs, block, buf);
	} else if (!err) {
		memcpy(data, buf + in_block, n);
	}
	free(buf);
	return err;
}

/*
 * Moves @len bytes at file position @pos between @data and the run of disk blocks from
 * @phys that holds them: a partial first or last block through partial_io(), the whole
 * blocks between in one device request straight from or to @data (run.c).
 */
static int run_io(struct ext2_fs *fs, uint32_t phys, uint64_t pos, uint8_t *data, size_t len,
		  bool write, bool fresh)
{
	uint32_t bs = fs->block_size, in_block = pos % bs, whole;
	int err = 0;

	if (in_block || len < bs) {
		size_t n = MIN(len, (size_t)(bs - in_block));

		err = partial_io(fs, phys, in_block, data, n, write, fresh);
		phys++;
		data += n;
		len -= n;
	}
	whole = (uint32_t)(len / bs);
	if (!err && whole) {
		err = write ? ext2_bwrite_run(fs, phys, whole, data)
			    : ext2_bread_run(fs, phys, whole, data);
		phys += whole;
		data += (size_t)whole * bs;
		len -= (size_t)whole * bs;
	}
	if (!err && len) {
		err = partial_io(fs, phys, 0, data, len, write, fresh);
	}
	return err;
}

static long read_blocks(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t offset, uint8_t *out,
			size_t len)
{
	size_t done = 0;
	int err = 0;

	while (done < len && !err) {
		uint64_t pos = offset + done;
		uint32_t phys, count;
		size_t chunk;

		err = ext2_map_run(fs, inode, pos / fs->block_size,
				   blocks_left(fs, pos, offset + len), &phys, &count);
		if (err) {
			break;
		}
		chunk = (size_t)MIN((uint64_t)(len - done),
				    (uint64_t)count * fs->block_size - pos % fs->block_size);
		if (phys == 0) {
			memset(out + done, 0, chunk);
		} else {
			err = run_io(fs, phys, pos, out + done, chunk, false, false);
		}
		done += chunk;
	}
	return err ? err : (long)len;
}

long ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t offset, void *buf, size_t len)
{
	struct ext2_inode inode;
	uint64_t size;
	int err = ext2_iget(fs, ino, &inode);

	if (err) {
		return err;
	}
	if (ext2_is_dir(&inode)) {
		return -EISDIR;
	}
	size = ext2_isize(&inode);
	if (offset >= size) {
		return 0;
	}
	len = (size_t)MIN((uint64_t)len, size - offset);
	if (is_fast_symlink(&inode)) {
		memcpy(buf, (const uint8_t *)inode.i_block + offset, len);
		return (long)len;
	}
	return read_blocks(fs, &inode, offset, buf, len);
}

/* Where a new block for file block @lblock should go: after the block before it. */
static uint32_t write_goal(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t lblock)
{
	uint32_t phys = 0, count;

	if (lblock == 0 || ext2_map_run(fs, inode, lblock - 1, 1, &phys, &count)) {
		return 0;
	}
	return phys ? phys + 1 : 0;
}

/*
 * Writes @len bytes at @offset, a run at a time: blocks already there are overwritten,
 * a hole is filled with new contiguous blocks first (ext2_alloc_run()), given back if
 * their data cannot be written. Returns the bytes written; *@err says why it stopped.
 */
static size_t write_runs(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode,
			 uint64_t offset, const uint8_t *src, size_t len, int *err)
{
	uint32_t goal = write_goal(fs, inode, offset / fs->block_size);
	size_t done = 0;

	*err = 0;
	while (done < len && !*err) {
		uint64_t pos = offset + done, lblock = pos / fs->block_size;
		uint32_t phys, count;
		bool fresh;
		size_t chunk;

		*err = ext2_map_run(fs, inode, lblock, blocks_left(fs, pos, offset + len), &phys,
				    &count);
		fresh = !*err && phys == 0;
		if (fresh) {
			*err = ext2_alloc_run(fs, ino, inode, lblock, count, goal, &phys, &count);
		}
		if (*err) {
			break;
		}
		chunk = (size_t)MIN((uint64_t)(len - done),
				    (uint64_t)count * fs->block_size - pos % fs->block_size);
		/* run_io() only reads @src when writing. */
		*err = run_io(fs, phys, pos, (uint8_t *)src + done, chunk, true, fresh);
		if (*err && fresh) {
			ext2_release_run(fs, ino, inode, lblock, count);
		} else if (!*err) {
			done += chunk;
			goal = phys + count;
		}
	}
	return done;
}

long ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t offset, const void *src, size_t len)
{
	struct ext2_inode inode;
	size_t done;
	int err;

	if (fs->read_only) {
		return -EROFS;
	}
	err = ext2_iget(fs, ino, &inode);
	if (err) {
		return err;
	}
	if ((inode.i_mode & EXT2_S_IFMT) != EXT2_S_IFREG) {
		return ext2_is_dir(&inode) ? -EISDIR : -EINVAL;
	}
	if (offset > max_size(fs) || len > max_size(fs) - offset) {
		return -EFBIG;
	}
	done = write_runs(fs, ino, &inode, offset, src, len, &err);
	if (done && offset + done > ext2_isize(&inode)) {
		ext2_set_isize(fs, &inode, offset + done);
	}
	if (done) {
		ext2_touch(fs, &inode, EXT2_TOUCH_M | EXT2_TOUCH_C);
	}
	/* Blocks taken before a failure belong to the inode: write it whatever happened. */
	if (ext2_iput(fs, ino, &inode) && !err) {
		err = -EIO;
	}
	return done ? (long)done : err;
}

/* Zeroes the bytes of the last kept block past @size, so they read as zeros later. */
static int zero_tail(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t size)
{
	uint32_t in_block = size % fs->block_size, block;
	uint8_t *buf;
	int err;

	if (in_block == 0) {
		return 0;
	}
	err = ext2_bmap(fs, 0, inode, size / fs->block_size, false, &block);
	if (err || block == 0) {
		return err;
	}
	buf = ext2_balloc_buf(fs);
	if (!buf) {
		return -ENOMEM;
	}
	err = ext2_bread(fs, block, buf);
	if (!err) {
		memset(buf + in_block, 0, fs->block_size - in_block);
		err = ext2_bwrite(fs, block, buf);
	}
	free(buf);
	return err;
}

/* ext2_truncate_inode() - set the size of @inode and free the blocks past it. */
int ext2_truncate_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t size)
{
	uint64_t keep = (size + fs->block_size - 1) / fs->block_size;
	int err = 0;

	if (size > max_size(fs)) {
		return -EFBIG;
	}
	if (size < ext2_isize(inode) && !is_fast_symlink(inode)) {
		err = zero_tail(fs, inode, size);
		if (!err) {
			err = ext2_free_from(fs, inode, keep);
		}
	}
	if (!err) {
		ext2_set_isize(fs, inode, size);
	}
	if (ext2_iput(fs, ino, inode) && !err) {
		err = -EIO;
	}
	return err;
}

int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size)
{
	struct ext2_inode inode;
	int err;

	if (fs->read_only) {
		return -EROFS;
	}
	err = ext2_iget(fs, ino, &inode);
	if (err) {
		return err;
	}
	if ((inode.i_mode & EXT2_S_IFMT) != EXT2_S_IFREG) {
		return ext2_is_dir(&inode) ? -EISDIR : -EINVAL;
	}
	ext2_touch(fs, &inode, EXT2_TOUCH_M | EXT2_TOUCH_C);
	return ext2_truncate_inode(fs, ino, &inode, size);
}

int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st)
{
	struct ext2_inode inode;
	int err = ext2_iget(fs, ino, &inode);

	if (err) {
		return err;
	}
	*st = (struct ext2_stat){
		.ino = ino,
		.mode = inode.i_mode,
		.links = inode.i_links_count,
		.uid = inode.i_uid,
		.gid = inode.i_gid,
		.size = ext2_isize(&inode),
		.blocks = inode.i_blocks,
		.atime = inode.i_atime,
		.mtime = inode.i_mtime,
		.ctime = inode.i_ctime,
	};
	return 0;
}

struct readdir_ctx {
	ext2_filldir_t fill;
	void *ctx;
	uint64_t *cookie;
	bool has_type;
};

static int readdir_visit(void *ctx, struct ext2_dir_entry *de, uint64_t pos)
{
	struct readdir_ctx *r = ctx;
	unsigned int type = r->has_type ? de->file_type : EXT2_FT_UNKNOWN;

	if (r->fill(r->ctx, de->name, de->name_len, de->inode, type)) {
		return 1;
	}
	*r->cookie = pos + de->rec_len;
	return 0;
}

int ext2_readdir(struct ext2_fs *fs, uint32_t ino, uint64_t *cookie, ext2_filldir_t fill, void *ctx)
{
	struct readdir_ctx r = {.fill = fill, .ctx = ctx, .cookie = cookie};
	struct ext2_inode dir;
	int err = ext2_iget(fs, ino, &dir);

	if (err) {
		return err;
	}
	if (!ext2_is_dir(&dir)) {
		return -ENOTDIR;
	}
	r.has_type = fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
	return ext2_dir_iterate(fs, &dir, *cookie, readdir_visit, &r);
}
