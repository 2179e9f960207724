/* SPDX-License-Identifier: MIT */
/*
 * vfs.h - what a file system gives the VFS (fs/vfs/): a type registered in a linker
 * section, and a table of operations on one mounted instance.
 *
 *	static const struct vfs_fs_ops myfs_ops = { .mount = ..., .lookup = ..., ... };
 *	VFS_FS_TYPE(myfs, "myfs", VFS_FS_NODEV, &myfs_ops);
 *
 * The model is simple on purpose, to fit the ext2 and FAT16 libraries:
 *  - names are paths: every path an operation gets is absolute from the root of the
 *    mounted file system and already normalised by the VFS ("/", "/a", "/a/b": no ".",
 *    "..", repeated or trailing '/', each name at most NAME_MAX bytes);
 *  - open files are nodes: lookup() and create() fill a struct vfs_node (a type and
 *    mode, an identity, and NODE_PRIV bytes the file system keeps its handle in: an
 *    inode number, a struct fat_node); read/write/truncate/stat/readdir take that node.
 *    The VFS keeps one node per open file per mount, shared by every descriptor open on
 *    it (so a FAT node's size stays right), and refuses unlink, rmdir and rename of an
 *    open file or of a directory above one (EBUSY): a node never goes stale.
 *
 * Calling context: the VFS calls every operation of a mount on that mount's CPU (the
 * disk's owner CPU, blkdev.owner_cpu at mount time; CPU 0 without a disk), from a thread,
 * one at a time (a per-mount kmutex): operations may block on disk I/O and need no lock
 * of their own, but must not xcall() another CPU. They return 0 (or a count) or -Exxx,
 * the errno the application will see.
 */
#ifndef KERNEL_VFS_H
#define KERNEL_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/blkdev.h>
#include <toro/fs.h>

/* Bytes a file system may keep in a node (checked with static_assert by each one). */
#define VFS_NODE_PRIV 56

struct vfs_node {
	uint64_t id;   /* the file's identity on its mount (ext2: the inode number) */
	uint32_t mode; /* S_IFDIR or S_IFREG (| permission bits) */
	uint32_t pad;
	union {
		uint64_t u64;
		void *ptr;
		unsigned char bytes[VFS_NODE_PRIV];
	} priv;
};

/*
 * Called by readdir() for each entry, with @type a DT_ value. Returns 0 when it took the
 * entry, non-zero when it has no room: the file system then stops WITHOUT consuming that
 * entry, which the next readdir() call gives again.
 */
typedef int (*vfs_filldir_t)(void *ctx, const char *name, size_t name_len, uint64_t ino,
			     unsigned int type);

struct vfs_fs_ops {
	/*
	 * Mount the file system on @dev (NULL for a VFS_FS_NODEV type) with MS_ flags in
	 * *@flags, which it may add MS_RDONLY to (a read-only device or volume); @data is
	 * mount()'s last argument (may be NULL). Stores its handle in *@fs.
	 * Block file systems mount bcache_open(@dev), not @dev itself.
	 */
	int (*mount)(struct blkdev *dev, unsigned long *flags, const void *data, void **fs);
	/* Write everything back and free @fs (also on error: @fs is gone after). */
	int (*unmount)(void *fs);
	/* Write back the data and metadata of the whole file system and flush the disk. */
	int (*sync)(void *fs);
	/* Fill f_bsize, f_blocks, f_bfree, f_files, f_ffree (the VFS fills the rest). */
	int (*statfs)(void *fs, struct statfs *st);

	/* Fill @node for @path: 0, -ENOENT, -ENOTDIR, -EIO ... */
	int (*lookup)(void *fs, const char *path, struct vfs_node *node);
	/* Fill @st for @node (st_blksize too). */
	int (*stat)(void *fs, struct vfs_node *node, struct stat *st);
	/* Read up to @len bytes at @offset; returns the count, 0 at or past the end. */
	long (*read)(void *fs, struct vfs_node *node, uint64_t offset, void *buf, size_t len);
	/* Write @len bytes at @offset, growing the file; returns the count written. */
	long (*write)(void *fs, struct vfs_node *node, uint64_t offset, const void *buf,
		      size_t len);
	int (*truncate)(void *fs, struct vfs_node *node, uint64_t size);
	/*
	 * Give the entries of directory @dir from *@cookie (0 = the start) to @fill until
	 * it refuses one or the directory ends; advance *@cookie past each entry taken.
	 * Returns 0 (end or refused; the VFS tells them apart) or -Exxx.
	 */
	int (*readdir)(void *fs, struct vfs_node *dir, uint64_t *cookie, vfs_filldir_t fill,
		       void *ctx);

	/* Namespace changes; NULL in a read-only file system (the VFS answers -EROFS). */
	int (*create)(void *fs, const char *path, mode_t mode, struct vfs_node *node);
	int (*mkdir)(void *fs, const char *path, mode_t mode);
	int (*unlink)(void *fs, const char *path);
	int (*rmdir)(void *fs, const char *path);
	int (*rename)(void *fs, const char *from, const char *to);
};

/* vfs_fs_type.flags */
#define VFS_FS_NODEV 0x1 /* mounts without a block device ("none", "initrd") */
#define VFS_FS_BLOCK 0x0 /* mounts a struct blkdev named by mount()'s source */

struct vfs_fs_type {
	const char *name; /* mount()'s fstype, f_fstype: "ext2", "vfat", "initrd" */
	unsigned int flags;
	const struct vfs_fs_ops *ops;
};

/*
 * Register a file-system type (only built ones exist). The section name is a C
 * identifier so a host build's linker provides __start_/__stop_vfs_fs_type by itself;
 * the kernel's linker script defines the same two symbols.
 */
#define VFS_FS_TYPE(var, fs_name, fs_flags, fs_ops)                                                \
	static const struct vfs_fs_type __vfs_fs_type_##var                                        \
		__attribute__((used, section("vfs_fs_type"), aligned(8))) = {                      \
			.name = (fs_name), .flags = (fs_flags), .ops = (fs_ops)}

/* The registered type named @name, or NULL. */
const struct vfs_fs_type *vfs_fs_type_find(const char *name);

/* Converts a DT_ value for file systems that only know the st_mode type bits. */
static inline unsigned int vfs_dtype_of_mode(uint32_t mode)
{
	return S_ISDIR(mode)   ? DT_DIR
	       : S_ISREG(mode) ? DT_REG
	       : S_ISLNK(mode) ? DT_LNK
			       : DT_UNKNOWN;
}

/*
 * Kernel-side calls (the app-facing ones are <toro/fs.h>): the same operations,
 * returning -Exxx instead of setting errno. Used by the POSIX wrappers and by kernel code.
 */
int vfs_mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	      const void *data);
int vfs_umount(const char *target);
/* Sync every mount; returns the first error. */
int vfs_sync_all(void);
/* Sync and unmount every mount, the root last (shutdown); returns the first error. */
int vfs_umount_all(void);

#endif /* KERNEL_VFS_H */
