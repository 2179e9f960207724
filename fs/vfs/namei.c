// SPDX-License-Identifier: MIT
/*
 * namei.c - the calls that take a path: stat, truncate, mkdir, rmdir, unlink, rename,
 * statfs, chdir and getcwd.
 *
 * Each resolves its path to a mount (mount.c) and runs one request on the mount's CPU.
 * A file that is open (or a directory above one) cannot be unlinked, removed or renamed
 * (EBUSY): the file systems' nodes would go stale under the open descriptors. A mount
 * point cannot be removed or renamed (EBUSY); rename across mounts is EXDEV.
 */
#include <kernel/errno.h>
#include <toro/string.h>

#include "vfs_priv.h"

/* The node of @rel, preferring an open one (its FAT size is the live one). */
static int node_of(struct vfs_mount *m, const char *rel, struct vfs_node *node,
		   struct vfs_node **live)
{
	int err = m->type->ops->lookup(m->fs, rel, node);
	struct vfs_inode *ino;

	if (err) {
		return err;
	}
	ino = vfs_inode_find(m, node->id);
	*live = ino ? &ino->node : node;
	return 0;
}

static long stat_op(struct vfs_req *r)
{
	struct vfs_node node, *live;
	int err = node_of(r->mnt, r->path->rel, &node, &live);

	if (!err && r->path->must_dir && !S_ISDIR(node.mode)) {
		err = -ENOTDIR;
	}
	return err ? err : r->mnt->type->ops->stat(r->mnt->fs, live, r->out);
}

int vfs_stat(const char *path, struct stat *st)
{
	struct vfs_path p;
	struct vfs_req r = {.op = stat_op, .path = &p, .out = st};
	int err = path ? vfs_resolve(path, &p) : -EFAULT;

	if (err) {
		return err;
	}
	memset(st, 0, sizeof(*st));
	return (int)vfs_req_call(&r);
}

static long truncate_op(struct vfs_req *r)
{
	struct vfs_node node, *live;
	int err = node_of(r->mnt, r->path->rel, &node, &live);

	if (err) {
		return err;
	}
	if (S_ISDIR(node.mode)) {
		return -EISDIR;
	}
	if (vfs_mount_ro(r->mnt) || !r->mnt->type->ops->truncate) {
		return -EROFS;
	}
	return r->mnt->type->ops->truncate(r->mnt->fs, live, (uint64_t)r->num);
}

int vfs_truncate(const char *path, off_t length)
{
	struct vfs_path p;
	struct vfs_req r = {.op = truncate_op, .path = &p, .num = length};
	int err = path ? vfs_resolve(path, &p) : -EFAULT;

	if (err) {
		return err;
	}
	return length < 0 ? -EINVAL : (int)vfs_req_call(&r);
}

/* The checks every namespace change shares; 0 or the errno. */
static int change_allowed(struct vfs_mount *m, int (*op)(void *, const char *))
{
	if (!op) {
		return -EROFS;
	}
	return vfs_mount_ro(m) ? -EROFS : 0;
}

static long mkdir_op(struct vfs_req *r)
{
	const struct vfs_fs_ops *ops = r->mnt->type->ops;
	struct vfs_node node;

	if (strcmp(r->path->rel, "/") == 0 || ops->lookup(r->mnt->fs, r->path->rel, &node) == 0) {
		return -EEXIST;
	}
	if (!ops->mkdir || vfs_mount_ro(r->mnt)) {
		return -EROFS;
	}
	return ops->mkdir(r->mnt->fs, r->path->rel, S_IFDIR | (r->mode & 07777));
}

int vfs_mkdir(const char *path, mode_t mode)
{
	struct vfs_path p;
	struct vfs_req r = {.op = mkdir_op, .path = &p, .mode = mode};
	int err = path ? vfs_resolve(path, &p) : -EFAULT;

	return err ? err : (int)vfs_req_call(&r);
}

