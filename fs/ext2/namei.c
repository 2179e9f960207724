// SPDX-License-Identifier: MIT
/*
 * namei.c - path names: the walk from the root inode, and the calls that change the
 * tree (create, mkdir, unlink, rmdir, rename), keeping link counts as e2fsck counts
 * them: a directory has 2 plus one per subdirectory (its ".." entries).
 *
 * Paths are '/'-separated, from the root whether or not they start with '/'; "." and
 * ".." are the directories' own entries. A freed inode is zeroed but for i_dtime, so a
 * deleted inode never looks in use.
 *
 * Times, from the mount's clock (ext2_touch(); ext2 layout, "Inode Table"): a new inode
 * gets all three; a directory whose entries change gets i_mtime and i_ctime; an inode
 * whose link count changes or that is renamed gets i_ctime; a freed one i_dtime.
 */
#include <kernel/errno.h>
#include <toro/string.h>

#include "ext2_fs.h"

#define EXT2_LINK_MAX 32000 /* Linux's limit for ext2 link counts */

struct name {
	const char *str;
	size_t len;
};

static bool is_dot_or_dotdot(const struct name *n)
{
	return n->str[0] == '.' && (n->len == 1 || (n->len == 2 && n->str[1] == '.'));
}

/* Next component of *@p before @end into @n; false at the end of the path. */
static bool next_component(const char **p, const char *end, struct name *n)
{
	while (*p < end && **p == '/') {
		(*p)++;
	}
	if (*p == end) {
		return false;
	}
	n->str = *p;
	while (*p < end && **p != '/') {
		(*p)++;
	}
	n->len = (size_t)(*p - n->str);
	return true;
}

static int lookup_in(struct ext2_fs *fs, uint32_t dir_ino, const struct name *n, uint32_t *ino)
{
	struct ext2_inode dir;
	int err;

	if (n->len > EXT2_NAME_LEN) {
		return -ENAMETOOLONG;
	}
	err = ext2_iget(fs, dir_ino, &dir);
	if (err) {
		return err;
	}
	if (!ext2_is_dir(&dir)) {
		return -ENOTDIR;
	}
	return ext2_dir_find(fs, &dir, n->str, n->len, ino);
}

static int walk(struct ext2_fs *fs, const char *path, const char *end, uint32_t *ino)
{
	struct name n;
	int err = 0;

	*ino = EXT2_ROOT_INO;
	while (!err && next_component(&path, end, &n)) {
		err = lookup_in(fs, *ino, &n, ino);
	}
	return err;
}

long ext2_lookup(struct ext2_fs *fs, const char *path)
{
	uint32_t ino;
	int err = walk(fs, path, path + strlen(path), &ino);

	return err ? err : (long)ino;
}

/* Walks all but the last component of @path: its directory in @dir/@dir_ino, name in @n. */
static int walk_parent(struct ext2_fs *fs, const char *path, uint32_t *dir_ino,
		       struct ext2_inode *dir, struct name *n)
{
	const char *end = path + strlen(path);
	int err;

	while (end > path && end[-1] == '/') {
		end--;
	}
	n->str = end;
	while (n->str > path && n->str[-1] != '/') {
		n->str--;
	}
	n->len = (size_t)(end - n->str);
	if (n->len == 0 || is_dot_or_dotdot(n)) {
		return -EINVAL;
	}
	if (n->len > EXT2_NAME_LEN) {
		return -ENAMETOOLONG;
	}
	err = walk(fs, path, n->str, dir_ino);
	if (!err) {
		err = ext2_iget(fs, *dir_ino, dir);
	}
	if (!err && !ext2_is_dir(dir)) {
		err = -ENOTDIR;
	}
	return err;
}

static int adjust_links(struct ext2_fs *fs, uint32_t ino, int delta)
{
	struct ext2_inode inode;
	int err = ext2_iget(fs, ino, &inode);

	if (err) {
		return err;
	}
	inode.i_links_count = (uint16_t)(inode.i_links_count + delta);
	/* Every caller changes an entry of directory @ino as well. */
	ext2_touch(fs, &inode, EXT2_TOUCH_M | EXT2_TOUCH_C);
	return ext2_iput(fs, ino, &inode);
}

