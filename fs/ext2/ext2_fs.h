/* SPDX-License-Identifier: MIT */
/*
 * ext2_fs.h - private state of a mounted ext2 volume and the functions the files of
 * fs/ext2/ share: super.c (mount, block I/O, sync), balloc.c (bitmaps), inode.c (inodes
 * and block mapping), dir.c (directory blocks), file.c (read/write/truncate), namei.c
 * (paths), run.c (runs of contiguous file blocks). Blocks go to the device given at
 * mount (the block cache's view on Toro); the superblock and group descriptors live in
 * memory and are written by ext2_sync(). Times come from the mount options' clock
 * (ext2_touch()); without one nothing is stamped.
 */
#ifndef FS_EXT2_EXT2_FS_H
#define FS_EXT2_EXT2_FS_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/blkdev.h>
#include <kernel/ext2.h>

#include "ext2_reg.h"

struct ext2_fs {
	struct blkdev *dev;
	struct ext2_super_block sb;
	struct ext2_group_desc *groups;
	uint32_t group_count;
	uint32_t gdt_blocks;
	uint32_t block_size;
	uint32_t ptrs_per_block; /* block numbers in one indirect block */
	uint32_t inode_size;
	uint32_t inodes_per_block;
	uint32_t inode_table_blocks; /* per group */
	uint32_t first_ino;
	uint16_t mount_state; /* s_state as found, written back on unmount */
	bool read_only;
	bool corrupt_logged; /* ext2_corrupt() has spoken */
	bool dirty;	     /* sb or group descriptors changed since the last sync */
	/* The clock (ext2_mount_opts()); NULL: none, nothing is stamped. */
	uint32_t (*now)(void *arg);
	void *now_arg;
};

/* super.c */
uint32_t ext2_now(const struct ext2_fs *fs);
int ext2_bread(struct ext2_fs *fs, uint32_t block, void *buf);
int ext2_bwrite(struct ext2_fs *fs, uint32_t block, const void *buf);
int ext2_bzero(struct ext2_fs *fs, uint32_t block);
int ext2_bread_run(struct ext2_fs *fs, uint32_t block, uint32_t count, void *buf);
int ext2_bwrite_run(struct ext2_fs *fs, uint32_t block, uint32_t count, const void *buf);
bool ext2_block_valid(const struct ext2_fs *fs, uint32_t block);
bool ext2_group_has_super(const struct ext2_fs *fs, uint32_t group);
void *ext2_balloc_buf(const struct ext2_fs *fs);
int ext2_corrupt(struct ext2_fs *fs, const char *what);

/* balloc.c */
int ext2_new_block(struct ext2_fs *fs, uint32_t goal_group, uint32_t *out);
int ext2_new_blocks(struct ext2_fs *fs, uint32_t goal, uint32_t max, uint32_t *first,
		    uint32_t *count);
int ext2_free_block(struct ext2_fs *fs, uint32_t block);
int ext2_new_inode(struct ext2_fs *fs, uint32_t goal_group, bool dir, uint32_t *out);
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir);

/* inode.c */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode);
int ext2_iput(struct ext2_fs *fs, uint32_t ino, const struct ext2_inode *inode);

/* ext2_touch() what: which of an inode's times to set to now. */
#define EXT2_TOUCH_A 0x1
#define EXT2_TOUCH_M 0x2
#define EXT2_TOUCH_C 0x4
void ext2_touch(const struct ext2_fs *fs, struct ext2_inode *inode, unsigned int what);
int ext2_touch_ino(struct ext2_fs *fs, uint32_t ino, unsigned int what);
uint64_t ext2_isize(const struct ext2_inode *inode);
void ext2_set_isize(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t size);
uint64_t ext2_max_blocks(const struct ext2_fs *fs);
int ext2_bmap(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
	      bool create, uint32_t *out);
bool ext2_pointer_ok(const struct ext2_fs *fs, uint32_t block, const uint32_t *chain, int n);

/* The pointer array that maps a file block (ext2_find_leaf()). */
struct ext2_leaf {
	uint32_t *ptrs; /* buf, holding the direct slots or the indirect block; NULL: a hole */
	uint32_t index; /* the file block's entry in ptrs */
	uint32_t end;	/* entries in the array */
	uint32_t block; /* the indirect block held in buf, 0 for the direct slots */
	int depth;	/* indirect levels above the data: chain[0, depth) */
	uint32_t chain[EXT2_INDIRECT_LEVELS + 1];
	uint32_t *buf; /* the caller's, block_size bytes */
};

int ext2_find_leaf(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
		   bool create, uint32_t *goal, struct ext2_leaf *leaf);
int ext2_free_from(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t first);
int ext2_check_blocks(struct ext2_fs *fs, struct ext2_inode *inode);

static inline bool ext2_is_dir(const struct ext2_inode *inode)
{
	return (inode->i_mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

static inline uint32_t ext2_ino_group(const struct ext2_fs *fs, uint32_t ino)
{
	return (ino - 1) / fs->sb.s_inodes_per_group;
}

/* dir.c */
typedef int (*ext2_dir_visit_t)(void *ctx, struct ext2_dir_entry *de, uint64_t pos);
int ext2_dir_iterate(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t start,
		     ext2_dir_visit_t visit, void *ctx);
int ext2_dir_find(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		  uint32_t *ino);
int ext2_dir_add(struct ext2_fs *fs, uint32_t dir_ino, struct ext2_inode *dir, const char *name,
		 size_t len, uint32_t ino, uint16_t mode);
int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len);
int ext2_dir_set_ino(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
		     uint32_t ino, uint16_t mode);
int ext2_dir_is_empty(struct ext2_fs *fs, struct ext2_inode *dir);
int ext2_dir_init(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *dir, uint32_t parent);

/* run.c */
int ext2_map_run(struct ext2_fs *fs, struct ext2_inode *inode, uint64_t lblock, uint32_t max,
		 uint32_t *phys, uint32_t *count);
int ext2_alloc_run(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
		   uint32_t max, uint32_t goal, uint32_t *phys, uint32_t *count);
int ext2_release_run(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t lblock,
		     uint32_t count);

/* file.c */
int ext2_truncate_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode, uint64_t size);

#endif /* FS_EXT2_EXT2_FS_H */
