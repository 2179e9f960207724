// SPDX-License-Identifier: MIT
/*
 * vfs_fat.c - the "vfat" file-system type of the VFS (kernel/vfs.h): the FAT16 library
 * (fat.h) over the block cache's view of the disk (bcache.h), with the wall clock for
 * the times it stamps.
 *
 * A node is a struct fat_node; its identity is where its 8.3 entry lives (parent
 * cluster, entry index), which holds as long as the file is not renamed or removed
 * (the VFS refuses both while it is open). FAT has no inode numbers, owners or
 * permissions: st_mode is 0755 for directories, 0644 (0444 read-only) for files.
 */
#include <kernel/bcache.h>
#include <kernel/errno.h>
#include <kernel/fat.h>
#include <kernel/time.h>
#include <kernel/vfs.h>
#include <toro/mem.h>
#include <toro/string.h>
#include <toro/time.h>

#include "fat_priv.h"

_Static_assert(sizeof(struct fat_node) <= VFS_NODE_PRIV, "a fat_node fits in a vfs_node");

#define VFAT_ROOT_ID (1ULL << 63)

struct vfs_fat {
	struct blkdev *view;
	struct fat_fs *fs;
};

static struct fat_fs *fs_of(void *fs)
{
	return ((struct vfs_fat *)fs)->fs;
}

static struct fat_node *fnode(struct vfs_node *node)
{
	return (struct fat_node *)node->priv.bytes;
}

/* fat_mount_opts.now: the wall clock (fatgen103 §"Date and time": from 1980, UTC here). */
static void vfat_now(void *arg, struct fat_time *out)
{
	struct time_date d;

	(void)arg;
	if (time_unix_to_date(time(NULL), &d) || d.year < 1980) {
		d = (struct time_date){.year = FAT_DEFAULT_YEAR, .month = 1, .day = 1};
	}
	*out = (struct fat_time){.year = (uint16_t)d.year,
				 .month = (uint8_t)d.month,
				 .day = (uint8_t)d.day,
				 .hour = (uint8_t)d.hour,
				 .minute = (uint8_t)d.minute,
				 .second = (uint8_t)d.second};
}

static int vfat_mount(struct blkdev *dev, unsigned long *flags, const void *data, void **out)
{
	struct fat_mount_opts opts = {.now = vfat_now, .read_only = *flags & MS_RDONLY};
	struct vfs_fat *v = calloc(1, sizeof(*v));
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
	err = fat_mount(v->view, &opts, &v->fs);
	if (err) {
		bcache_close(v->view);
		free(v);
		return err;
	}
	if (v->fs->read_only) {
		*flags |= MS_RDONLY;
	}
	*out = v;
	return 0;
}

static int vfat_unmount(void *fs)
{
	struct vfs_fat *v = fs;
	int err = fat_unmount(v->fs);
	int err2 = bcache_close(v->view);

	free(v);
	return err ? err : err2;
}

static int vfat_sync(void *fs)
{
	struct vfs_fat *v = fs;
	int err = fat_sync(v->fs);

	return err ? err : bcache_sync(v->view);
}

static int vfat_statfs(void *fs, struct statfs *st)
{
	struct fat_statfs fst;
	int err = fat_statfs(fs_of(fs), &fst);

	st->f_bsize = fst.cluster_size;
	st->f_blocks = fst.clusters;
	st->f_bfree = fst.free_clusters;
	return err;
}

static void node_fill(const struct fat_node *fn, struct vfs_node *node)
{
	memset(node, 0, sizeof(*node));
	memcpy(node->priv.bytes, fn, sizeof(*fn));
	node->id =
		fn->is_root ? VFAT_ROOT_ID : (uint64_t)fn->parent_cluster << 32 | fn->entry_index;
	if (fn->is_root || (fn->attr & FAT_ATTR_DIRECTORY)) {
		node->mode = S_IFDIR | 0755;
	} else {
		node->mode = S_IFREG | ((fn->attr & FAT_ATTR_READ_ONLY) ? 0444 : 0644);
	}
}

static int vfat_lookup(void *fs, const char *path, struct vfs_node *node)
{
	struct fat_node fn;
	int err = fat_lookup(fs_of(fs), path, &fn);

	if (!err) {
		node_fill(&fn, node);
	}
	return err;
}