/* Frees inode @ino and its blocks; it has no name left. */
static int release_inode(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode)
{
	bool dir = ext2_is_dir(inode);
	int err = ext2_truncate_inode(fs, ino, inode, 0);

	if (err) {
		return err;
	}
	memset(inode, 0, sizeof(*inode));
	inode->i_dtime = ext2_now(fs);
	err = ext2_iput(fs, ino, inode);
	return err ? err : ext2_free_inode(fs, ino, dir);
}

/* Before a name goes: will the last link's blocks free cleanly? (-EIO if corrupt.) */
static int check_droppable(struct ext2_fs *fs, struct ext2_inode *inode)
{
	if (inode->i_links_count > 1 && !ext2_is_dir(inode)) {
		return 0;
	}
	return ext2_check_blocks(fs, inode);
}

static int drop_link(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode)
{
	if (inode->i_links_count > 1) {
		inode->i_links_count--;
		ext2_touch(fs, inode, EXT2_TOUCH_C);
		return ext2_iput(fs, ino, inode);
	}
	return release_inode(fs, ino, inode);
}

/* Allocates and writes a fresh inode of @mode near directory @dir_ino. */
static int new_inode(struct ext2_fs *fs, uint32_t dir_ino, uint16_t mode, uint32_t *ino,
		     struct ext2_inode *inode)
{
	bool dir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	int err = ext2_new_inode(fs, ext2_ino_group(fs, dir_ino), dir, ino);

	if (err) {
		return err;
	}
	memset(inode, 0, sizeof(*inode));
	inode->i_mode = mode;
	inode->i_links_count = dir ? 2 : 1;
	ext2_touch(fs, inode, EXT2_TOUCH_A | EXT2_TOUCH_M | EXT2_TOUCH_C);
	err = ext2_iput(fs, *ino, inode);
	if (err) {
		ext2_free_inode(fs, *ino, dir);
	}
	return err;
}

/* The checks create and mkdir share: writable, parent found, name free. */
static int prepare_new(struct ext2_fs *fs, const char *path, uint32_t *dir_ino,
		       struct ext2_inode *dir, struct name *n)
{
	uint32_t existing;
	int err;

	if (fs->read_only) {
		return -EROFS;
	}
	err = walk_parent(fs, path, dir_ino, dir, n);
	if (err == -EINVAL && n->len) {
		return -EEXIST; /* "." or ".." */
	}
	if (err) {
		return err;
	}
	err = ext2_dir_find(fs, dir, n->str, n->len, &existing);
	if (err == 0) {
		return -EEXIST;
	}
	return err == -ENOENT ? 0 : err;
}

long ext2_create(struct ext2_fs *fs, const char *path, uint16_t perm)
{
	uint16_t mode = EXT2_S_IFREG | (perm & ~EXT2_S_IFMT);
	struct ext2_inode dir, inode;
	uint32_t dir_ino, ino;
	struct name n;
	int err = prepare_new(fs, path, &dir_ino, &dir, &n);

	if (!err) {
		err = new_inode(fs, dir_ino, mode, &ino, &inode);
	}
	if (err) {
		return err;
	}
	ext2_touch(fs, &dir, EXT2_TOUCH_M | EXT2_TOUCH_C);
	err = ext2_dir_add(fs, dir_ino, &dir, n.str, n.len, ino, mode);
	if (err) {
		release_inode(fs, ino, &inode);
		return err;
	}
	return ino;
}

