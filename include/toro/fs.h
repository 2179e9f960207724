/* SPDX-License-Identifier: MIT */
/*
 * <toro/fs.h> - files for applications: the POSIX calls under their usual names,
 * implemented by the VFS (fs/vfs/). Paths are absolute or relative to the working
 * directory ("/" at boot); "." and ".." are walked; there are no symbolic links.
 *
 * Every call that returns int or ssize_t returns -1 and sets errno (<toro/errno.h>)
 * on failure, as POSIX does; errno is per thread. File descriptors are shared by all
 * threads on all CPUs. A call may run on another CPU: the CPU that owns the disk
 * (blk_dedicate()) does the file system's work and the caller blocks until it is done.
 *
 *	int fd = open("/data/log.txt", O_WRONLY | O_CREAT | O_APPEND, 0644);
 *	write(fd, "hello\n", 6);
 *	close(fd);
 *
 * The root file system is mounted at boot from the command line (root=vda1
 * rootfstype=ext2, defaults from Kconfig); mount() adds more. When main() returns,
 * every file system is synced and unmounted before the machine stops.
 */
#ifndef TORO_FS_H
#define TORO_FS_H

#include <stddef.h>
#include <stdint.h>
#include <toro/errno.h>

typedef long ssize_t;
typedef int64_t off_t;
typedef uint32_t mode_t;
typedef uint64_t ino_t;

/* open() flags, the Linux x86-64 values. */
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_ACCMODE 03
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_DIRECTORY 0200000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* st_mode: the file type bits and the permission bits, as ext2 and Linux store them. */
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)

/* The most bytes of a path, with its NUL; the most bytes of one name. */
#define PATH_MAX 1024
#define NAME_MAX 255

struct stat {
	ino_t st_ino;
	mode_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	off_t st_size;
	uint64_t st_blocks;  /* 512-byte units */
	uint32_t st_blksize; /* the file system's block (or cluster) size */
	int64_t st_atime;    /* seconds since 1970-01-01 UTC */
	int64_t st_mtime;
	int64_t st_ctime;
};

/* Open a file; @mode (permissions for O_CREAT) follows @flags. Returns an fd >= 0. */
int open(const char *path, int flags, ...);
int close(int fd);
ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
off_t lseek(int fd, off_t offset, int whence);
int stat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int truncate(const char *path, off_t length);
int ftruncate(int fd, off_t length);
/* Write back the file's data and the file system's metadata, then flush the disk. */
int fsync(int fd);
/* Write back every mounted file system. */
void sync(void);

int mkdir(const char *path, mode_t mode);
int rmdir(const char *path);
int unlink(const char *path);
/* Move @from to @to on the same file system (EXDEV across mounts). */
int rename(const char *from, const char *to);

int chdir(const char *path);
/* The working directory into @buf of @size bytes; returns @buf, or NULL (ERANGE). */
char *getcwd(char *buf, size_t size);

/* Directories. d_type is DT_REG, DT_DIR, DT_LNK or DT_UNKNOWN. */
#define DT_UNKNOWN 0
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

struct dirent {
	ino_t d_ino;
	unsigned char d_type;
	char d_name[NAME_MAX * 3 + 1]; /* UTF-8: FAT long names may take 3 bytes a character */
};

typedef struct vfs_dir DIR;

DIR *opendir(const char *path);
/* The next entry ("." and ".." included where the file system stores them), or NULL. */
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);

/* Mounting. @source is a block device name ("vda1", "hda") or "none"/"initrd". */
#define MS_RDONLY 1

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	  const void *data);
/* Sync and detach the file system at @target; EBUSY while files are open on it. */
int umount(const char *target);

struct statfs {
	char f_fstype[16];  /* "ext2", "vfat", "initrd" */
	uint32_t f_bsize;   /* block or cluster size, bytes */
	uint64_t f_blocks;  /* in f_bsize units */
	uint64_t f_bfree;
	uint64_t f_files;   /* inodes (0 where the file system has none) */
	uint64_t f_ffree;
	unsigned long f_flags; /* MS_RDONLY */
};

int statfs(const char *path, struct statfs *st);

/* The @index-th mount (0, 1, ...): what, where, which type. -1/EINVAL past the last. */
struct mount_entry {
	char source[16];
	char target[PATH_MAX];
	char fstype[16];
	unsigned long flags;
};

int mount_get(unsigned int index, struct mount_entry *out);

#endif /* TORO_FS_H */
