// SPDX-License-Identifier: MIT
/*
 * test_vfs.c - the VFS (fs/vfs) with its POSIX calls, over the ext2 and FAT16 libraries
 * on images made by mke2fs -d and mkfs.fat + mcopy (xcall is a direct call here).
 *
 * Mount an ext2 root and a FAT16 disk on /mnt; create, write, append, truncate, seek,
 * rename, remove files and directories, list directories larger than a readdir batch;
 * check errno of each misuse (ENOENT, EEXIST, EISDIR, ENOTDIR, EBADF, EMFILE, EXDEV,
 * EBUSY, EROFS, ENODEV, EINVAL, ENAMETOOLONG ...); unmount everything; then e2fsck -fn
 * and fsck.fat -n must be clean and debugfs/mtype must read what was written.
 */
#include "harness.h"
#include "../ext2/ext2_image.h"
#include "vfs_host.h"

#include <stdlib.h>

#include "host_rename.h"
#define VFS_HOST_RENAME
#include "vfs_rename.h"
#include <kernel/vfs.h>
#include <toro/fs.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

#define MANY 30

static char ext2_img[512], fat_img[512];
static struct blkdev ext2_dev, fat_dev;

/* A call that must fail with @err (errno set, -1 returned). */
#define CHECK_ERRNO(call, err)                                                                     \
	do {                                                                                       \
		errno = 0;                                                                         \
		long ret_ = (long)(call);                                                          \
		harness_check(ret_ == -1 && errno == (err), __FILE__, __LINE__,                    \
			      "%s: got %ld errno %d, want %s (%d)", #call, ret_, errno, #err,      \
			      err);                                                                \
	} while (0)

static void make_images(void)
{
	const char *dir = image_tmpdir();
	char path[600];

	snprintf(path, sizeof(path), "%s/src/etc/motd", dir);
	image_put_file(path, "from the host\n", 14);
	snprintf(ext2_img, sizeof(ext2_img), "%s/root.img", dir);
	snprintf(fat_img, sizeof(fat_img), "%s/fat.img", dir);
	CHECK_EQ(image_run("mke2fs -q -F -t ext2 -b 1024 -d '%s/src' '%s' 4M", dir, ext2_img), 0);
	CHECK_EQ(image_run("mkfs.fat -F 16 -C '%s' 16384 >/dev/null", fat_img), 0);
	CHECK_EQ(image_run("mcopy -i '%s' '%s' ::/PRE.TXT", fat_img, path), 0);
	CHECK_EQ(image_open(&ext2_dev, ext2_img), 0);
	CHECK_EQ(image_open(&fat_dev, fat_img), 0);
	snprintf(ext2_dev.name, sizeof(ext2_dev.name), "vda");
	snprintf(fat_dev.name, sizeof(fat_dev.name), "vdb");
	vfs_host_add_dev(&ext2_dev);
	vfs_host_add_dev(&fat_dev);
}

static int put(const char *path, const char *data, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	ssize_t n = fd < 0 ? -1 : write(fd, data, strlen(data));

	if (fd >= 0) {
		close(fd);
	}
	return n == (ssize_t)strlen(data) ? 0 : -1;
}

static void check_content(const char *path, const char *want, int line)
{
	char buf[256] = {0};
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0) {
		close(fd);
	}
	harness_check(n == (ssize_t)strlen(want) && strcmp(buf, want) == 0, __FILE__, line,
		      "%s holds \"%s\" (%zd), want \"%s\"", path, buf, n, want);
}
#define CHECK_CONTENT(path, want) check_content(path, want, __LINE__)

static int count_entries(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *d;
	int n = 0;

	if (!dir) {
		return -1;
	}
	while ((d = readdir(dir))) {
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
			n++;
		}
	}
	closedir(dir);
	return n;
}

