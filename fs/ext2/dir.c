// SPDX-License-Identifier: MIT
/*
 * dir.c - directory blocks: linked entries of {inode, rec_len, name_len, file_type,
 * name}, each block covered exactly by its entries (Poirier "Linked Directory Entry
 * Structure"; ext2.rst "Directories"). Directories are read linearly; a hashed index
 * (EXT2_INDEX_FL) is dropped when the directory changes, as its blocks still read as
 * plain entries.
 *
 * Every entry is checked before use (rec_len aligned, inside its block, long enough for
 * its name, inode in range); a bad one makes the call fail with -EIO.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "ext2_fs.h"

static bool entry_valid(const struct ext2_fs *fs, const struct ext2_dir_entry *de, uint32_t offset)
{
	uint32_t room = fs->block_size - offset;

	return room >= EXT2_DIR_ENTRY_HEADER && de->rec_len >= EXT2_DIR_REC_LEN(0) &&
	       de->rec_len % EXT2_DIR_ALIGN == 0 && de->rec_len <= room &&
	       EXT2_DIR_REC_LEN(de->name_len) <= de->rec_len && de->inode <= fs->sb.s_inodes_count;
}

static uint8_t entry_type(const struct ext2_fs *fs, uint16_t mode)
{
	static const uint8_t types[(EXT2_S_IFMT >> EXT2_S_IFMT_SHIFT) + 1] = {
		[EXT2_S_IFREG >> EXT2_S_IFMT_SHIFT] = EXT2_FT_REG_FILE,
		[EXT2_S_IFDIR >> EXT2_S_IFMT_SHIFT] = EXT2_FT_DIR,
		[EXT2_S_IFCHR >> EXT2_S_IFMT_SHIFT] = EXT2_FT_CHRDEV,
		[EXT2_S_IFBLK >> EXT2_S_IFMT_SHIFT] = EXT2_FT_BLKDEV,
		[EXT2_S_IFIFO >> EXT2_S_IFMT_SHIFT] = EXT2_FT_FIFO,
		[EXT2_S_IFSOCK >> EXT2_S_IFMT_SHIFT] = EXT2_FT_SOCK,
		[EXT2_S_IFLNK >> EXT2_S_IFMT_SHIFT] = EXT2_FT_SYMLINK,
	};

	if (!(fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE)) {
		return EXT2_FT_UNKNOWN;
	}
	return types[(mode & EXT2_S_IFMT) >> EXT2_S_IFMT_SHIFT];
}

/* The disk block of directory block @lblock; a hole or a short directory is corrupt. */
static int dir_block(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t lblock, void *buf,
		     uint32_t *block)
{
	int err = ext2_bmap(fs, 0, dir, lblock, false, block);

	if (!err && *block == 0) {
		err = ext2_corrupt(fs, "hole in a directory");
	}
	return err ? err : ext2_bread(fs, *block, buf);
}

struct dir_cursor {
	uint8_t *buf;
	uint32_t block;	 /* disk block in buf */
	uint32_t offset; /* of the entry in buf */
	uint32_t prev;	 /* offset of the entry before it in the block, or UINT32_MAX */
	uint64_t pos;	 /* of the entry in the directory */
};

typedef int (*dir_step_t)(struct ext2_fs *fs, struct dir_cursor *c, void *ctx);

/*
 * Calls @step for every entry (used or not) from byte @start on, with the block in a
 * cursor it may change and write. @step returns 0 to go on, 1 to stop, or -Exxx.
 */
static int dir_walk(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t start, dir_step_t step,
		    void *ctx)
{
	uint64_t size = ext2_isize(dir);
	struct dir_cursor c;
	int err = 0;

	if (size % fs->block_size) {
		return ext2_corrupt(fs, "directory size not in whole blocks");
	}
	c.buf = ext2_balloc_buf(fs);
	if (!c.buf) {
		return -ENOMEM;
	}
	for (uint64_t lblock = start / fs->block_size; lblock < size / fs->block_size && !err;
	     lblock++) {
		err = dir_block(fs, dir, lblock, c.buf, &c.block);
		c.prev = UINT32_MAX;
		for (c.offset = 0; !err && c.offset < fs->block_size;) {
			struct ext2_dir_entry *de = (void *)(c.buf + c.offset);

			if (!entry_valid(fs, de, c.offset)) {
				err = ext2_corrupt(fs, "bad directory entry");
				break;
			}
			c.pos = lblock * fs->block_size + c.offset;
			if (c.pos >= start) {
				err = step(fs, &c, ctx);
			}
			c.prev = c.offset;
			c.offset += de->rec_len;
		}
	}
	free(c.buf);
	return err < 0 ? err : 0;
}