/* unlink (r->flags 0) and rmdir (r->flags 1). */
static long remove_op(struct vfs_req *r)
{
	const struct vfs_fs_ops *ops = r->mnt->type->ops;
	bool dir = r->flags;
	struct vfs_node node;
	int err;

	if (strcmp(r->path->rel, "/") == 0) {
		return dir ? -EBUSY : -EISDIR;
	}
	err = ops->lookup(r->mnt->fs, r->path->rel, &node);
	if (err) {
		return err;
	}
	if (dir != S_ISDIR(node.mode)) {
		return dir ? -ENOTDIR : -EISDIR;
	}
	if (!dir && r->path->must_dir) {
		return -ENOTDIR;
	}
	err = change_allowed(r->mnt, dir ? ops->rmdir : ops->unlink);
	if (err) {
		return err;
	}
	if (vfs_inode_find(r->mnt, node.id) || vfs_path_busy(r->mnt, r->path->rel)) {
		return -EBUSY;
	}
	return dir ? ops->rmdir(r->mnt->fs, r->path->rel) : ops->unlink(r->mnt->fs, r->path->rel);
}

static int remove_path(const char *path, bool dir)
{
	struct vfs_path p;
	struct vfs_req r = {.op = remove_op, .path = &p, .flags = dir};
	int err = path ? vfs_resolve(path, &p) : -EFAULT;

	return err ? err : (int)vfs_req_call(&r);
}

int vfs_unlink(const char *path)
{
	return remove_path(path, false);
}

int vfs_rmdir(const char *path)
{
	return remove_path(path, true);
}

static long rename_op(struct vfs_req *r)
{
	struct vfs_mount *m = r->mnt;
	const char *from = r->path->rel, *to = r->path2->rel;
	struct vfs_node node;
	int err;

	if (strcmp(from, "/") == 0 || strcmp(to, "/") == 0) {
		return -EBUSY;
	}
	err = m->type->ops->lookup(m->fs, from, &node);
	if (err) {
		return err;
	}
	if (vfs_mount_ro(m) || !m->type->ops->rename) {
		return -EROFS;
	}
	if (vfs_inode_find(m, node.id) || vfs_path_busy(m, from)) {
		return -EBUSY;
	}
	if (m->type->ops->lookup(m->fs, to, &node) == 0 &&
	    (vfs_inode_find(m, node.id) || vfs_path_busy(m, to))) {
		return -EBUSY;
	}
	return m->type->ops->rename(m->fs, from, to);
}

int vfs_rename(const char *from, const char *to)
{
	struct vfs_path p, q;
	struct vfs_req r = {.op = rename_op, .path = &p, .path2 = &q};
	int err = from && to ? vfs_resolve(from, &p) : -EFAULT;

	if (!err) {
		err = vfs_resolve(to, &q);
	}
	if (err) {
		return err;
	}
	if (p.mnt != q.mnt) {
		return -EXDEV;
	}
	return (int)vfs_req_call(&r);
}

static long statfs_op(struct vfs_req *r)
{
	struct statfs *st = r->out;
	int err = r->mnt->type->ops->statfs ? r->mnt->type->ops->statfs(r->mnt->fs, st) : 0;

	strlcpy(st->f_fstype, r->mnt->type->name, sizeof(st->f_fstype));
	st->f_flags = r->mnt->flags;
	return err;
}

int vfs_statfs(const char *path, struct statfs *st)
{
	struct vfs_path p;
	struct vfs_req r = {.op = statfs_op, .path = &p, .out = st};
	int err = path ? vfs_resolve(path, &p) : -EFAULT;

	if (err) {
		return err;
	}
	memset(st, 0, sizeof(*st));
	return (int)vfs_req_call(&r);
}

int vfs_chdir(const char *path)
{
	struct vfs_path p;
	struct stat st;
	int err = path ? vfs_resolve(path, &p) : -EFAULT;

	if (!err) {
		err = vfs_stat(p.abs, &st);
	}
	if (err) {
		return err;
	}
	if (!S_ISDIR(st.st_mode)) {
		return -ENOTDIR;
	}
	return vfs_cwd_set(p.abs);
}

int vfs_getcwd(char *buf, size_t size)
{
	char cwd[PATH_MAX];

	if (!buf || !size) {
		return -EINVAL;
	}
	vfs_cwd_get(cwd);
	if (strlen(cwd) + 1 > size) {
		return -ERANGE;
	}
	strlcpy(buf, cwd, size);
	return 0;
}
