// SPDX-License-Identifier: MIT
/*
 * file.c - open files: the descriptor table and the calls on a descriptor (open, close,
 * read, write, lseek, fstat, ftruncate, fsync), and the open nodes of each mount.
 *
 * The descriptor table is one array shared by every CPU. A slot is claimed with a
 * compare-exchange from NULL to a reservation mark, then the opened file is published
 * into it with a release store; close() takes it back with a compare-exchange, so two
 * racing close() calls free the file once (the other gets EBADF). A descriptor must not
 * be closed while another thread still uses it (as in POSIX, the result is undefined).
 *
 * Everything else of an open file (its offset, its node) is used on the mount's CPU
 * with the mount's lock held: each call here is a struct vfs_req run there, so the
 * offset of a descriptor shared by threads on several CPUs moves atomically per call.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/compiler.h>

#include "vfs_priv.h"

#define FD_RESERVED ((struct vfs_file *)1)
/* The most bytes one read() or write() moves (they return a count, as POSIX allows). */
#define VFS_IO_MAX (1UL << 30)

static struct vfs_file *fd_table[CONFIG_MAX_OPEN_FILES];

/* --- open nodes of a mount (its CPU, under its lock) ----------------------------------- */

struct vfs_inode *vfs_inode_find(struct vfs_mount *m, uint64_t id)
{
	for (struct vfs_inode *i = m->open; i; i = i->next) {
		if (i->node.id == id) {
			return i;
		}
	}
	return NULL;
}

int vfs_inode_get(struct vfs_mount *m, const struct vfs_node *node, const char *path,
		  struct vfs_inode **out)
{
	struct vfs_inode *ino = vfs_inode_find(m, node->id);
	size_t len = strlen(path);

	if (!ino) {
		ino = malloc(sizeof(*ino) + len + 1);
		if (!ino) {
			return -ENOMEM;
		}
		ino->node = *node;
		ino->refs = 0;
		memcpy(ino->path, path, len + 1);
		ino->next = m->open;
		m->open = ino;
	}
	ino->refs++;
	*out = ino;
	return 0;
}

void vfs_inode_put(struct vfs_mount *m, struct vfs_inode *ino)
{
	struct vfs_inode **link;

	if (--ino->refs) {
		return;
	}
	for (link = &m->open; *link; link = &(*link)->next) {
		if (*link == ino) {
			*link = ino->next;
			break;
		}
	}
	free(ino);
}

void vfs_inodes_drop(struct vfs_mount *m)
{
	while (m->open) {
		struct vfs_inode *ino = m->open;

		m->open = ino->next;
		free(ino);
	}
	m->open_count = 0;
}

bool vfs_path_busy(struct vfs_mount *m, const char *path)
{
	size_t len = strlen(path);

	for (struct vfs_inode *i = m->open; i; i = i->next) {
		/* Case-blind: FAT names are; a false EBUSY on ext2 costs little. */
		if (strncasecmp(i->path, path, len) == 0 &&
		    (i->path[len] == '\0' || i->path[len] == '/' || len == 1)) {
			return true;
		}
	}
	return false;
}

/* --- open --------------------------------------------------------------------------- */

/* May @node be opened with @flags on @m? 0 or the errno open() gives. */
static int open_check(struct vfs_mount *m, const struct vfs_node *node, int flags, bool must_dir)
{
	int acc = flags & O_ACCMODE;
	bool writes = acc != O_RDONLY || (flags & O_TRUNC);

	if (S_ISDIR(node->mode)) {
		return writes || (flags & O_CREAT) ? -EISDIR : 0;
	}
	if ((flags & O_DIRECTORY) || must_dir) {
		return -ENOTDIR;
	}
	if (writes && vfs_mount_ro(m)) {
		return -EROFS;
	}
	return 0;
}

/* Finds @rel, or creates it for O_CREAT. */
static int open_lookup(struct vfs_req *r, struct vfs_node *node)
{
	struct vfs_mount *m = r->mnt;
	const struct vfs_fs_ops *ops = m->type->ops;
	int err = ops->lookup(m->fs, r->path->rel, node);

	if (!(r->flags & O_CREAT)) {
		return err;
	}
	if (!err) {
		return (r->flags & O_EXCL) ? -EEXIST : 0;
	}
	if (err != -ENOENT) {
		return err;
	}
	if (r->path->must_dir) {
		return -EISDIR;
	}
	if (vfs_mount_ro(m) || !ops->create) {
		return -EROFS;
	}
	return ops->create(m->fs, r->path->rel, S_IFREG | (r->mode & 07777), node);
}