struct visit_ctx {
	ext2_dir_visit_t visit;
	void *ctx;
};

static int visit_step(struct ext2_fs *fs, struct dir_cursor *c, void *ctx)
{
	struct visit_ctx *v = ctx;
	struct ext2_dir_entry *de = (void *)(c->buf + c->offset);
	(void)fs;

	if (de->inode == 0) {
		return 0;
	}
	return v->visit(v->ctx, de, c->pos);
}

/* ext2_dir_iterate() - call @visit for each used entry from byte @start, with its position. */
int ext2_dir_iterate(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t start,
		     ext2_dir_visit_t visit, void *ctx)
{
	struct visit_ctx v = {.visit = visit, .ctx = ctx};

	return dir_walk(fs, dir, start, visit_step, &v);
}

struct find_ctx {
	const char *name;
	size_t len;
	uint32_t found;	  /* the entry's inode, 0 until found */
	uint32_t new_ino; /* with set: what the entry is to name, and its type */
	uint8_t new_type;
	bool remove;
	bool set;
};

static bool name_is(const struct ext2_dir_entry *de, const char *name, size_t len)
{
	return de->inode && de->name_len == len && memcmp(de->name, name, len) == 0;
}

static int find_step(struct ext2_fs *fs, struct dir_cursor *c, void *ctx)
{
	struct find_ctx *f = ctx;
	struct ext2_dir_entry *de = (void *)(c->buf + c->offset);
	int err;

	if (!name_is(de, f->name, f->len)) {
		return 0;
	}
	f->found = de->inode;
	if (!f->set && !f->remove) {
		return 1;
	}
	if (f->set) {
		de->inode = f->new_ino;
		de->file_type = f->new_type;
	} else if (c->prev != UINT32_MAX) {
		/* Poirier: a removed entry's space goes to the entry before it. */
		((struct ext2_dir_entry *)(void *)(c->buf + c->prev))->rec_len += de->rec_len;
	} else {
		de->inode = 0;
	}
	err = ext2_bwrite(fs, c->block, c->buf);
	return err ? err : 1;
}

static int find_run(struct ext2_fs *fs, struct ext2_inode *dir, struct find_ctx *f)
{
	int err = dir_walk(fs, dir, 0, find_step, f);

	return !err && !f->found ? -ENOENT : err;
}

/* ext2_dir_find() - the inode number of @name in @dir. 0, -ENOENT, -EIO. */
int ext2_dir_find(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		  uint32_t *ino)
{
	struct find_ctx f = {.name = name, .len = len};
	int err = find_run(fs, dir, &f);

	*ino = f.found;
	return err;
}

/* ext2_dir_remove() - remove entry @name from @dir. 0, -ENOENT, -EIO. */
int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len)
{
	struct find_ctx f = {.name = name, .len = len, .remove = true};

	return find_run(fs, dir, &f);
}

/* ext2_dir_set_ino() - point existing entry @name of @dir at @ino of @mode (rename over). */
int ext2_dir_set_ino(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		     uint32_t ino, uint16_t mode)
{
	struct find_ctx f = {.name = name, .len = len, .set = true, .new_ino = ino};

	f.new_type = entry_type(fs, mode);
	return find_run(fs, dir, &f);
}

struct add_ctx {
	const char *name;
	size_t len;
	uint32_t ino;
	uint8_t type;
	bool done;
};

static void fill_entry(struct ext2_dir_entry *de, const struct add_ctx *a, uint16_t rec_len)
{
	de->inode = a->ino;
	de->rec_len = rec_len;
	de->name_len = (uint8_t)a->len;
	de->file_type = a->type;
	memcpy(de->name, a->name, a->len);
}

