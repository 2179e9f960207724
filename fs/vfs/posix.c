// SPDX-License-Identifier: MIT
/*
 * posix.c - <toro/fs.h>: the POSIX calls under their usual names. Each calls its vfs_
 * twin (which returns -Exxx) and turns a failure into -1 (or NULL) with errno set.
 */
#include <stdarg.h>
#include <toro/errno.h>
#include <toro/fs.h>

#include "vfs_priv.h"

/* A vfs_ result as POSIX returns it. */
static long posix_ret(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)posix_ret(vfs_open(path, flags, mode));
}

int close(int fd)
{
	return (int)posix_ret(vfs_close(fd));
}

ssize_t read(int fd, void *buf, size_t count)
{
	return posix_ret(vfs_read(fd, buf, count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	return posix_ret(vfs_write(fd, buf, count));
}

off_t lseek(int fd, off_t offset, int whence)
{
	return posix_ret(vfs_lseek(fd, offset, whence));
}

int stat(const char *path, struct stat *st)
{
	return (int)posix_ret(vfs_stat(path, st));
}

int fstat(int fd, struct stat *st)
{
	return (int)posix_ret(vfs_fstat(fd, st));
}

int truncate(const char *path, off_t length)
{
	return (int)posix_ret(vfs_truncate(path, length));
}

int ftruncate(int fd, off_t length)
{
	return (int)posix_ret(vfs_ftruncate(fd, length));
}

int fsync(int fd)
{
	return (int)posix_ret(vfs_fsync(fd));
}

void sync(void)
{
	vfs_sync_all();
}

int mkdir(const char *path, mode_t mode)
{
	return (int)posix_ret(vfs_mkdir(path, mode));
}

int rmdir(const char *path)
{
	return (int)posix_ret(vfs_rmdir(path));
}

int unlink(const char *path)
{
	return (int)posix_ret(vfs_unlink(path));
}

int rename(const char *from, const char *to)
{
	return (int)posix_ret(vfs_rename(from, to));
}

int chdir(const char *path)
{
	return (int)posix_ret(vfs_chdir(path));
}

char *getcwd(char *buf, size_t size)
{
	return posix_ret(vfs_getcwd(buf, size)) ? NULL : buf;
}

DIR *opendir(const char *path)
{
	struct vfs_dir *dir;

	return posix_ret(vfs_opendir(path, &dir)) ? NULL : dir;
}

struct dirent *readdir(DIR *dir)
{
	struct dirent *d;

	return posix_ret(vfs_readdir(dir, &d)) ? NULL : d;
}

int closedir(DIR *dir)
{
	return (int)posix_ret(vfs_closedir(dir));
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	  const void *data)
{
	return (int)posix_ret(vfs_mount(source, target, fstype, flags, data));
}

int umount(const char *target)
{
	return (int)posix_ret(vfs_umount(target));
}

int statfs(const char *path, struct statfs *st)
{
	return (int)posix_ret(vfs_statfs(path, st));
}

int mount_get(unsigned int index, struct mount_entry *out)
{
	return (int)posix_ret(out ? vfs_mount_get(index, out) : -EFAULT);
}
