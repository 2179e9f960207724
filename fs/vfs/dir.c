// SPDX-License-Identifier: MIT
/*
 * dir.c - opendir(), readdir(), closedir().
 *
 * A DIR is an open file on the directory (it counts as open for umount's EBUSY) with a
 * batch of entries: readdir() hands them out one by one and asks the file system for the
 * next VFS_DIR_BATCH (one request on the mount's CPU) when the batch runs out. The file
 * system's cookie lives in the file's offset, so a DIR may be read from any CPU.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/compiler.h>

#include "vfs_priv.h"

int vfs_opendir(const char *path, struct vfs_dir **out)
{
	struct vfs_path p;
	struct vfs_dir *dir;
	int err = path ? vfs_resolve(path, &p) : -EFAULT;

	if (err) {
		return err;
	}
	dir = calloc(1, sizeof(*dir));
	if (!dir) {
		return -ENOMEM;
	}
	err = vfs_file_open(&p, O_RDONLY | O_DIRECTORY, 0, &dir->file);
	if (err) {
		free(dir);
		return err;
	}
	*out = dir;
	return 0;
}

/* vfs_filldir_t: stores one entry; refuses when the batch is full. */
static int dir_fill(void *ctx, const char *name, size_t name_len, uint64_t ino, unsigned int type)
{
	struct vfs_dir *dir = ctx;
	struct dirent *d;

	if (dir->count == VFS_DIR_BATCH) {
		return 1;
	}
	d = &dir->ents[dir->count++];
	name_len = MIN(name_len, sizeof(d->d_name) - 1);
	memcpy(d->d_name, name, name_len);
	d->d_name[name_len] = '\0';
	d->d_ino = ino;
	d->d_type = (unsigned char)type;
	return 0;
}

static long readdir_op(struct vfs_req *r)
{
	struct vfs_dir *dir = r->out;
	struct vfs_file *f = &dir->file;
	int err;

	dir->count = 0;
	dir->next = 0;
	err = r->mnt->type->ops->readdir(r->mnt->fs, &f->ino->node, &f->offset, dir_fill, dir);
	/* Fewer than a batch: the file system reached the end. */
	dir->end = err || dir->count < VFS_DIR_BATCH;
	return err;
}

int vfs_readdir(struct vfs_dir *dir, struct dirent **out)
{
	struct vfs_req r = {.op = readdir_op, .out = dir};
	int err;

	if (!dir) {
		return -EBADF;
	}
	if (dir->next == dir->count) {
		if (dir->end) {
			*out = NULL;
			return 0;
		}
		r.mnt = dir->file.mnt;
		r.seq = dir->file.seq;
		err = (int)vfs_req_call(&r);
		if (err) {
			return err;
		}
		if (!dir->count) {
			*out = NULL;
			return 0;
		}
	}
	*out = &dir->ents[dir->next++];
	return 0;
}

int vfs_closedir(struct vfs_dir *dir)
{
	int err;

	if (!dir) {
		return -EBADF;
	}
	err = vfs_file_close(&dir->file);
	free(dir);
	return err;
}