static int add_step(struct ext2_fs *fs, struct dir_cursor *c, void *ctx)
{
	struct add_ctx *a = ctx;
	struct ext2_dir_entry *de = (void *)(c->buf + c->offset);
	uint16_t need = EXT2_DIR_REC_LEN(a->len);
	uint16_t used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;
	int err;

	if (de->rec_len - used < need) {
		return 0;
	}
	if (used) {
		/* Split: the old entry keeps what its name needs, the new one the rest. */
		struct ext2_dir_entry *new_de = (void *)(c->buf + c->offset + used);

		fill_entry(new_de, a, de->rec_len - used);
		de->rec_len = used;
	} else {
		fill_entry(de, a, de->rec_len);
	}
	err = ext2_bwrite(fs, c->block, c->buf);
	a->done = !err;
	return err ? err : 1;
}

/* Appends a directory block holding only the new entry. */
static int add_block(struct ext2_fs *fs, uint32_t dir_ino, struct ext2_inode *dir,
		     struct add_ctx *a)
{
	uint64_t size = ext2_isize(dir);
	uint32_t block;
	uint8_t *buf;
	int err = ext2_bmap(fs, dir_ino, dir, size / fs->block_size, true, &block);

	if (err) {
		return err;
	}
	buf = calloc(1, fs->block_size);
	if (!buf) {
		return -ENOMEM;
	}
	fill_entry((void *)buf, a, (uint16_t)fs->block_size);
	err = ext2_bwrite(fs, block, buf);
	free(buf);
	if (!err) {
		ext2_set_isize(fs, dir, size + fs->block_size);
	}
	return err;
}

/*
 * ext2_dir_add() - add entry @name -> @ino (of mode @mode) to directory @dir_ino, in free
 * room of an existing block or in a new one. @dir is changed in memory (size, blocks,
 * flags) and written back. 0, -ENOSPC, -EIO.
 */
int ext2_dir_add(struct ext2_fs *fs, uint32_t dir_ino, struct ext2_inode *dir, const char *name,
		 size_t len, uint32_t ino, uint16_t mode)
{
	struct add_ctx a = {.name = name, .len = len, .ino = ino, .type = entry_type(fs, mode)};
	int err = dir_walk(fs, dir, 0, add_step, &a);

	if (!err && !a.done) {
		err = add_block(fs, dir_ino, dir, &a);
	}
	dir->i_flags &= ~EXT2_INDEX_FL;
	return err ? err : ext2_iput(fs, dir_ino, dir);
}

static int empty_step(struct ext2_fs *fs, struct dir_cursor *c, void *ctx)
{
	struct ext2_dir_entry *de = (void *)(c->buf + c->offset);
	bool dot = de->name_len == 1 && de->name[0] == '.';
	bool dotdot = de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.';
	(void)fs;

	if (de->inode == 0 || dot || dotdot) {
		return 0;
	}
	*(bool *)ctx = false;
	return 1;
}

/* ext2_dir_is_empty() - 1 if @dir holds only "." and "..", 0 if not, or -EIO. */
int ext2_dir_is_empty(struct ext2_fs *fs, struct ext2_inode *dir)
{
	bool empty = true;
	int err = dir_walk(fs, dir, 0, empty_step, &empty);

	return err ? err : empty;
}

/* ext2_dir_init() - give new directory @ino its first block with "." and "..". */
int ext2_dir_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *dir, uint32_t parent)
{
	struct add_ctx dot = {.name = ".", .len = 1, .ino = ino};
	struct add_ctx dotdot = {.name = "..", .len = 2, .ino = parent};
	uint16_t dot_len = EXT2_DIR_REC_LEN(1);
	uint32_t block;
	uint8_t *buf;
	int err = ext2_bmap(fs, ino, dir, 0, true, &block);

	if (err) {
		return err;
	}
	buf = calloc(1, fs->block_size);
	if (!buf) {
		return -ENOMEM;
	}
	dot.type = dotdot.type = entry_type(fs, EXT2_S_IFDIR);
	fill_entry((void *)buf, &dot, dot_len);
	fill_entry((void *)(buf + dot_len), &dotdot, (uint16_t)(fs->block_size - dot_len));
	err = ext2_bwrite(fs, block, buf);
	free(buf);
	if (!err) {
		ext2_set_isize(fs, dir, fs->block_size);
	}
	return err;
}
