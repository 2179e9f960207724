/* SPDX-License-Identifier: MIT */
/*
 * vfs_priv.h - the VFS's own structures, shared by the files of fs/vfs/.
 *
 * Who touches what (the whole concurrency model; Documentation/vfs.md):
 *  - the mount table (vfs_mounts[]) is written only on CPU 0 (mount() and umount() get
 *    there with xcall()), and read on any CPU with a sequence count per slot: a reader
 *    takes the count (even = stable), reads, and retries if the count moved;
 *  - everything below a live mount (its file-system handle, its open nodes, each open
 *    file's offset) is touched only on the mount's CPU with its kmutex held: every
 *    operation is a struct vfs_req run there by vfs_req_call();
 *  - the fd table holds pointers claimed with compare-exchange from any CPU.
 * The working directory is a sequence-counted buffer written on CPU 0, like the table.
 *
 * Portable: it uses xcall(), kmutex_*(), cpu_id() and thread_yield(), which the host
 * unit tests replace by direct calls (tests/unit/fs/vfs/vfs_host.c).
 */
#ifndef FS_VFS_PRIV_H
#define FS_VFS_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/vfs.h>
#include <kernel/xcall.h>

#ifndef CONFIG_MAX_OPEN_FILES
#define CONFIG_MAX_OPEN_FILES 64
#endif

#define VFS_MOUNT_MAX 16
/* fds 0, 1 and 2 are the console's (write() to 1 and 2 prints); files start here. */
#define VFS_FD_FIRST 3
/* Retries of an operation that met a mount being unmounted (then -EBUSY). */
#define VFS_RETRY_MAX 1000

enum vfs_mount_state {
	VFS_MNT_FREE,
	VFS_MNT_CLAIMED, /* being mounted: the target is taken */
	VFS_MNT_LIVE,
};

/* A file open on a mount: one per file, shared by every descriptor and DIR on it. */
struct vfs_inode {
	struct vfs_node node;
	unsigned int refs;
	struct vfs_inode *next;
	char path[]; /* as first opened, relative to the mount */
};

struct vfs_mount {
	uint32_t seq; /* odd while CPU 0 rewrites the slot; bumps on every change */
	enum vfs_mount_state state;
	size_t target_len;
	char target[PATH_MAX];
	char source[16];
	const struct vfs_fs_type *type;
	unsigned long flags; /* MS_RDONLY */
	unsigned int cpu;    /* where its operations run */
	/* Owner CPU only, under @lock: */
	struct kmutex lock;
	bool dying; /* unmounted: operations answer -EAGAIN until the slot is freed */
	void *fs;
	struct vfs_inode *open;
	unsigned int open_count; /* descriptors and DIRs */
};

struct vfs_file {
	struct vfs_mount *mnt;
	uint32_t seq; /* the mount's, when opened */
	struct vfs_inode *ino;
	uint64_t offset; /* on the mount's CPU */
	int flags;
};

#define VFS_DIR_BATCH 8

struct vfs_dir {
	struct vfs_file file; /* file.offset is the file system's readdir cookie */
	bool end;
	unsigned int count, next;
	struct dirent ents[VFS_DIR_BATCH];
};

/* A path resolved to a mount: what every operation starts from. */
struct vfs_path {
	struct vfs_mount *mnt;
	uint32_t seq;
	const char *rel;    /* into abs: the path inside the mount ("/..." ) */
	bool must_dir;	    /* a trailing '/', "." or ".." */
	char abs[PATH_MAX]; /* the normalised absolute path */
};

/* An operation to run on a mount's CPU under its lock (vfs_req_call()). */
struct vfs_req {
	struct vfs_mount *mnt;
	uint32_t seq;
	long (*op)(struct vfs_req *r);
	struct vfs_path *path, *path2;
	struct vfs_file *file;
	void *buf;
	size_t len;
	int64_t num;
	int flags;
	mode_t mode;
	void *out;
};

extern struct vfs_mount vfs_mounts[VFS_MOUNT_MAX];

/* path.c */
int vfs_path_normalize(const char *cwd, const char *path, char *out, size_t size, bool *must_dir);
/* The working directory into @buf (PATH_MAX bytes). */
void vfs_cwd_get(char *buf);
int vfs_cwd_set(const char *abs);

/* mount.c */
/* Normalise @path and find its mount: 0, -ENOENT (no file system there), -ENAMETOOLONG. */
int vfs_resolve(const char *path, struct vfs_path *p);
/* Run @r->op on @r->mnt's CPU under its lock; retries a mount that went away. */
long vfs_req_call(struct vfs_req *r);
/* Seqlock write side and read side, for the table and the cwd (CPU 0 writes). */
void vfs_seq_write_begin(uint32_t *seq);
void vfs_seq_write_end(uint32_t *seq);
static inline bool vfs_mount_ro(const struct vfs_mount *m)
{
	return m->flags & MS_RDONLY;
}

/* file.c: open nodes of a mount (owner CPU, under its lock). */
int vfs_inode_get(struct vfs_mount *m, const struct vfs_node *node, const char *path,
		  struct vfs_inode **out);
void vfs_inode_put(struct vfs_mount *m, struct vfs_inode *ino);
struct vfs_inode *vfs_inode_find(struct vfs_mount *m, uint64_t id);
/* True if @path (relative) is open, or a directory above an open file. */
bool vfs_path_busy(struct vfs_mount *m, const char *path);
/* Open @path into @f (O_ flags); the owner-CPU part of open() and opendir(). */
int vfs_file_open(struct vfs_path *p, int flags, mode_t mode, struct vfs_file *f);
int vfs_file_close(struct vfs_file *f);
/* Drop every open node of @m (forced unmount at shutdown). */
void vfs_inodes_drop(struct vfs_mount *m);

/* Kernel-only services the portable code calls (fs/vfs/root.c, or the host glue). */
/* The block device @name and the CPU that owns its disk: 0 or -ENOENT. */
int vfs_blkdev_find(const char *name, struct blkdev **out, unsigned int *cpu);
void vfs_console_write(const char *s, size_t n);

/* The kernel-side calls behind <toro/fs.h> (posix.c turns -Exxx into errno). */
int vfs_open(const char *path, int flags, mode_t mode);
int vfs_close(int fd);
ssize_t vfs_read(int fd, void *buf, size_t count);
ssize_t vfs_write(int fd, const void *buf, size_t count);
off_t vfs_lseek(int fd, off_t offset, int whence);
int vfs_fstat(int fd, struct stat *st);
int vfs_ftruncate(int fd, off_t length);
int vfs_fsync(int fd);
int vfs_stat(const char *path, struct stat *st);
int vfs_truncate(const char *path, off_t length);
int vfs_mkdir(const char *path, mode_t mode);
int vfs_rmdir(const char *path);
int vfs_unlink(const char *path);
int vfs_rename(const char *from, const char *to);
int vfs_chdir(const char *path);
int vfs_getcwd(char *buf, size_t size);
int vfs_statfs(const char *path, struct statfs *st);
int vfs_opendir(const char *path, struct vfs_dir **out);
int vfs_readdir(struct vfs_dir *dir, struct dirent **out);
int vfs_closedir(struct vfs_dir *dir);
int vfs_mount_get(unsigned int index, struct mount_entry *out);

#endif /* FS_VFS_PRIV_H */