static long open_op(struct vfs_req *r)
{
	struct vfs_mount *m = r->mnt;
	struct vfs_file *f = r->file;
	struct vfs_node node;
	struct vfs_inode *ino;
	int err;

	err = open_lookup(r, &node);
	if (!err) {
		err = open_check(m, &node, r->flags, r->path->must_dir);
	}
	if (!err) {
		err = vfs_inode_get(m, &node, r->path->rel, &ino);
	}
	if (err) {
		return err;
	}
	if ((r->flags & O_TRUNC) && (r->flags & O_ACCMODE) != O_RDONLY) {
		err = m->type->ops->truncate ? m->type->ops->truncate(m->fs, &ino->node, 0)
					     : -EROFS;
		if (err) {
			vfs_inode_put(m, ino);
			return err;
		}
	}
	f->mnt = m;
	f->seq = r->seq;
	f->ino = ino;
	f->offset = 0;
	f->flags = r->flags;
	m->open_count++;
	return 0;
}

int vfs_file_open(struct vfs_path *p, int flags, mode_t mode, struct vfs_file *f)
{
	struct vfs_req r = {.op = open_op, .path = p, .file = f, .flags = flags, .mode = mode};

	if ((flags & O_ACCMODE) == O_ACCMODE) {
		return -EINVAL;
	}
	return (int)vfs_req_call(&r);
}

static long close_op(struct vfs_req *r)
{
	vfs_inode_put(r->mnt, r->file->ino);
	r->mnt->open_count--;
	return 0;
}

int vfs_file_close(struct vfs_file *f)
{
	struct vfs_req r = {.op = close_op, .mnt = f->mnt, .seq = f->seq, .file = f};

	return (int)vfs_req_call(&r);
}

/* --- descriptors ----------------------------------------------------------------------- */