long ext2_mkdir(struct ext2_fs *fs, const char *path, uint16_t perm)
{
	uint16_t mode = EXT2_S_IFDIR | (perm & ~EXT2_S_IFMT);
	struct ext2_inode dir, inode;
	uint32_t dir_ino, ino;
	struct name n;
	int err = prepare_new(fs, path, &dir_ino, &dir, &n);

	if (!err && dir.i_links_count >= EXT2_LINK_MAX) {
		err = -EMLINK;
	}
	if (!err) {
		err = new_inode(fs, dir_ino, mode, &ino, &inode);
	}
	if (err) {
		return err;
	}
	err = ext2_dir_init(fs, ino, &inode, dir_ino);
	if (!err) {
		err = ext2_iput(fs, ino, &inode);
	}
	if (!err) {
		err = ext2_dir_add(fs, dir_ino, &dir, n.str, n.len, ino, mode);
	}
	if (err) {
		release_inode(fs, ino, &inode);
		return err;
	}
	err = adjust_links(fs, dir_ino, 1);
	return err ? err : (long)ino;
}

/* Finds the last component of @path: its directory and its inode. */
static int find_child(struct ext2_fs *fs, const char *path, uint32_t *dir_ino,
		      struct ext2_inode *dir, struct name *n, uint32_t *ino,
		      struct ext2_inode *inode)
{
	int err;

	if (fs->read_only) {
		return -EROFS;
	}
	err = walk_parent(fs, path, dir_ino, dir, n);
	if (!err) {
		err = ext2_dir_find(fs, dir, n->str, n->len, ino);
	}
	return err ? err : ext2_iget(fs, *ino, inode);
}

int ext2_unlink(struct ext2_fs *fs, const char *path)
{
	struct ext2_inode dir, inode;
	uint32_t dir_ino, ino;
	struct name n;
	int err = find_child(fs, path, &dir_ino, &dir, &n, &ino, &inode);

	if (err) {
		return err;
	}
	if (ext2_is_dir(&inode)) {
		return -EISDIR;
	}
	err = check_droppable(fs, &inode);
	if (!err) {
		err = ext2_dir_remove(fs, &dir, n.str, n.len);
	}
	if (!err) {
		err = ext2_touch_ino(fs, dir_ino, EXT2_TOUCH_M | EXT2_TOUCH_C);
	}
	return err ? err : drop_link(fs, ino, &inode);
}

/* Checks that directory @ino may go away: not the root, and empty. */
static int check_removable_dir(struct ext2_fs *fs, uint32_t ino, struct ext2_inode *inode)
{
	int empty;

	if (!ext2_is_dir(inode)) {
		return -ENOTDIR;
	}
	if (ino == EXT2_ROOT_INO) {
		return -EBUSY;
	}
	empty = ext2_dir_is_empty(fs, inode);
	if (empty < 0) {
		return empty;
	}
	return empty ? ext2_check_blocks(fs, inode) : -ENOTEMPTY;
}

int ext2_rmdir(struct ext2_fs *fs, const char *path)
{
	struct ext2_inode dir, inode;
	uint32_t dir_ino, ino;
	struct name n;
	int err = find_child(fs, path, &dir_ino, &dir, &n, &ino, &inode);

	if (!err) {
		err = check_removable_dir(fs, ino, &inode);
	}
	if (!err) {
		err = ext2_dir_remove(fs, &dir, n.str, n.len);
	}
	if (!err) {
		err = release_inode(fs, ino, &inode);
	}
	return err ? err : adjust_links(fs, dir_ino, -1);
}

/* -EINVAL if directory @ino is @dir_ino or one of its ancestors (a move into itself). */
static int check_not_ancestor(struct ext2_fs *fs, uint32_t ino, uint32_t dir_ino)
{
	static const struct name dotdot = {"..", 2};
	uint32_t steps = 0;
	int err = 0;

	while (!err && dir_ino != EXT2_ROOT_INO) {
		if (dir_ino == ino) {
			return -EINVAL;
		}
		if (++steps > fs->sb.s_inodes_count) {
			return ext2_corrupt(fs, "\"..\" entries form a loop");
		}
		err = lookup_in(fs, dir_ino, &dotdot, &dir_ino);
	}
	return err;
}

