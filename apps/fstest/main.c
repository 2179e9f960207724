// SPDX-License-Identifier: MIT
/*
 * fstest - exercises the file API of <toro/fs.h> in the guest; tests/boot/test_vfs.py
 * boots it with an ext2 root (vda) and a FAT16 disk (vdb), then checks both images
 * from the host (e2fsck -fn, debugfs, fsck.fat -n, mtype).
 *
 * Arguments (after `--`): mount=DEV:TYPE (the second disk, default vdb:vfat, mounted on
 * /mnt), threads=N (writers on as many CPUs as there are, default 2), only=root (skip the
 * second disk), ro (the root is read-only: check EROFS and nothing else). Each failed
 * check prints "fstest: FAIL ..."; the last line is "fstest: ok" (exit 0) or
 * "fstest: N failures" (exit 1).
 *
 * What it leaves for the host to read: on the root, /d/b.txt ("hello\nworld\n"),
 * /d/big.bin (BIG_FINAL bytes of pattern(1)), /t<i>.bin (THREAD_BYTES of pattern(10 + i));
 * on the second disk, "/Long File Name.txt" ("FAT says hi\n") and /sub/data.bin
 * (FAT_DATA_FINAL bytes of pattern(2)).
 */
#include <stdbool.h>
#include <toro/errno.h>
#include <toro/fs.h>
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/stdlib.h>
#include <toro/string.h>
#include <toro/thread.h>

#define BIG_BYTES (300 * 1024 + 123)
#define BIG_FINAL 100000
#define FAT_DATA_BYTES (50 * 1024 + 7)
#define FAT_DATA_FINAL 40000
#define THREAD_BYTES (64 * 1024)
#define THREAD_CHUNK 1000
#define THREADS_MAX 8

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("fstest: FAIL line %d: ", __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf(" (errno %d %s)\n", errno, strerror(errno));                        \
		}                                                                                  \
	} while (0)

/* A call that must fail with @err. */
#define CHECK_ERR(call, err)                                                                       \
	do {                                                                                       \
		errno = 0;                                                                         \
		long ret_ = (long)(call);                                                          \
		CHECK(ret_ == -1 && errno == (err), "%s: want %s, got %ld", #call, #err, ret_);    \
	} while (0)

/* Byte @i of pattern @seed (tests/boot/test_vfs.py computes the same). */
static unsigned char pattern(unsigned int seed, size_t i)
{
	return (unsigned char)((i * 7 + seed * 13) ^ (i >> 9));
}

static void fill(unsigned char *buf, size_t len, unsigned int seed, size_t offset)
{
	for (size_t i = 0; i < len; i++) {
		buf[i] = pattern(seed, offset + i);
	}
}

static int write_file(const char *path, const void *data, size_t len, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	ssize_t n;

	if (fd < 0) {
		return -1;
	}
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* Reads @path whole into @buf (@size bytes); returns its length or -1. */
static ssize_t read_file(const char *path, void *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0) {
		return -1;
	}
	while ((n = read(fd, (char *)buf + total, size - (size_t)total)) > 0) {
		total += n;
	}
	close(fd);
	return n < 0 ? -1 : total;
}

static bool check_pattern(const unsigned char *buf, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != pattern(seed, i)) {
			return false;
		}
	}
	return true;
}

static bool dir_has(const char *path, const char *name, unsigned char type)
{
	DIR *dir = opendir(path);
	struct dirent *d;
	bool found = false;

	if (!dir) {
		return false;
	}
	while ((d = readdir(dir))) {
		if (strcmp(d->d_name, name) == 0 && (type == DT_UNKNOWN || d->d_type == type)) {
			found = true;
		}
	}
	closedir(dir);
	return found;
}