static int fd_claim(void)
{
	for (int fd = VFS_FD_FIRST; fd < CONFIG_MAX_OPEN_FILES; fd++) {
		struct vfs_file *expected = NULL;

		/* Any CPU may claim: only one compare-exchange from NULL wins the slot. */
		if (__atomic_compare_exchange_n(&fd_table[fd], &expected, FD_RESERVED, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			return fd;
		}
	}
	return -EMFILE;
}

static struct vfs_file *fd_get(int fd)
{
	struct vfs_file *f;

	if (fd < 0 || fd >= CONFIG_MAX_OPEN_FILES) {
		return NULL;
	}
	/* Pairs with the release store of open(): the file is complete when seen. */
	f = __atomic_load_n(&fd_table[fd], __ATOMIC_ACQUIRE);
	return f == FD_RESERVED ? NULL : f;
}

int vfs_open(const char *path, int flags, mode_t mode)
{
	struct vfs_path p;
	struct vfs_file *f;
	int fd, err;

	if (!path) {
		return -EFAULT;
	}
	err = vfs_resolve(path, &p);
	if (err) {
		return err;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		return -ENOMEM;
	}
	fd = fd_claim();
	err = fd < 0 ? fd : vfs_file_open(&p, flags, mode, f);
	if (err) {
		if (fd >= 0) {
			__atomic_store_n(&fd_table[fd], NULL, __ATOMIC_RELEASE);
		}
		free(f);
		return err;
	}
	/* The file's fields are written before the pointer that publishes them. */
	__atomic_store_n(&fd_table[fd], f, __ATOMIC_RELEASE);
	return fd;
}

int vfs_close(int fd)
{
	struct vfs_file *f = fd_get(fd);
	int err;

	if (!f || !__atomic_compare_exchange_n(&fd_table[fd], &f, NULL, false, __ATOMIC_ACQ_REL,
					       __ATOMIC_RELAXED)) {
		return -EBADF;
	}
	err = vfs_file_close(f);
	free(f);
	return err;
}

static long read_op(struct vfs_req *r)
{
	struct vfs_file *f = r->file;
	long n = r->mnt->type->ops->read(r->mnt->fs, &f->ino->node, f->offset, r->buf, r->len);

	if (n > 0) {
		f->offset += (uint64_t)n;
	}
	return n;
}

ssize_t vfs_read(int fd, void *buf, size_t count)
{
	struct vfs_file *f = fd_get(fd);
	struct vfs_req r = {.op = read_op, .file = f, .buf = buf, .len = MIN(count, VFS_IO_MAX)};

	if (!f || (f->flags & O_ACCMODE) == O_WRONLY) {
		return -EBADF;
	}
	if (S_ISDIR(f->ino->node.mode)) {
		return -EISDIR;
	}
	if (!count) {
		return 0;
	}
	r.mnt = f->mnt;
	r.seq = f->seq;
	return vfs_req_call(&r);
}

static long write_op(struct vfs_req *r)
{
	struct vfs_mount *m = r->mnt;
	struct vfs_file *f = r->file;
	long n;

	if (!m->type->ops->write) {
		return -EROFS;
	}
	if (f->flags & O_APPEND) {
		struct stat st;
		int err = m->type->ops->stat(m->fs, &f->ino->node, &st);

		if (err) {
			return err;
		}
		f->offset = (uint64_t)st.st_size;
	}
	n = m->type->ops->write(m->fs, &f->ino->node, f->offset, r->buf, r->len);
	if (n > 0) {
		f->offset += (uint64_t)n;
	}
	return n;
}

ssize_t vfs_write(int fd, const void *buf, size_t count)
{
	struct vfs_file *f = fd_get(fd);
	struct vfs_req r = {
		.op = write_op, .file = f, .buf = (void *)buf, .len = MIN(count, VFS_IO_MAX)};

	if (fd == 1 || fd == 2) {
		vfs_console_write(buf, count);
		return (ssize_t)count;
	}
	if (!f || (f->flags & O_ACCMODE) == O_RDONLY) {
		return -EBADF;
	}
	if (!count) {
		return 0;
	}
	r.mnt = f->mnt;
	r.seq = f->seq;
	return vfs_req_call(&r);
}

static long lseek_op(struct vfs_req *r)
{
	struct vfs_mount *m = r->mnt;
	struct vfs_file *f = r->file;
	int64_t base = 0;

	if (r->flags == SEEK_CUR) {
		base = (int64_t)f->offset;
	} else if (r->flags == SEEK_END) {
		struct stat st;
		int err = m->type->ops->stat(m->fs, &f->ino->node, &st);

		if (err) {
			return err;
		}
		base = st.st_size;
	} else if (r->flags != SEEK_SET) {
		return -EINVAL;
	}
	if ((r->num > 0 && base > INT64_MAX - r->num) || base + r->num < 0) {
		return -EINVAL;
	}
	f->offset = (uint64_t)(base + r->num);
	return (long)f->offset;
}

off_t vfs_lseek(int fd, off_t offset, int whence)
{
	struct vfs_file *f = fd_get(fd);
	struct vfs_req r = {.op = lseek_op, .file = f, .num = offset, .flags = whence};

	if (!f) {
		return -EBADF;
	}
	r.mnt = f->mnt;
	r.seq = f->seq;
	return vfs_req_call(&r);
}

static long fstat_op(struct vfs_req *r)
{
	return r->mnt->type->ops->stat(r->mnt->fs, &r->file->ino->node, r->out);
}

int vfs_fstat(int fd, struct stat *st)
{
	struct vfs_file *f = fd_get(fd);
	struct vfs_req r = {.op = fstat_op, .file = f, .out = st};

	if (!f) {
		return -EBADF;
	}
	memset(st, 0, sizeof(*st));
	r.mnt = f->mnt;
	r.seq = f->seq;
	return (int)vfs_req_call(&r);
}

static long ftruncate_op(struct vfs_req *r)
{
	if (!r->mnt->type->ops->truncate) {
		return -EROFS;
	}
	return r->mnt->type->ops->truncate(r->mnt->fs, &r->file->ino->node, (uint64_t)r->num);
}

int vfs_ftruncate(int fd, off_t length)
{
	struct vfs_file *f = fd_get(fd);
	struct vfs_req r = {.op = ftruncate_op, .file = f, .num = length};

	if (!f) {
		return -EBADF;
	}
	/* Linux: EINVAL for a descriptor not open for writing, or not a regular file. */
	if ((f->flags & O_ACCMODE) == O_RDONLY || length < 0) {
		return -EINVAL;
	}
	if (S_ISDIR(f->ino->node.mode)) {
		return -EISDIR;
	}
	r.mnt = f->mnt;
	r.seq = f->seq;
	return (int)vfs_req_call(&r);
}

static long fsync_op(struct vfs_req *r)
{
	if (vfs_mount_ro(r->mnt) || !r->mnt->type->ops->sync) {
		return 0;
	}
	return r->mnt->type->ops->sync(r->mnt->fs);
}

int vfs_fsync(int fd)
{
	struct vfs_file *f = fd_get(fd);
	struct vfs_req r = {.op = fsync_op, .file = f};

	if (!f) {
		return -EBADF;
	}
	r.mnt = f->mnt;
	r.seq = f->seq;
	return (int)vfs_req_call(&r);
}