static void test_no_root(void)
{
	struct stat st;
	struct mount_entry me;
	char cwd[8];

	CHECK_ERRNO(stat("/", &st), ENOENT);
	CHECK_ERRNO(open("/x", O_RDONLY), ENOENT);
	CHECK_ERRNO(mount("vdb", "/mnt", "vfat", 0, NULL), ENOENT);
	CHECK_ERRNO(mount_get(0, &me), EINVAL);
	CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0);
	CHECK_ERRNO(mount("vdb", "/", "nofs", 0, NULL), ENODEV);
	CHECK_ERRNO(mount("vdq", "/", "ext2", 0, NULL), ENOENT);
	CHECK_ERRNO(mount("vdb", "/", "ext2", 0, NULL), EINVAL); /* FAT is not ext2 */
	CHECK_EQ(mount("vda", "/", "ext2", 0, NULL), 0);
	CHECK_ERRNO(mount("vda", "/", "ext2", 0, NULL), EBUSY);
	CHECK(mount_get(0, &me) == 0 && strcmp(me.target, "/") == 0 &&
	      strcmp(me.fstype, "ext2") == 0 && strcmp(me.source, "vda") == 0);
}

static void test_files(void)
{
	char buf[64];
	struct stat st;
	int fd, fd2;

	CHECK_CONTENT("/etc/motd", "from the host\n");
	CHECK_EQ(mkdir("/d", 0755), 0);
	CHECK_ERRNO(mkdir("/d", 0755), EEXIST);
	CHECK_ERRNO(mkdir("/", 0755), EEXIST);
	CHECK_EQ(put("/d/a", "one\n", O_EXCL), 0);
	CHECK_ERRNO(open("/d/a", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_EQ(put("/d/a", "two\n", O_APPEND), 0);
	CHECK_CONTENT("/d/a", "one\ntwo\n");
	CHECK_EQ(put("/d/a", "new", O_TRUNC), 0);
	CHECK_CONTENT("/d/a", "new");

	/* Two descriptors on one file share its node: sizes stay right. */
	fd = open("/d/a", O_RDWR);
	fd2 = open("/d/a", O_WRONLY | O_APPEND);
	CHECK(fd >= 3 && fd2 >= 3 && fd != fd2);
	CHECK_EQ(write(fd2, "+app", 4), 4);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 7);
	CHECK_EQ(lseek(fd, 10, SEEK_SET), 10);
	CHECK_EQ(write(fd, "X", 1), 1); /* a hole of 3 bytes */
	CHECK(fstat(fd2, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 11);
	CHECK_MEMEQ(buf, "new+app\0\0\0X", 11);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	CHECK_ERRNO(lseek(fd, 0, 7), EINVAL);
	CHECK_ERRNO(read(fd2, buf, 1), EBADF);
	CHECK_EQ(ftruncate(fd, 3), 0);
	CHECK_EQ(fsync(fd), 0);
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(close(fd2), 0);
	CHECK_ERRNO(close(fd2), EBADF);
	CHECK_CONTENT("/d/a", "new");

	CHECK_EQ(rename("/d/a", "/d/b"), 0);
	CHECK_ERRNO(stat("/d/a", &st), ENOENT);
	CHECK_EQ(truncate("/d/b", 2), 0);
	CHECK_CONTENT("/d/b", "ne");
	CHECK_ERRNO(truncate("/d", 0), EISDIR);
	CHECK_ERRNO(truncate("/d/b", -1), EINVAL);
}

static void test_errors(void)
{
	char name[NAME_MAX + 3];
	int fds[CONFIG_MAX_OPEN_FILES];
	int fd, n = 0;

	CHECK_ERRNO(open("/nope", O_RDONLY), ENOENT);
	CHECK_ERRNO(open("/no/dir/f", O_WRONLY | O_CREAT, 0644), ENOENT);
	CHECK_ERRNO(open("/d", O_RDWR), EISDIR);
	CHECK_ERRNO(open("/d", O_RDONLY | O_CREAT, 0644), EISDIR);
	CHECK_ERRNO(open("/d/b/", O_RDONLY), ENOTDIR);
	CHECK_ERRNO(open("/d/b/x", O_RDONLY), ENOTDIR);
	CHECK_ERRNO(open("/d/b", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERRNO(open("/d/new/", O_WRONLY | O_CREAT, 0644), EISDIR);
	CHECK_ERRNO(open("/d/b", O_ACCMODE), EINVAL);
	CHECK_ERRNO(read(-1, name, 1), EBADF);
	CHECK_ERRNO(read(CONFIG_MAX_OPEN_FILES, name, 1), EBADF);
	CHECK_ERRNO(write(5, name, 1), EBADF);
	CHECK_ERRNO(fstat(9, NULL), EBADF);
	CHECK_ERRNO(rmdir("/d"), ENOTEMPTY);
	CHECK_ERRNO(rmdir("/d/b"), ENOTDIR);
	CHECK_ERRNO(rmdir("/"), EBUSY);
	CHECK_ERRNO(unlink("/d"), EISDIR);
	CHECK_ERRNO(unlink("/nope"), ENOENT);
	CHECK_ERRNO(rename("/nope", "/x"), ENOENT);
	CHECK_ERRNO(rename("/", "/x"), EBUSY);
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[sizeof(name) - 1] = '\0';
	CHECK_ERRNO(open(name, O_RDONLY), ENAMETOOLONG);
	CHECK_ERRNO(mkdir(name, 0755), ENAMETOOLONG);

	/* Open files and directories above them cannot go away. */
	fd = open("/d/b", O_RDONLY);
	CHECK_ERRNO(unlink("/d/b"), EBUSY);
	CHECK_ERRNO(rename("/d/b", "/d/c"), EBUSY);
	CHECK_ERRNO(rename("/d", "/e"), EBUSY);
	CHECK_ERRNO(write(fd, "x", 1), EBADF);
	CHECK_ERRNO(ftruncate(fd, 0), EINVAL);
	close(fd);

	/* The table is full after CONFIG_MAX_OPEN_FILES - 3 files (0..2 are the console's). */
	while ((fd = open("/d/b", O_RDONLY)) >= 0) {
		fds[n++] = fd;
	}
	CHECK_EQ(errno, EMFILE);
	CHECK_EQ(n, CONFIG_MAX_OPEN_FILES - 3);
	while (n > 0) {
		close(fds[--n]);
	}
}

static void test_dirs_and_cwd(void)
{
	char path[64], cwd[PATH_MAX];
	struct stat st;

	CHECK_EQ(mkdir("/many", 0755), 0);
	for (int i = 0; i < MANY; i++) {
		snprintf(path, sizeof(path), "/many/file-%02d", i);
		CHECK_EQ(put(path, "x", 0), 0);
	}
	CHECK_EQ(count_entries("/many"), MANY);
	CHECK_EQ(chdir("/many"), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/many") == 0);
	CHECK(stat("file-07", &st) == 0 && st.st_size == 1);
	CHECK(stat("../d/./b", &st) == 0 && st.st_size == 2);
	CHECK_ERRNO(chdir("file-07"), ENOTDIR);
	CHECK(getcwd(cwd, 3) == NULL && errno == ERANGE);
	for (int i = 0; i < MANY; i++) {
		snprintf(path, sizeof(path), "file-%02d", i);
		CHECK_EQ(unlink(path), 0);
	}
	CHECK_EQ(chdir(".."), 0);
	CHECK_EQ(rmdir("many"), 0);
	CHECK_EQ(count_entries("/many"), -1);
	CHECK_EQ(errno, ENOENT);
}

static void test_fat_mount(void)
{
	struct statfs sfs;
	struct stat st;
	char path[64];
	int fd;

	CHECK_EQ(mkdir("/mnt", 0755), 0);
	CHECK_ERRNO(mount("vdb", "/d/b", "vfat", 0, NULL), ENOTDIR);
	CHECK_EQ(mount("vdb", "/mnt", "vfat", MS_RDONLY, NULL), 0);
	CHECK_ERRNO(open("/mnt/x", O_WRONLY | O_CREAT, 0644), EROFS);
	CHECK_ERRNO(open("/mnt/PRE.TXT", O_WRONLY), EROFS);
	CHECK_ERRNO(mkdir("/mnt/x", 0755), EROFS);
	CHECK_ERRNO(unlink("/mnt/PRE.TXT"), EROFS);
	CHECK_EQ(umount("/mnt"), 0);
	CHECK_ERRNO(umount("/mnt"), EINVAL);

	CHECK_EQ(mount("vdb", "/mnt", "vfat", 0, NULL), 0);
	CHECK(statfs("/mnt", &sfs) == 0 && strcmp(sfs.f_fstype, "vfat") == 0 &&
	      sfs.f_bsize >= 512 && sfs.f_bfree > 0 && !(sfs.f_flags & MS_RDONLY));
	CHECK(statfs("/", &sfs) == 0 && strcmp(sfs.f_fstype, "ext2") == 0 && sfs.f_files > 0);
	CHECK_CONTENT("/mnt/pre.txt", "from the host\n"); /* FAT names are case-blind */
	CHECK_EQ(put("/mnt/A long name.txt", "fat!\n", O_EXCL), 0);
	CHECK_EQ(mkdir("/mnt/sub", 0755), 0);
	for (int i = 0; i < MANY; i++) {
		snprintf(path, sizeof(path), "/mnt/sub/entry number %d", i);
		CHECK_EQ(put(path, "y", 0), 0);
	}
	CHECK_EQ(count_entries("/mnt/sub"), MANY);
	CHECK_EQ(put("/mnt/sub/entry number 3", "more", O_APPEND), 0);
	CHECK(stat("/mnt/sub/entry number 3", &st) == 0 && st.st_size == 5 && st.st_mtime > 0);
	CHECK_ERRNO(rename("/mnt/sub/entry number 3", "/d/x"), EXDEV);
	CHECK_EQ(rename("/mnt/sub/entry number 3", "/mnt/moved.txt"), 0);
	CHECK_CONTENT("/mnt/moved.txt", "ymore");
	CHECK_ERRNO(rmdir("/mnt"), EBUSY);
	CHECK_ERRNO(rename("/d", "/mnt/d"), EXDEV);

	/* Shared node on FAT: the append through one fd is seen by the other's size. */
	fd = open("/mnt/moved.txt", O_RDWR);
	CHECK_EQ(put("/mnt/moved.txt", "!", O_APPEND), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 6);
	CHECK_ERRNO(umount("/mnt"), EBUSY);
	CHECK_ERRNO(umount("/"), EBUSY);
	close(fd);
	CHECK_EQ(umount("/mnt"), 0);
	CHECK_EQ(mount("vdb", "/mnt", "vfat", 0, NULL), 0);
	CHECK_CONTENT("/mnt/MOVED.TXT", "ymore!");
}

static void check_images(void)
{
	const char *dir = image_tmpdir();

	CHECK_EQ(
		image_run(
			"e2fsck -fn '%s' >'%s/e2fsck.log' 2>&1 || { cat '%s/e2fsck.log'; exit 1; }",
			ext2_img, dir, dir),
		0);
	CHECK_EQ(image_run("fsck.fat -n '%s' >'%s/fsck.log' 2>&1 || { cat '%s/fsck.log'; exit 1; }",
			   fat_img, dir, dir),
		 0);
	CHECK_EQ(image_run("test \"$(debugfs -R 'cat /d/b' '%s' 2>/dev/null)\" = ne", ext2_img), 0);
	CHECK_EQ(image_run("test \"$(mtype -i '%s' '::/A long name.txt')\" = 'fat!'", fat_img), 0);
	CHECK_EQ(image_run("test \"$(mtype -i '%s' ::/moved.txt)\" = 'ymore!'", fat_img), 0);
	CHECK_EQ(image_run("mdir -i '%s' ::/sub | grep -q 'entry number 29'", fat_img), 0);
}

int main(void)
{
	image_quiet_log = 1;
	make_images();
	test_no_root();
	test_files();
	test_errors();
	test_dirs_and_cwd();
	test_fat_mount();
	CHECK_EQ(vfs_umount_all(), 0);
	CHECK_EQ(vfs_host_cache_opens, 0);
	CHECK_EQ(vfs_host_lock_errors, 0);
	image_close(&ext2_dev);
	image_close(&fat_dev);
	check_images();
	image_cleanup();
	return harness_report();
}