static int64_t unix_time(const struct fat_time *t)
{
	struct time_date d = {.year = t->year,
			      .month = t->month,
			      .day = t->day,
			      .hour = t->hour,
			      .minute = t->minute,
			      .second = t->second};
	int64_t s;

	return time_date_to_unix(&d, &s) ? 0 : s;
}

static int vfat_stat(void *fs, struct vfs_node *node, struct stat *st)
{
	struct fat_fs *f = fs_of(fs);
	struct fat_stat fst;
	int err = fat_stat(f, fnode(node), &fst);

	if (err) {
		return err;
	}
	st->st_ino = node->id;
	st->st_mode = node->mode;
	st->st_nlink = 1;
	st->st_size = fst.size;
	st->st_blksize = f->cluster_size;
	st->st_blocks = ((uint64_t)fst.size + f->cluster_size - 1) / f->cluster_size *
			(f->cluster_size / 512);
	st->st_mtime = unix_time(&fst.mtime);
	st->st_ctime = unix_time(&fst.ctime);
	st->st_atime = st->st_mtime;
	return 0;
}

static long vfat_read(void *fs, struct vfs_node *node, uint64_t offset, void *buf, size_t len)
{
	return fat_read(fs_of(fs), fnode(node), offset, buf, len);
}

static long vfat_write(void *fs, struct vfs_node *node, uint64_t offset, const void *buf,
		       size_t len)
{
	return fat_write(fs_of(fs), fnode(node), offset, buf, len);
}

static int vfat_truncate(void *fs, struct vfs_node *node, uint64_t size)
{
	return fat_truncate(fs_of(fs), fnode(node), size);
}

/* fat_readdir() has no cursor: the cookie counts the entries already taken. */
struct readdir_ctx {
	vfs_filldir_t fill;
	void *ctx;
	uint64_t *cookie;
	uint64_t seen;
};

static int readdir_fill(void *arg, const char *name, const struct fat_stat *st)
{
	struct readdir_ctx *r = arg;

	if (r->seen++ < *r->cookie) {
		return 0;
	}
	if (r->fill(r->ctx, name, strlen(name), 0, st->is_dir ? DT_DIR : DT_REG)) {
		return 1;
	}
	(*r->cookie)++;
	return 0;
}

static int vfat_readdir(void *fs, struct vfs_node *dir, uint64_t *cookie, vfs_filldir_t fill,
			void *ctx)
{
	struct readdir_ctx r = {.fill = fill, .ctx = ctx, .cookie = cookie};
	int err = fat_readdir(fs_of(fs), fnode(dir), readdir_fill, &r);

	return err > 0 ? 0 : err;
}

static int vfat_create(void *fs, const char *path, mode_t mode, struct vfs_node *node)
{
	struct fat_node fn;
	int err = fat_create(fs_of(fs), path, &fn);

	(void)mode;
	if (!err) {
		node_fill(&fn, node);
	}
	return err;
}

static int vfat_mkdir(void *fs, const char *path, mode_t mode)
{
	(void)mode;
	return fat_mkdir(fs_of(fs), path);
}

static int vfat_unlink(void *fs, const char *path)
{
	return fat_unlink(fs_of(fs), path);
}

static int vfat_rmdir(void *fs, const char *path)
{
	return fat_rmdir(fs_of(fs), path);
}

static int vfat_rename(void *fs, const char *from, const char *to)
{
	return fat_rename(fs_of(fs), from, to);
}

static const struct vfs_fs_ops vfat_ops = {
	.mount = vfat_mount,
	.unmount = vfat_unmount,
	.sync = vfat_sync,
	.statfs = vfat_statfs,
	.lookup = vfat_lookup,
	.stat = vfat_stat,
	.read = vfat_read,
	.write = vfat_write,
	.truncate = vfat_truncate,
	.readdir = vfat_readdir,
	.create = vfat_create,
	.mkdir = vfat_mkdir,
	.unlink = vfat_unlink,
	.rmdir = vfat_rmdir,
	.rename = vfat_rename,
};

VFS_FS_TYPE(vfat, "vfat", VFS_FS_BLOCK, &vfat_ops);