struct rename_end {
	uint32_t dir_ino;
	struct ext2_inode dir;
	struct name n;
	uint32_t ino;
	struct ext2_inode inode;
};

/* Points the existing name @to at @from's inode and drops what it named. */
static int replace_target(struct ext2_fs *fs, struct rename_end *from, struct rename_end *to)
{
	bool dir = ext2_is_dir(&from->inode);
	int err;

	if (ext2_is_dir(&to->inode) != dir) {
		return dir ? -ENOTDIR : -EISDIR;
	}
	if (dir) {
		err = check_removable_dir(fs, to->ino, &to->inode);
		if (err) {
			return err;
		}
	}
	err = check_droppable(fs, &to->inode);
	if (!err) {
		err = ext2_dir_set_ino(fs, &to->dir, to->n.str, to->n.len, from->ino,
				       from->inode.i_mode);
	}
	if (err) {
		return err;
	}
	if (!dir) {
		return drop_link(fs, to->ino, &to->inode);
	}
	err = release_inode(fs, to->ino, &to->inode);
	return err ? err : adjust_links(fs, to->dir_ino, -1);
}

/* After the names moved: a directory's ".." and its parents' link counts follow it. */
static int reparent(struct ext2_fs *fs, struct rename_end *from, struct rename_end *to)
{
	struct ext2_inode inode;
	int err;

	if (!ext2_is_dir(&from->inode) || from->dir_ino == to->dir_ino) {
		return 0;
	}
	err = ext2_iget(fs, from->ino, &inode);
	if (!err) {
		err = ext2_dir_set_ino(fs, &inode, "..", 2, to->dir_ino, EXT2_S_IFDIR);
	}
	if (!err) {
		err = adjust_links(fs, from->dir_ino, -1);
	}
	return err ? err : adjust_links(fs, to->dir_ino, 1);
}

static int rename_move(struct ext2_fs *fs, struct rename_end *from, struct rename_end *to)
{
	int err = ext2_dir_find(fs, &to->dir, to->n.str, to->n.len, &to->ino);

	if (err == 0 && to->ino == from->ino) {
		return 1; /* two names of one inode: nothing to do */
	}
	if (err == 0) {
		err = ext2_iget(fs, to->ino, &to->inode);
		if (!err) {
			err = replace_target(fs, from, to);
		}
	} else if (err == -ENOENT) {
		err = ext2_dir_add(fs, to->dir_ino, &to->dir, to->n.str, to->n.len, from->ino,
				   from->inode.i_mode);
	}
	/* Re-read the source directory: it may be the one just changed. */
	if (!err) {
		err = ext2_iget(fs, from->dir_ino, &from->dir);
	}
	if (!err) {
		err = ext2_dir_remove(fs, &from->dir, from->n.str, from->n.len);
	}
	return err ? err : reparent(fs, from, to);
}

int ext2_rename(struct ext2_fs *fs, const char *from_path, const char *to_path)
{
	struct rename_end from, to;
	int err = find_child(fs, from_path, &from.dir_ino, &from.dir, &from.n, &from.ino,
			     &from.inode);

	if (!err) {
		err = walk_parent(fs, to_path, &to.dir_ino, &to.dir, &to.n);
	}
	if (!err && ext2_is_dir(&from.inode)) {
		err = check_not_ancestor(fs, from.ino, to.dir_ino);
	}
	if (!err) {
		err = rename_move(fs, &from, &to);
	}
	if (err) {
		return err > 0 ? 0 : err;
	}
	/* Fresh reads: the steps above rewrote these inodes. */
	err = ext2_touch_ino(fs, to.dir_ino, EXT2_TOUCH_M | EXT2_TOUCH_C);
	if (!err && from.dir_ino != to.dir_ino) {
		err = ext2_touch_ino(fs, from.dir_ino, EXT2_TOUCH_M | EXT2_TOUCH_C);
	}
	return err ? err : ext2_touch_ino(fs, from.ino, EXT2_TOUCH_C);
}
