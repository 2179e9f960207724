// SPDX-License-Identifier: MIT
/*
 * vfs_ext2.c - the "ext2" file-system type of the VFS (kernel/vfs.h): the ext2 library
 * (ext2.h) over the block cache's view of the disk (bcache.h), with the wall clock for
 * the times it stamps.
 *
 * A node is the inode number. The library keeps no clock: the mount gives it
 * CLOCK_REALTIME in seconds (Documentation/ext2.md). The VFS runs every call on the
 * disk's CPU, one at a time, as the library needs.
 */
#include <kernel/bcache.h>
#include <kernel/errno.h>
#include <kernel/ext2.h>
#include <kernel/vfs.h>
#include <toro/mem.h>
#include <toro/string.h>
#include <toro/time.h>

#include "ext2_fs.h"

struct vfs_ext2 {
	struct blkdev *view;
	struct ext2_fs *fs;
};

static struct ext2_fs *fs_of(void *fs)
{
	return ((struct vfs_ext2 *)fs)->fs;
}

static uint32_t ino_of(const struct vfs_node *node)
{
	return (uint32_t)node->priv.u64;
}

/*
 * ext2_mount_opts.now: the wall clock in seconds since 1970 (ext2 layout: 32-bit times,
 * read as signed by Linux, so kept within 1970..2038).
 */
static uint32_t vext2_now(void *arg)
{
	time_t t = time(NULL);

	(void)arg;
	if (t < 0) {
		return 0;
	}
	return t > INT32_MAX ? INT32_MAX : (uint32_t)t;
}

static int vext2_mount(struct blkdev *dev, unsigned long *flags, const void *data, void **out)
{
	struct ext2_mount_opts opts = {.flags = (*flags & MS_RDONLY) ? EXT2_MOUNT_RDONLY : 0,
				       .now = vext2_now};
	struct vfs_ext2 *v = calloc(1, sizeof(*v));
	int err;

	(void)data;
	if (!v) {
		return -ENOMEM;
	}
	v->view = bcache_open(dev);
	if (!v->view) {
		free(v);
		return -ENOMEM;
	}
	err = ext2_mount_opts(v->view, &opts, &v->fs);
	if (err) {
		bcache_close(v->view);
		free(v);
		return err;
	}
	if (ext2_is_read_only(v->fs)) {
		*flags |= MS_RDONLY;
	}
	*out = v;
	return 0;
}

static int vext2_unmount(void *fs)
{
	struct vfs_ext2 *v = fs;
	int err = ext2_unmount(v->fs);
	int err2 = bcache_close(v->view);

	free(v);
	return err ? err : err2;
}

static int vext2_sync(void *fs)
{
	struct vfs_ext2 *v = fs;
	int err = ext2_sync(v->fs);

	return err ? err : bcache_sync(v->view);
}

static int vext2_statfs(void *fs, struct statfs *st)
{
	const struct ext2_fs *e = fs_of(fs);

	st->f_bsize = e->block_size;
	st->f_blocks = e->sb.s_blocks_count;
	st->f_bfree = e->sb.s_free_blocks_count;
	st->f_files = e->sb.s_inodes_count;
	st->f_ffree = e->sb.s_free_inodes_count;
	return 0;
}

static int node_fill(struct ext2_fs *e, uint32_t ino, struct vfs_node *node)
{
	struct ext2_stat st;
	int err = ext2_stat(e, ino, &st);

	if (err) {
		return err;
	}
	memset(node, 0, sizeof(*node));
	node->id = ino;
	node->mode = st.mode;
	node->priv.u64 = ino;
	return 0;
}

static int vext2_lookup(void *fs, const char *path, struct vfs_node *node)
{
	long ino = ext2_lookup(fs_of(fs), path);

	return ino < 0 ? (int)ino : node_fill(fs_of(fs), (uint32_t)ino, node);
}

static int vext2_stat(void *fs, struct vfs_node *node, struct stat *st)
{
	struct ext2_fs *e = fs_of(fs);
	struct ext2_stat es;
	int err = ext2_stat(e, ino_of(node), &es);

	if (err) {
		return err;
	}
	st->st_ino = es.ino;
	st->st_mode = es.mode;
	st->st_nlink = es.links;
	st->st_uid = es.uid;
	st->st_gid = es.gid;
	st->st_size = (off_t)es.size;
	st->st_blocks = es.blocks;
	st->st_blksize = e->block_size;
	st->st_atime = es.atime;
	st->st_mtime = es.mtime;
	st->st_ctime = es.ctime;
	return 0;
}

static long vext2_read(void *fs, struct vfs_node *node, uint64_t offset, void *buf, size_t len)
{
	return ext2_read(fs_of(fs), ino_of(node), offset, buf, len);
}

static long vext2_write(void *fs, struct vfs_node *node, uint64_t offset, const void *buf,
			size_t len)
{
	return ext2_write(fs_of(fs), ino_of(node), offset, buf, len);
}

static int vext2_truncate(void *fs, struct vfs_node *node, uint64_t size)
{
	return ext2_truncate(fs_of(fs), ino_of(node), size);
}

struct readdir_ctx {
	vfs_filldir_t fill;
	void *ctx;
};

/* ext2.rst "Directories": the file_type byte, when INCOMPAT_FILETYPE is set. */
static int readdir_fill(void *ctx, const char *name, size_t name_len, uint32_t ino,
			unsigned int type)
{
	struct readdir_ctx *r = ctx;
	unsigned int dt = type == EXT2_FT_REG_FILE  ? DT_REG
			  : type == EXT2_FT_DIR	    ? DT_DIR
			  : type == EXT2_FT_SYMLINK ? DT_LNK
						    : DT_UNKNOWN;

	return r->fill(r->ctx, name, name_len, ino, dt);
}

static int vext2_readdir(void *fs, struct vfs_node *dir, uint64_t *cookie, vfs_filldir_t fill,
			 void *ctx)
{
	struct readdir_ctx r = {.fill = fill, .ctx = ctx};

	return ext2_readdir(fs_of(fs), ino_of(dir), cookie, readdir_fill, &r);
}

static int vext2_create(void *fs, const char *path, mode_t mode, struct vfs_node *node)
{
	long ino = ext2_create(fs_of(fs), path, (uint16_t)(mode & 07777));

	return ino < 0 ? (int)ino : node_fill(fs_of(fs), (uint32_t)ino, node);
}

static int vext2_mkdir(void *fs, const char *path, mode_t mode)
{
	long ino = ext2_mkdir(fs_of(fs), path, (uint16_t)(mode & 07777));

	return ino < 0 ? (int)ino : 0;
}

static int vext2_unlink(void *fs, const char *path)
{
	return ext2_unlink(fs_of(fs), path);
}

static int vext2_rmdir(void *fs, const char *path)
{
	return ext2_rmdir(fs_of(fs), path);
}

static int vext2_rename(void *fs, const char *from, const char *to)
{
	return ext2_rename(fs_of(fs), from, to);
}

static const struct vfs_fs_ops vext2_ops = {
	.mount = vext2_mount,
	.unmount = vext2_unmount,
	.sync = vext2_sync,
	.statfs = vext2_statfs,
	.lookup = vext2_lookup,
	.stat = vext2_stat,
	.read = vext2_read,
	.write = vext2_write,
	.truncate = vext2_truncate,
	.readdir = vext2_readdir,
	.create = vext2_create,
	.mkdir = vext2_mkdir,
	.unlink = vext2_unlink,
	.rmdir = vext2_rmdir,
	.rename = vext2_rename,
};

VFS_FS_TYPE(ext2, "ext2", VFS_FS_BLOCK, &vext2_ops);
