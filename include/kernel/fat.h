/* SPDX-License-Identifier: MIT */
/*
 * fat.h - the FAT16 file-system library (fs/fat/): mount a struct blkdev, then look up,
 * read, write and change files by path or through a struct fat_node handle.
 *
 * Portable: it reads and writes only through the blkdev's ops and allocates with
 * malloc(), so host unit tests run it against an image file. It keeps no clock: times
 * come from the mount options' now() callback.
 *
 *	struct fat_fs *fs;
 *	struct fat_node node;
 *	fat_mount(dev, NULL, &fs);
 *	fat_lookup(fs, "/dir/A long name.txt", &node);
 *	fat_read(fs, &node, 0, buf, sizeof(buf));
 *	fat_unmount(fs);
 *
 * Not thread safe: one caller at a time per mounted volume (the VFS serialises).
 * A node stays valid until its file is unlinked or renamed. Every call returns 0
 * (or a byte count) on success and a negative errno on failure: -EINVAL for a volume
 * that is not a valid FAT, -EOPNOTSUPP for FAT12 and FAT32, -EIO for damage found
 * in the FAT or a directory, -ENOSPC when the volume is full.
 */
#ifndef KERNEL_FAT_H
#define KERNEL_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/blkdev.h>

struct fat_fs;

/* A calendar time, as FAT stores it (years 1980..2107, two-second resolution). */
struct fat_time {
	uint16_t year;
	uint8_t month;	/* 1..12 */
	uint8_t day;	/* 1..31 */
	uint8_t hour;	/* 0..23 */
	uint8_t minute; /* 0..59 */
	uint8_t second; /* 0..59 */
};

struct fat_mount_opts {
	/* Fills @out with the current time; NULL stamps FAT_DEFAULT_TIME. */
	void (*now)(void *arg, struct fat_time *out);
	void *now_arg;
	bool read_only; /* also implied by dev->read_only */
};

/* The time written when the mount options give no clock: 2000-01-01 00:00:00. */
#define FAT_DEFAULT_YEAR 2000

/* Longest name in bytes of UTF-8 (255 UCS-2 characters, each at most 3 bytes). */
#define FAT_NAME_BYTES_MAX (255 * 3)

/* A file or directory. Filled by fat_lookup()/fat_create(); the caller owns it. */
struct fat_node {
	uint32_t first_cluster; /* 0 for an empty file and for the root directory */
	uint32_t size;		/* bytes; 0 for directories */
	uint8_t attr;		/* FAT attribute bits */
	bool is_root;
	/* Where its 8.3 entry lives: the parent's first cluster (0: the root region). */
	uint32_t parent_cluster;
	uint32_t entry_index; /* of the 8.3 entry in the parent */
	uint32_t first_slot;  /* of its first long-name entry (== entry_index if none) */
	/* Seek hint: cluster number of the file's hint_index-th cluster (0: none). */
	uint32_t hint_index;
	uint32_t hint_cluster;
};

struct fat_stat {
	uint32_t size;
	bool is_dir;
	uint8_t attr;
	struct fat_time mtime;
	struct fat_time ctime;
};

struct fat_statfs {
	uint32_t cluster_size; /* bytes */
	uint32_t clusters;     /* data clusters on the volume */
	uint32_t free_clusters;
};

/*
 * fat_mount() - check the boot sector of @dev and load its FAT. @opts may be NULL.
 * Returns 0 and *@out, or -EINVAL (not a FAT volume, bad BPB), -EOPNOTSUPP (FAT12 or
 * FAT32), -EIO (read error), -ENOMEM. Mounting never writes to @dev.
 */
int fat_mount(struct blkdev *dev, const struct fat_mount_opts *opts, struct fat_fs **out);

/** fat_sync() - write what is pending (the FAT, to every copy). Returns 0 or -EIO. */
int fat_sync(struct fat_fs *fs);

/** fat_unmount() - sync, flush the device and free @fs. Returns the sync's result. */
int fat_unmount(struct fat_fs *fs);

/** fat_statfs() - sizes and free space. Returns 0. */
int fat_statfs(struct fat_fs *fs, struct fat_statfs *out);

/**
 * fat_lookup() - find @path ('/'-separated, from the root; "." and ".." allowed; case
 * insensitive, long or 8.3 names). Returns 0 and *@node, -ENOENT, -ENOTDIR, -EIO.
 */
int fat_lookup(struct fat_fs *fs, const char *path, struct fat_node *node);

/** fat_stat() - fill @out for @node. Returns 0 or -EIO. */
int fat_stat(struct fat_fs *fs, const struct fat_node *node, struct fat_stat *out);

/**
 * fat_read() - read up to @len bytes at @offset of file @node. Returns the byte count
 * (0 at or past the end), -EISDIR, -EIO.
 */
long fat_read(struct fat_fs *fs, struct fat_node *node, uint64_t offset, void *buf, size_t len);

/**
 * fat_write() - write @len bytes at @offset of file @node, growing it (a gap reads as
 * zeros). All or nothing: returns @len, or -ENOSPC (nothing changed), -EFBIG (past
 * 4 GiB - 1), -EISDIR, -EROFS, -EIO.
 */
long fat_write(struct fat_fs *fs, struct fat_node *node, uint64_t offset, const void *buf,
	       size_t len);

/** fat_truncate() - set the size of file @node, freeing or zero-filling. 0 or -Exxx. */
int fat_truncate(struct fat_fs *fs, struct fat_node *node, uint64_t size);

/*
 * Called by fat_readdir() for each entry but "." and "..", with its UTF-8 name (the
 * long name if it has a valid one). Return non-zero to stop.
 */
typedef int (*fat_filldir_t)(void *arg, const char *name, const struct fat_stat *st);

/** fat_readdir() - list directory @dir. Returns 0, the callback's non-zero, or -Exxx. */
int fat_readdir(struct fat_fs *fs, const struct fat_node *dir, fat_filldir_t fn, void *arg);

/**
 * fat_create() - create an empty file at @path; fills @node if not NULL. Returns 0,
 * -EEXIST, -ENOENT (no parent), -ENOTDIR, -EINVAL/-ENAMETOOLONG (bad name), -ENOSPC.
 */
int fat_create(struct fat_fs *fs, const char *path, struct fat_node *node);

/** fat_mkdir() - create directory @path with its "." and "..". Returns 0 or as fat_create. */
int fat_mkdir(struct fat_fs *fs, const char *path);

/** fat_unlink() - remove file @path and free its clusters. 0, -ENOENT, -EISDIR, -EIO. */
int fat_unlink(struct fat_fs *fs, const char *path);

/** fat_rmdir() - remove empty directory @path. 0, -ENOENT, -ENOTDIR, -ENOTEMPTY, -EBUSY. */
int fat_rmdir(struct fat_fs *fs, const char *path);

/**
 * fat_rename() - move @from to @to, within or across directories. An existing file at
 * @to is replaced by a file; an existing empty directory by a directory. Returns 0,
 * -ENOENT, -EEXIST, -EISDIR, -ENOTDIR, -ENOTEMPTY, -EINVAL (into itself), -ENOSPC.
 */
int fat_rename(struct fat_fs *fs, const char *from, const char *to);

#endif /* KERNEL_FAT_H */
