/* SPDX-License-Identifier: MIT */
/*
 * ext2.h - the ext2 file system library (fs/ext2/): a handle-based API over a struct
 * blkdev. Portable: it never touches hardware, so host unit tests run it on an image file.
 *
 * Call order: ext2_mount() (or ext2_mount_opts() with a clock), then any of the calls below
 * with the handle, then
 * ext2_unmount(), which writes everything back and marks the volume clean. While mounted
 * read-write the superblock says "not clean", as Linux does. Paths are absolute or
 * relative to the root ('/'-separated; "." and ".." are walked). Inode numbers from
 * ext2_lookup()/ext2_create() name files for read, write, stat, readdir and truncate.
 * Every call returns 0 (or a count) or -Exxx. Not thread-safe: one caller at a time.
 */
#ifndef KERNEL_EXT2_H
#define KERNEL_EXT2_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/blkdev.h>

struct ext2_fs;

/* ext2_mount() flags */
#define EXT2_MOUNT_RDONLY 0x1

/*
 * The library keeps no clock: the times it stamps (inode a/m/c/dtime, superblock
 * s_mtime/s_wtime) come from @now, in seconds since 1970-01-01 UTC, as ext2 stores them
 * (32 bits). With @now NULL nothing is stamped: new inodes get 0 (1970) and existing
 * times are left as they are.
 */
struct ext2_mount_opts {
	unsigned int flags; /* EXT2_MOUNT_xxx */
	uint32_t (*now)(void *arg);
	void *now_arg;
};

struct ext2_stat {
	uint32_t ino;
	uint16_t mode; /* S_IFxxx | permissions, as on disk */
	uint16_t links;
	uint16_t uid;
	uint16_t gid;
	uint64_t size;
	uint64_t blocks; /* 512-byte units, indirect blocks included */
	uint32_t atime;
	uint32_t mtime;
	uint32_t ctime;
};

/*
 * Called by ext2_readdir() for each entry; @type is an EXT2_FT_ value (0 if unknown).
 * Return non-zero to stop the walk.
 */
typedef int (*ext2_filldir_t)(void *ctx, const char *name, size_t name_len, uint32_t ino,
			      unsigned int type);

/**
 * ext2_mount() - check the superblock and group descriptors of @dev and open it.
 * A volume with unknown RO_COMPAT features, or on a read-only device, is mounted
 * read-only. Returns 0 and *@out, -EINVAL for a volume that is not (valid) ext2 or uses
 * an INCOMPAT feature Toro does not implement, -EIO, or -ENOMEM.
 */
int ext2_mount(struct blkdev *dev, unsigned int flags, struct ext2_fs **out);

/**
 * ext2_mount_opts() - ext2_mount() with @opts (flags and the clock; @opts NULL: neither).
 * A read-write mount stamps s_mtime; every superblock write stamps s_wtime.
 */
int ext2_mount_opts(struct blkdev *dev, const struct ext2_mount_opts *opts, struct ext2_fs **out);

/** ext2_unmount() - sync, mark the volume clean, free @fs. Returns 0 or -EIO. */
int ext2_unmount(struct ext2_fs *fs);

/** ext2_sync() - write the superblock and group descriptors, flush the device. 0 or -EIO. */
int ext2_sync(struct ext2_fs *fs);

/** ext2_is_read_only() - true if @fs was mounted (or fell back to) read-only. */
int ext2_is_read_only(const struct ext2_fs *fs);

/** ext2_lookup() - walk @path. Returns the inode number (> 0) or -ENOENT/-ENOTDIR/-EIO... */
long ext2_lookup(struct ext2_fs *fs, const char *path);

/** ext2_stat() - fill @st for inode @ino. Returns 0 or -EINVAL/-EIO. */
int ext2_stat(struct ext2_fs *fs, uint32_t ino, struct ext2_stat *st);

/** ext2_read() - read up to @len bytes at @offset. Returns the bytes read (0 at end). */
long ext2_read(struct ext2_fs *fs, uint32_t ino, uint64_t offset, void *buf, size_t len);

/**
 * ext2_write() - write @len bytes at @offset, allocating blocks (holes stay holes).
 * Returns the bytes written, or -ENOSPC/-EFBIG/-EISDIR/-EROFS/-EIO (nothing written).
 */
long ext2_write(struct ext2_fs *fs, uint32_t ino, uint64_t offset, const void *buf, size_t len);

/** ext2_truncate() - set the size of regular file @ino, freeing blocks past it. */
int ext2_truncate(struct ext2_fs *fs, uint32_t ino, uint64_t size);

/**
 * ext2_readdir() - call @fill for entries of directory @ino from *@cookie (start at 0);
 * *@cookie is advanced past each entry given. Returns 0 at the end or when @fill stops it.
 */
int ext2_readdir(struct ext2_fs *fs, uint32_t ino, uint64_t *cookie, ext2_filldir_t fill,
		 void *ctx);

/** ext2_create() - make an empty regular file; returns its inode number or -EEXIST... */
long ext2_create(struct ext2_fs *fs, const char *path, uint16_t perm);

/** ext2_mkdir() - make a directory with "." and ".."; returns its inode number or -Exxx. */
long ext2_mkdir(struct ext2_fs *fs, const char *path, uint16_t perm);

/** ext2_unlink() - remove a name of a non-directory; frees it with its last link. */
int ext2_unlink(struct ext2_fs *fs, const char *path);

/** ext2_rmdir() - remove an empty directory. Returns 0 or -ENOTEMPTY/-ENOTDIR/-EBUSY... */
int ext2_rmdir(struct ext2_fs *fs, const char *path);

/**
 * ext2_rename() - move @from to @to, replacing a file (or an empty directory) there.
 * Returns 0, or -EINVAL when a directory would move into itself, -EISDIR/-ENOTDIR on a
 * kind mismatch, -ENOTEMPTY, -ENOSPC, -EIO.
 */
int ext2_rename(struct ext2_fs *fs, const char *from, const char *to);

#endif /* KERNEL_EXT2_H */