static void test_files(unsigned char *buf)
{
	char small[64];
	struct stat st;
	int fd;

	CHECK(mkdir("/d", 0755) == 0, "mkdir /d");
	CHECK_ERR(mkdir("/d", 0755), EEXIST);
	CHECK(write_file("/d/a.txt", "hello\n", 6, O_EXCL) == 0, "create /d/a.txt");
	CHECK_ERR(open("/d/a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK(write_file("/d/a.txt", "world\n", 6, O_APPEND) == 0, "append");
	CHECK(read_file("/d/a.txt", small, sizeof(small)) == 12 &&
		      memcmp(small, "hello\nworld\n", 12) == 0,
	      "read back append");

	fill(buf, BIG_BYTES, 1, 0);
	fd = open("/d/big.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 3, "open big.bin: %d", fd);
	CHECK(write(fd, buf, 4096) == 4096, "write 4096");
	CHECK(write(fd, buf + 4096, BIG_BYTES - 4096) == BIG_BYTES - 4096, "write rest");
	CHECK(lseek(fd, 0, SEEK_CUR) == BIG_BYTES, "offset after writes");
	CHECK(lseek(fd, 5000, SEEK_SET) == 5000, "lseek");
	CHECK(read(fd, small, 10) == 10 && memcmp(small, buf + 5000, 10) == 0, "read at 5000");
	CHECK(lseek(fd, -10, SEEK_END) == BIG_BYTES - 10, "SEEK_END");
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK(ftruncate(fd, BIG_FINAL) == 0, "ftruncate");
	CHECK(fstat(fd, &st) == 0 && st.st_size == BIG_FINAL && S_ISREG(st.st_mode), "fstat size");
	CHECK(fsync(fd) == 0, "fsync");
	CHECK(close(fd) == 0, "close");
	CHECK_ERR(close(fd), EBADF);
	memset(buf, 0, BIG_BYTES);
	CHECK(read_file("/d/big.bin", buf, BIG_BYTES) == BIG_FINAL &&
		      check_pattern(buf, BIG_FINAL, 1),
	      "read big.bin back");

	CHECK(rename("/d/a.txt", "/d/b.txt") == 0, "rename");
	CHECK_ERR(stat("/d/a.txt", &st), ENOENT);
	CHECK(stat("/d/b.txt", &st) == 0 && st.st_size == 12, "stat b.txt");
	CHECK(dir_has("/d", "b.txt", DT_REG) && dir_has("/d", "big.bin", DT_REG) &&
		      dir_has("/", "d", DT_DIR) && !dir_has("/d", "a.txt", DT_UNKNOWN),
	      "readdir /d");
	CHECK(write_file("/d/gone", "x", 1, 0) == 0 && unlink("/d/gone") == 0, "unlink");
	CHECK(truncate("/d/b.txt", 12) == 0, "truncate (same size)");
}

static void test_errors(void)
{
	char name[NAME_MAX + 8];
	struct stat st;
	int fd;

	CHECK_ERR(open("/nonexistent", O_RDONLY), ENOENT);
	CHECK_ERR(open("/no/such/dir/file", O_WRONLY | O_CREAT, 0644), ENOENT);
	CHECK_ERR(open("/d", O_WRONLY), EISDIR);
	CHECK_ERR(open("/d/b.txt/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("/d/b.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(read(77, name, 1), EBADF);
	CHECK_ERR(write(-1, name, 1), EBADF);
	CHECK_ERR(close(12345), EBADF);
	CHECK_ERR(rmdir("/d"), ENOTEMPTY);
	CHECK_ERR(unlink("/d"), EISDIR);
	CHECK_ERR(rmdir("/d/b.txt"), ENOTDIR);
	errno = 0;
	CHECK(opendir("/d/b.txt") == NULL && errno == ENOTDIR, "opendir of a file");
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[sizeof(name) - 1] = '\0';
	CHECK_ERR(open(name, O_RDONLY), ENAMETOOLONG);
	CHECK_ERR(stat(name, &st), ENAMETOOLONG);

	fd = open("/d/b.txt", O_RDONLY);
	CHECK(fd >= 0, "open b.txt");
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK_ERR(ftruncate(fd, 0), EINVAL);
	CHECK_ERR(unlink("/d/b.txt"), EBUSY);
	CHECK_ERR(rename("/d/b.txt", "/d/c.txt"), EBUSY);
	CHECK_ERR(rename("/d", "/e"), EBUSY);
	close(fd);
	fd = open("/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "open a directory");
	CHECK_ERR(read(fd, name, 1), EISDIR);
	close(fd);
}

static void test_cwd(void)
{
	char cwd[PATH_MAX], small[16];
	struct stat st;

	CHECK(chdir("/d") == 0, "chdir /d");
	CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/d") == 0, "getcwd /d");
	CHECK(stat("b.txt", &st) == 0 && st.st_size == 12, "relative stat");
	CHECK(stat("./../d//b.txt", &st) == 0, "dots and slashes");
	CHECK_ERR(chdir("b.txt"), ENOTDIR);
	CHECK_ERR(chdir("/nowhere"), ENOENT);
	CHECK(getcwd(small, 2) == NULL && errno == ERANGE, "getcwd ERANGE");
	CHECK(chdir("..") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "chdir ..");
}

static void test_second_disk(const char *dev, const char *type, unsigned char *buf)
{
	struct statfs sfs;
	struct mount_entry me;
	int fd;

	CHECK(mkdir("/mnt", 0755) == 0, "mkdir /mnt");
	CHECK_ERR(mount(dev, "/nowhere", type, 0, NULL), ENOENT);
	CHECK_ERR(mount(dev, "/mnt", "nosuchfs", 0, NULL), ENODEV);
	CHECK_ERR(mount("nosuchdisk", "/mnt", type, 0, NULL), ENOENT);
	CHECK(mount(dev, "/mnt", type, MS_RDONLY, NULL) == 0, "mount %s read-only", dev);
	CHECK_ERR(open("/mnt/x", O_WRONLY | O_CREAT, 0644), EROFS);
	CHECK_ERR(mkdir("/mnt/y", 0755), EROFS);
	CHECK(umount("/mnt") == 0, "umount read-only");
	CHECK(mount(dev, "/mnt", type, 0, NULL) == 0, "mount %s", dev);
	CHECK_ERR(mount(dev, "/mnt", type, 0, NULL), EBUSY);
	CHECK(statfs("/mnt", &sfs) == 0 && strcmp(sfs.f_fstype, type) == 0 && sfs.f_bfree > 0,
	      "statfs /mnt");
	CHECK(mount_get(1, &me) == 0 && strcmp(me.target, "/mnt") == 0 &&
		      strcmp(me.source, dev) == 0,
	      "mount_get(1)");
	CHECK_ERR(mount_get(2, &me), EINVAL);

	CHECK(write_file("/mnt/Long File Name.txt", "FAT says hi\n", 12, O_EXCL) == 0,
	      "FAT create");
	CHECK(mkdir("/mnt/sub", 0755) == 0, "FAT mkdir");
	fill(buf, FAT_DATA_BYTES, 2, 0);
	CHECK(write_file("/mnt/sub/data.bin", buf, 20000, 0) == 0, "FAT write");
	CHECK(write_file("/mnt/sub/data.bin", buf + 20000, FAT_DATA_BYTES - 20000, O_APPEND) == 0,
	      "FAT append");
	CHECK(truncate("/mnt/sub/data.bin", FAT_DATA_FINAL) == 0, "FAT truncate");
	CHECK(write_file("/mnt/tmp.txt", "temp", 4, 0) == 0 &&
		      rename("/mnt/tmp.txt", "/mnt/sub/t2") == 0 && unlink("/mnt/sub/t2") == 0,
	      "FAT rename and unlink");
	CHECK(mkdir("/mnt/empty", 0755) == 0 && rmdir("/mnt/empty") == 0, "FAT rmdir");
	CHECK_ERR(rename("/mnt/sub/data.bin", "/d/data.bin"), EXDEV);
	CHECK(dir_has("/mnt", "Long File Name.txt", DT_REG) && dir_has("/mnt", "sub", DT_DIR),
	      "FAT readdir");

	fd = open("/mnt/sub/data.bin", O_RDONLY);
	CHECK_ERR(umount("/mnt"), EBUSY);
	CHECK_ERR(rmdir("/mnt"), EBUSY);
	close(fd);
	CHECK(umount("/mnt") == 0, "umount");
	CHECK(mount(dev, "/mnt", type, 0, NULL) == 0, "mount again");
	memset(buf, 0, FAT_DATA_BYTES);
	CHECK(read_file("/mnt/sub/data.bin", buf, FAT_DATA_BYTES) == FAT_DATA_FINAL &&
		      check_pattern(buf, FAT_DATA_FINAL, 2),
	      "FAT data after remount");
}

/* A read-only root (`ro` on the command line): reads work, every change is EROFS. */
static void test_read_only(void)
{
	char buf[64];
	struct statfs sfs;

	CHECK(statfs("/", &sfs) == 0 && (sfs.f_flags & MS_RDONLY), "statfs says read-only");
	CHECK(read_file("/etc/motd", buf, sizeof(buf)) > 0, "read /etc/motd");
	CHECK_ERR(open("/new", O_WRONLY | O_CREAT, 0644), EROFS);
	CHECK_ERR(open("/etc/motd", O_RDWR), EROFS);
	CHECK_ERR(mkdir("/dir", 0755), EROFS);
	CHECK_ERR(unlink("/etc/motd"), EROFS);
	CHECK_ERR(rename("/etc/motd", "/etc/x"), EROFS);
	CHECK_ERR(truncate("/etc/motd", 0), EROFS);
	CHECK_ERR(rmdir("/etc"), EROFS);
}

struct writer {
	unsigned int index;
	int result;
};

/* Writes /t<i>.bin in THREAD_CHUNK pieces, yielding between them so the writers mix. */
static void *writer(void *arg)
{
	struct writer *w = arg;
	unsigned char chunk[THREAD_CHUNK];
	char path[16];
	int fd;

	snprintf(path, sizeof(path), "/t%u.bin", w->index);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	w->result = fd < 0 ? -1 : 0;
	for (size_t off = 0; fd >= 0 && off < THREAD_BYTES; off += THREAD_CHUNK) {
		size_t len = THREAD_BYTES - off < THREAD_CHUNK ? THREAD_BYTES - off : THREAD_CHUNK;

		fill(chunk, len, 10 + w->index, off);
		if (write(fd, chunk, len) != (ssize_t)len) {
			w->result = -1;
			break;
		}
		thread_yield();
	}
	if (fd >= 0 && close(fd)) {
		w->result = -1;
	}
	return NULL;
}

static void test_threads(unsigned int n, unsigned char *buf)
{
	struct writer w[THREADS_MAX];
	thread_t t[THREADS_MAX];
	char path[16];

	for (unsigned int i = 0; i < n; i++) {
		w[i] = (struct writer){.index = i};
		t[i] = thread_create(i % cpu_count(), writer, &w[i], 0);
		CHECK(t[i], "thread_create");
	}
	for (unsigned int i = 0; i < n; i++) {
		if (t[i]) {
			thread_join(t[i], NULL);
		}
		CHECK(w[i].result == 0, "writer %u on CPU %u", i, i % cpu_count());
		snprintf(path, sizeof(path), "/t%u.bin", i);
		CHECK(read_file(path, buf, THREAD_BYTES + 1) == THREAD_BYTES &&
			      check_pattern(buf, THREAD_BYTES, 10 + i),
		      "%s read back", path);
	}
	printf("fstest: %u writers on %u CPUs\n", n, cpu_count() < n ? cpu_count() : n);
}

int main(int argc, char **argv)
{
	const char *mount_arg = "vdb:vfat";
	unsigned int threads = 2;
	bool only_root = false, read_only = false;
	char dev[16], *type;
	unsigned char *buf = malloc(BIG_BYTES);
	struct mount_entry me;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "mount=", 6) == 0) {
			mount_arg = argv[i] + 6;
		} else if (strncmp(argv[i], "threads=", 8) == 0) {
			threads = (unsigned int)strtoul(argv[i] + 8, NULL, 10);
		} else if (strcmp(argv[i], "only=root") == 0) {
			only_root = true;
		} else if (strcmp(argv[i], "ro") == 0) {
			read_only = true;
		}
	}
	threads = threads > THREADS_MAX ? THREADS_MAX : threads;
	if (!buf || mount_get(0, &me) || strcmp(me.target, "/") != 0) {
		printf("fstest: no root file system\n");
		return 2;
	}
	printf("fstest: root %s (%s)\n", me.source, me.fstype);
	if (read_only) {
		test_read_only();
		goto out;
	}
	test_files(buf);
	test_errors();
	test_cwd();
	if (!only_root) {
		strlcpy(dev, mount_arg, sizeof(dev));
		type = strchr(dev, ':');
		if (type) {
			*type++ = '\0';
		}
		test_second_disk(dev, type ? type : "vfat", buf);
	}
	test_threads(threads, buf);
	sync();
out:
	free(buf);
	if (failures) {
		printf("fstest: %d failures\n", failures);
		return 1;
	}
	printf("fstest: ok\n");
	return 0;
}
