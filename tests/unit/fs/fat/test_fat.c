// SPDX-License-Identifier: MIT
/*
 * test_fat.c - the FAT16 library (fs/fat/) against images made and checked by the
 * host's dosfstools and mtools: mkfs.fat -F 16 + mcopy make them, the library reads
 * and changes them through a blkdev backed by the image file, and then fsck.fat -n
 * must be clean, mtype must print what was written and mdir must show the long names.
 * Corrupt images (patched bytes) must fail cleanly and stay unmodified, a full volume
 * gives -ENOSPC and stays clean, and random byte flips of the metadata never crash.
 * Everything lives in a temporary directory that the test removes.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include <kernel/errno.h>
#include <kernel/fat.h>

#define SECTOR 512
#define FUZZ_ROUNDS 200
#define HANG_GUARD_SECONDS 120

static char tmpdir[64] = "/tmp/toro-fat-XXXXXX";
static unsigned int log_lines;

/* The library allocates with Toro's malloc(); on the host that is glibc's. */
void *toro_malloc(size_t n);
void toro_free(void *p);
void *toro_calloc(size_t n, size_t size);
void *toro_realloc(void *p, size_t size);
int printk(int level, const char *fmt, ...);

void *toro_malloc(size_t n)
{
	return malloc(n);
}

void toro_free(void *p)
{
	free(p);
}

void *toro_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

void *toro_realloc(void *p, size_t size)
{
	return realloc(p, size);
}

/* Kernel log lines are kept short in the test output: the first few are shown. */
int printk(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	if (++log_lines > 40) {
		return 0;
	}
	printf("  log: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	return 0;
}

/* --- block devices: an image file, or an image in memory (for the fuzz loop) -------- */

struct image {
	int fd;
	uint64_t base; /* sectors before the volume: a partition's offset */
	uint8_t *mem;
	unsigned long writes;
	unsigned long flushes;
};

static int file_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	struct image *img = dev->priv;
	size_t n = (size_t)count * dev->sector_size;

	if (sector + count > dev->sector_count) {
		return -EIO;
	}
	if (img->mem) {
		memcpy(buf, img->mem + sector * dev->sector_size, n);
		return 0;
	}
	sector += img->base;
	return pread(img->fd, buf, n, (off_t)(sector * dev->sector_size)) == (ssize_t)n ? 0 : -EIO;
}

static int file_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	struct image *img = dev->priv;
	size_t n = (size_t)count * dev->sector_size;

	if (sector + count > dev->sector_count) {
		return -EIO;
	}
	img->writes++;
	if (img->mem) {
		memcpy(img->mem + sector * dev->sector_size, buf, n);
		return 0;
	}
	sector += img->base;
	return pwrite(img->fd, buf, n, (off_t)(sector * dev->sector_size)) == (ssize_t)n ? 0 : -EIO;
}

/* Other processes (fsck.fat, mtools) read the image through the page cache: no fsync. */
static int file_flush(struct blkdev *dev)
{
	struct image *img = dev->priv;

	img->flushes++;
	return 0;
}

static const struct blkdev_ops image_ops = {
	.read = file_read,
	.write = file_write,
	.flush = file_flush,
};

static void dev_open(struct blkdev *dev, struct image *img, const char *path)
{
	struct stat st;

	memset(dev, 0, sizeof(*dev));
	memset(img, 0, sizeof(*img));
	img->fd = open(path, O_RDWR);
	if (img->fd < 0 || fstat(img->fd, &st)) {
		printf("cannot open %s\n", path);
		exit(1);
	}
	strcpy(dev->name, "img");
	dev->sector_size = SECTOR;
	dev->sector_count = (uint64_t)st.st_size / SECTOR;
	dev->ops = &image_ops;
	dev->priv = img;
}

static void dev_close(struct image *img)
{
	if (img->fd >= 0) {
		close(img->fd);
	}
}

/* --- host tools --------------------------------------------------------------------- */

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *path_in_tmp(const char *name)
{
	static char buf[4][256];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

static void write_host_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(path_in_tmp(name), "wb");

	if (!f || fwrite(data, 1, len, f) != len) {
		printf("cannot write %s\n", name);
		exit(1);
	}
	fclose(f);
}

/* Reads a whole host file; returns its length or -1. */
static long read_host_file(const char *path, uint8_t *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		return -1;
	}
	n = fread(buf, 1, max, f);
	fclose(f);
	return (long)n;
}

/* mtype -i IMG ::PATH into a buffer; returns the length or -1. */
static long mtype(const char *img, const char *dos_path, uint8_t *buf, size_t max)
{
	if (sh("mtype -i '%s' '::%s' > '%s' 2>/dev/null", img, dos_path,
	       path_in_tmp("mtype.out")) != 0) {
		return -1;
	}
	return read_host_file(path_in_tmp("mtype.out"), buf, max);
}

static int fsck_clean(const char *img)
{
	return sh("fsck.fat -n '%s' > '%s' 2>&1", img, path_in_tmp("fsck.log"));
}

static void show_fsck_log(void)
{
	sh("sed 's/^/  fsck: /' '%s' | head -20", path_in_tmp("fsck.log"));
}

static void fill_pattern(uint8_t *buf, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++) {
		buf[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
	}
}

/* The base image: short and long names, nested directories, a multi-cluster file. */
#define BIG_SIZE (100 * 1024 + 123)
static uint8_t big_data[BIG_SIZE];

static void make_base_image(const char *img, unsigned int kib, const char *extra)
{
	fill_pattern(big_data, sizeof(big_data), 1);
	write_host_file("hello.txt", "hello, world\n", 13);
	write_host_file("long.txt", "a file with a long name\n", 24);
	write_host_file("deep.txt", "deep inside\n", 12);
	write_host_file("big.bin", big_data, sizeof(big_data));
	sh("rm -f '%s'", img);
	if (sh("mkfs.fat -F 16 %s -C '%s' %u >/dev/null", extra, img, kib) ||
	    sh("cd '%s' && mcopy -i '%s' hello.txt ::/HELLO.TXT && "
	       "mcopy -i '%s' long.txt '::/A long file name.txt' && "
	       "mmd -i '%s' '::/Sub Dir' '::/Sub Dir/nested' && "
	       "mcopy -i '%s' deep.txt '::/Sub Dir/nested/deep.txt' && "
	       "mcopy -i '%s' big.bin ::/BIG.BIN",
	       tmpdir, img, img, img, img, img)) {
		printf("cannot make %s (mkfs.fat, mtools)\n", img);
		exit(1);
	}
}

/* --- helpers over the library ------------------------------------------------------- */

static long read_path(struct fat_fs *fs, const char *path, uint8_t *buf, size_t max)
{
	struct fat_node node;
	int err = fat_lookup(fs, path, &node);

	return err ? err : fat_read(fs, &node, 0, buf, max);
}

static int write_path(struct fat_fs *fs, const char *path, const void *data, size_t len,
		      size_t chunk)
{
	struct fat_node node;
	int err = fat_create(fs, path, &node);

	for (size_t off = 0; !err && off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		long w = fat_write(fs, &node, off, (const uint8_t *)data + off, n);

		err = w == (long)n ? 0 : (int)w;
	}
	return err;
}

struct name_list {
	char names[64][FAT_NAME_BYTES_MAX + 1];
	unsigned int count;
};

static int collect(void *arg, const char *name, const struct fat_stat *st)
{
	struct name_list *l = arg;

	(void)st;
	if (l->count < 64) {
		snprintf(l->names[l->count++], sizeof(l->names[0]), "%s", name);
	}
	return 0;
}

static bool listed(const struct name_list *l, const char *name)
{
	for (unsigned int i = 0; i < l->count; i++) {
		if (!strcmp(l->names[i], name)) {
			return true;
		}
	}
	return false;
}

static struct name_list *list_dir(struct fat_fs *fs, const char *path)
{
	static struct name_list l;
	struct fat_node dir;

	memset(&l, 0, sizeof(l));
	if (fat_lookup(fs, path, &dir) == 0) {
		fat_readdir(fs, &dir, collect, &l);
	}
	return &l;
}

/* --- reading what mtools wrote -------------------------------------------------------- */

static void test_read(const char *img)
{
	static uint8_t buf[BIG_SIZE + 100];
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs;
	struct fat_node node;
	struct fat_stat st;
	struct name_list *l;

	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, NULL, &fs), 0);
	CHECK_EQ(read_path(fs, "/HELLO.TXT", buf, sizeof(buf)), 13);
	CHECK_MEMEQ(buf, "hello, world\n", 13);
	CHECK_EQ(read_path(fs, "hello.txt", buf, sizeof(buf)), 13); /* any case */
	CHECK_EQ(read_path(fs, "/A long file name.txt", buf, sizeof(buf)), 24);
	CHECK_MEMEQ(buf, "a file with a long name\n", 24);
	CHECK_EQ(read_path(fs, "/a LONG file NAME.TXT", buf, sizeof(buf)), 24);
	CHECK_EQ(read_path(fs, "/Sub Dir/nested/deep.txt", buf, sizeof(buf)), 12);
	CHECK_MEMEQ(buf, "deep inside\n", 12);
	CHECK_EQ(read_path(fs, "/Sub Dir/./nested/../nested//deep.txt", buf, sizeof(buf)), 12);
	CHECK_EQ(read_path(fs, "/BIG.BIN", buf, sizeof(buf)), BIG_SIZE);
	CHECK_MEMEQ(buf, big_data, BIG_SIZE);
	/* a read in the middle, across a cluster boundary */
	CHECK_EQ(fat_lookup(fs, "/BIG.BIN", &node), 0);
	CHECK_EQ(fat_read(fs, &node, 4000, buf, 5000), 5000);
	CHECK_MEMEQ(buf, big_data + 4000, 5000);
	CHECK_EQ(fat_read(fs, &node, BIG_SIZE, buf, 10), 0);
	CHECK_EQ(fat_stat(fs, &node, &st), 0);
	CHECK_EQ(st.size, BIG_SIZE);
	CHECK(!st.is_dir);
	CHECK_EQ(read_path(fs, "/nothing", buf, sizeof(buf)), -ENOENT);
	CHECK_EQ(read_path(fs, "/HELLO.TXT/x", buf, sizeof(buf)), -ENOTDIR);
	CHECK_EQ(read_path(fs, "/Sub Dir", buf, sizeof(buf)), -EISDIR);
	l = list_dir(fs, "/");
	CHECK(listed(l, "A long file name.txt"));
	CHECK(listed(l, "Sub Dir"));
	CHECK(listed(l, "BIG.BIN"));
	CHECK(!listed(l, "."));
	l = list_dir(fs, "/Sub Dir/nested");
	CHECK(listed(l, "deep.txt"));
	CHECK_EQ(l->count, 1);
	CHECK_EQ(fat_unmount(fs), 0);
	CHECK_EQ(im.writes, 0); /* reading never writes */
	dev_close(&im);
}

/* --- changing the volume, checked by fsck.fat, mtype and mdir ----------------------- */

#define MULTI_SIZE (70 * 1024 + 7)
static uint8_t multi_data[MULTI_SIZE];
static const char long_dir_file[] = "/New Directory/Another long name with spaces.dat";

static void change_volume(struct fat_fs *fs)
{
	static uint8_t buf[MULTI_SIZE];
	struct fat_node node;

	fill_pattern(multi_data, sizeof(multi_data), 2);
	CHECK_EQ(write_path(fs, "/NEW.TXT", "short name\n", 11, 64), 0);
	CHECK_EQ(write_path(fs, "/lower.txt", "lower case 8.3\n", 15, 64), 0);
	CHECK_EQ(fat_mkdir(fs, "/New Directory"), 0);
	CHECK_EQ(fat_mkdir(fs, "/New Directory"), -EEXIST);
	CHECK_EQ(fat_mkdir(fs, "/New Directory/sub"), 0);
	CHECK_EQ(write_path(fs, long_dir_file, multi_data, MULTI_SIZE, 3001), 0);
	CHECK_EQ(read_path(fs, long_dir_file, buf, sizeof(buf)), MULTI_SIZE);
	CHECK_MEMEQ(buf, multi_data, MULTI_SIZE);
	/* ~N tails: several long names with the same basis */
	CHECK_EQ(write_path(fs, "/New Directory/sub/Long Name One.txt", "1", 1, 1), 0);
	CHECK_EQ(write_path(fs, "/New Directory/sub/Long Name Two.txt", "2", 1, 1), 0);
	CHECK_EQ(write_path(fs, "/New Directory/sub/Long Name Three.txt", "3", 1, 1), 0);
	/* unlink, rename in a directory and across, a directory moved */
	CHECK_EQ(fat_unlink(fs, "/HELLO.TXT"), 0);
	CHECK_EQ(fat_unlink(fs, "/HELLO.TXT"), -ENOENT);
	CHECK_EQ(fat_unlink(fs, "/Sub Dir"), -EISDIR);
	CHECK_EQ(fat_rename(fs, "/A long file name.txt", "/New Directory/renamed long.txt"), 0);
	CHECK_EQ(fat_rename(fs, "/NEW.TXT", "/NEWER.TXT"), 0);
	CHECK_EQ(fat_rename(fs, "/Sub Dir", "/New Directory/moved dir"), 0);
	CHECK_EQ(fat_rename(fs, "/New Directory", "/New Directory/sub/x"), -EINVAL);
	CHECK_EQ(fat_rmdir(fs, "/New Directory/moved dir"), -ENOTEMPTY);
	/* truncate down and up, and a write past the end (the gap reads as zeros) */
	CHECK_EQ(fat_lookup(fs, "/BIG.BIN", &node), 0);
	CHECK_EQ(fat_truncate(fs, &node, 5000), 0);
	CHECK_EQ(fat_truncate(fs, &node, 9000), 0);
	CHECK_EQ(fat_write(fs, &node, 20000, "tail", 4), 4);
	CHECK_EQ(fat_create(fs, "/empty", NULL), 0);
	CHECK_EQ(fat_create(fs, "/gone.txt", NULL), 0);
	CHECK_EQ(fat_unlink(fs, "/gone.txt"), 0);
	CHECK_EQ(fat_mkdir(fs, "/rmme"), 0);
	CHECK_EQ(fat_rmdir(fs, "/rmme"), 0);
	CHECK_EQ(write_path(fs, "/Gr\xc3\xbc\xc3\x9f\x65 \xe2\x82\xac.txt", "utf8", 4, 4), 0);
	CHECK_EQ(write_path(fs, "/r1.txt", "one", 3, 3), 0);
	CHECK_EQ(write_path(fs, "/r2.txt", "two!", 4, 4), 0);
	CHECK_EQ(fat_rename(fs, "/r1.txt", "/r2.txt"), 0); /* replaces r2.txt */
	CHECK_EQ(fat_rename(fs, "/r2.txt", "/New Directory"), -EISDIR);
	CHECK_EQ(fat_create(fs, "/bad:name", NULL), -EINVAL);
	CHECK_EQ(fat_create(fs, "/trailing.", NULL), -EINVAL);
	CHECK_EQ(fat_create(fs, "/nodir/x", NULL), -ENOENT);
}

static void expect_big(const uint8_t *buf, long n)
{
	static uint8_t want[20004];

	memcpy(want, big_data, 5000);
	memset(want + 5000, 0, sizeof(want) - 5000);
	memcpy(want + 20000, "tail", 4);
	CHECK_EQ(n, 20004);
	if (n == 20004) {
		CHECK_MEMEQ(buf, want, 20004);
	}
}

static void check_with_mtools(const char *img)
{
	static uint8_t buf[MULTI_SIZE + 16];

	CHECK_EQ(fsck_clean(img), 0);
	show_fsck_log();
	CHECK_EQ(mtype(img, "/NEWER.TXT", buf, sizeof(buf)), 11);
	CHECK_MEMEQ(buf, "short name\n", 11);
	CHECK_EQ(mtype(img, "/lower.txt", buf, sizeof(buf)), 15);
	CHECK_EQ(mtype(img, long_dir_file, buf, sizeof(buf)), MULTI_SIZE);
	CHECK_MEMEQ(buf, multi_data, MULTI_SIZE);
	CHECK_EQ(mtype(img, "/New Directory/renamed long.txt", buf, sizeof(buf)), 24);
	CHECK_MEMEQ(buf, "a file with a long name\n", 24);
	CHECK_EQ(mtype(img, "/New Directory/moved dir/nested/deep.txt", buf, sizeof(buf)), 12);
	CHECK_EQ(mtype(img, "/New Directory/sub/Long Name Three.txt", buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], '3');
	expect_big(buf, mtype(img, "/BIG.BIN", buf, sizeof(buf)));
	CHECK_EQ(mtype(img, "/HELLO.TXT", buf, sizeof(buf)), -1);
	CHECK_EQ(mtype(img, "/r1.txt", buf, sizeof(buf)), -1);
	CHECK_EQ(mtype(img, "/r2.txt", buf, sizeof(buf)), 3);
	CHECK_MEMEQ(buf, "one", 3);
	CHECK_EQ(sh("mdir -i '%s' '::/New Directory' | grep -q 'Another long name with spaces.dat'",
		    img),
		 0);
	CHECK_EQ(sh("mdir -i '%s' '::/New Directory/sub' | grep -q 'Long Name Three.txt'", img), 0);
	CHECK_EQ(sh("mdir -b -i '%s' ::/ | grep -q '^::/lower.txt$'", img), 0);
	CHECK_EQ(sh("mdir -i '%s' ::/ | grep NEWER | grep -q '2026-11-23 *12:34'", img), 0);
	/* mtools agrees on the 8.3 aliases: ~N tails, all different */
	CHECK_EQ(sh("mdir -i '%s' '::/New Directory/sub' | grep -c '~' | grep -q 3", img), 0);
	/* ".." of a moved directory points at its new parent */
	CHECK_EQ(sh("mdir -i '%s' '::/New Directory/moved dir/nested/../..' | "
		    "grep -q 'renamed long.txt'",
		    img),
		 0);
}

static void fixed_clock(void *arg, struct fat_time *out)
{
	(void)arg;
	*out = (struct fat_time){
		.year = 2026, .month = 11, .day = 23, .hour = 12, .minute = 34, .second = 56};
}

static void test_write(const char *img)
{
	static uint8_t buf[MULTI_SIZE];
	struct fat_mount_opts opts = {.now = fixed_clock};
	struct fat_node node;
	struct fat_stat st;
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs;

	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, &opts, &fs), 0);
	change_volume(fs);
	CHECK_EQ(fat_unmount(fs), 0);
	CHECK(im.flushes > 0); /* unmount flushes the device */
	dev_close(&im);
	check_with_mtools(img);
	/* and the library reads it all back after a new mount */
	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, NULL, &fs), 0);
	CHECK_EQ(read_path(fs, long_dir_file, buf, sizeof(buf)), MULTI_SIZE);
	CHECK_MEMEQ(buf, multi_data, MULTI_SIZE);
	expect_big(buf, read_path(fs, "/big.bin", buf, sizeof(buf)));
	CHECK(listed(list_dir(fs, "/New Directory"), "renamed long.txt"));
	CHECK(listed(list_dir(fs, "/"), "Gr\xc3\xbc\xc3\x9f\x65 \xe2\x82\xac.txt"));
	CHECK_EQ(fat_lookup(fs, "/NEWER.TXT", &node), 0);
	CHECK_EQ(fat_stat(fs, &node, &st), 0);
	CHECK_EQ(st.mtime.year, 2026);
	CHECK_EQ(st.mtime.month, 11);
	CHECK_EQ(st.mtime.day, 23);
	CHECK_EQ(st.mtime.hour, 12);
	CHECK_EQ(st.mtime.minute, 34);
	CHECK_EQ(st.mtime.second, 56);
	CHECK_EQ(fat_unmount(fs), 0);
	dev_close(&im);
}

/*
 * Other layouts: 4 KiB logical sectors on a 512-byte-sector device, and a volume in an
 * MBR partition at sector 63 (where QEMU vvfat puts it), reached through an offset.
 */
static void test_variant(const char *what, const char *mkfs_args, uint64_t base)
{
	static uint8_t data[20000], buf[20000];
	char img[128], mimg[160], part[128];
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs;

	printf("variant: %s\n", what);
	fill_pattern(data, sizeof(data), 4);
	snprintf(img, sizeof(img), "%s/variant.img", tmpdir);
	snprintf(part, sizeof(part), "%s/part.img", tmpdir);
	snprintf(mimg, sizeof(mimg), "%s@@%llu", img, (unsigned long long)base * SECTOR);
	sh("rm -f '%s'", img);
	CHECK_EQ(sh("mkfs.fat -F 16 %s -C '%s' 40000 >/dev/null && cd '%s' && "
		    "mcopy -i '%s' hello.txt '::/Hello There.txt'",
		    mkfs_args, img, tmpdir, mimg),
		 0);
	dev_open(&dev, &im, img);
	im.base = base;
	dev.sector_count -= base;
	CHECK_EQ(fat_mount(&dev, NULL, &fs), 0);
	CHECK_EQ(read_path(fs, "/hello there.txt", buf, sizeof(buf)), 13);
	CHECK_EQ(fat_mkdir(fs, "/A Directory"), 0);
	CHECK_EQ(write_path(fs, "/A Directory/Some data.bin", data, sizeof(data), 999), 0);
	CHECK_EQ(fat_unmount(fs), 0);
	dev_close(&im);
	CHECK_EQ(mtype(mimg, "/A Directory/Some data.bin", buf, sizeof(buf)), sizeof(data));
	CHECK_MEMEQ(buf, data, sizeof(data));
	CHECK_EQ(sh("dd if='%s' of='%s' bs=1M iflag=skip_bytes skip=%llu status=none", img, part,
		    (unsigned long long)base * SECTOR),
		 0);
	CHECK_EQ(fsck_clean(part), 0);
	sh("rm -f '%s' '%s'", img, part);
}

/* A read-only mount refuses every change and writes nothing. */
static void test_read_only(const char *img)
{
	struct fat_mount_opts opts = {.read_only = true};
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs;
	struct fat_node node;

	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, &opts, &fs), 0);
	CHECK_EQ(fat_create(fs, "/ro.txt", NULL), -EROFS);
	CHECK_EQ(fat_mkdir(fs, "/ro"), -EROFS);
	CHECK_EQ(fat_unlink(fs, "/BIG.BIN"), -EROFS);
	CHECK_EQ(fat_rename(fs, "/BIG.BIN", "/b"), -EROFS);
	CHECK_EQ(fat_lookup(fs, "/BIG.BIN", &node), 0);
	CHECK_EQ(fat_write(fs, &node, 0, "x", 1), -EROFS);
	CHECK_EQ(fat_truncate(fs, &node, 0), -EROFS);
	CHECK_EQ(fat_unmount(fs), 0);
	CHECK_EQ(im.writes, 0);
	dev_close(&im);
}

/* --- a full volume ---------------------------------------------------------------------- */

static void test_enospc(void)
{
	char img[128];
	static uint8_t chunk[64 * 1024];
	static uint8_t buf[8 << 20];
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs;
	struct fat_node node;
	struct fat_statfs sf;
	uint64_t written = 0, full;
	size_t n;
	long ret = 0;
	char name[32];
	int err = 0;

	snprintf(img, sizeof(img), "%s/small.img", tmpdir);
	sh("rm -f '%s'", img);
	CHECK_EQ(sh("mkfs.fat -F 16 -s 1 -C '%s' 2200 >/dev/null", img), 0);
	fill_pattern(chunk, sizeof(chunk), 3);
	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, NULL, &fs), 0);
	CHECK_EQ(fat_create(fs, "/fill.bin", &node), 0);
	while ((ret = fat_write(fs, &node, written, chunk, sizeof(chunk))) > 0) {
		written += (uint64_t)ret;
	}
	full = written;
	CHECK_EQ(ret, -ENOSPC);
	/* a smaller write still fits until the last cluster is used */
	while ((ret = fat_write(fs, &node, written, chunk, 512)) > 0) {
		written += (uint64_t)ret;
	}
	CHECK_EQ(ret, -ENOSPC);
	CHECK_EQ(fat_statfs(fs, &sf), 0);
	CHECK_EQ(sf.free_clusters, 0);
	CHECK_EQ(fat_mkdir(fs, "/nospace"), -ENOSPC);
	/* the root region fills up too: 512 entries */
	for (int i = 0; i < 600 && !err; i++) {
		snprintf(name, sizeof(name), "/E%d", i);
		err = fat_create(fs, name, NULL);
	}
	CHECK_EQ(err, -ENOSPC);
	CHECK_EQ(fat_unmount(fs), 0);
	dev_close(&im);
	CHECK_EQ(fsck_clean(img), 0);
	show_fsck_log();
	CHECK_EQ(mtype(img, "/fill.bin", buf, sizeof(buf)), (long)written);
	/* whole chunks, then 512-byte pieces of its start */
	for (uint64_t off = 0; off < written; off += n) {
		n = off < full ? sizeof(chunk) : 512;

		if (memcmp(buf + off, chunk, n)) {
			CHECK_MSG(false, "fill.bin differs in the chunk at %llu",
				  (unsigned long long)off);
			break;
		}
	}
	/* freeing makes room again */
	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, NULL, &fs), 0);
	CHECK_EQ(fat_unlink(fs, "/fill.bin"), 0);
	CHECK_EQ(fat_mkdir(fs, "/sub"), 0);
	CHECK_EQ(write_path(fs, "/sub/after.txt", "room again", 10, 10), 0);
	CHECK_EQ(fat_unmount(fs), 0);
	dev_close(&im);
	CHECK_EQ(fsck_clean(img), 0);
}

/* --- corrupt images: a clear error, no crash, and not one byte written ---------------- */

struct layout {
	uint32_t bps, fat_start, fat_size, root, data, spc;
};

static uint8_t *bad_image;
static size_t bad_size;

static uint16_t get16(size_t off)
{
	return (uint16_t)(bad_image[off] | bad_image[off + 1] << 8);
}

static void put16(size_t off, uint16_t v)
{
	bad_image[off] = (uint8_t)v;
	bad_image[off + 1] = (uint8_t)(v >> 8);
}

static void put32(size_t off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

static struct layout get_layout(void)
{
	struct layout l;

	l.bps = get16(11);
	l.spc = bad_image[13];
	l.fat_start = get16(14) * l.bps;
	l.fat_size = get16(22) * l.bps;
	l.root = l.fat_start + bad_image[16] * l.fat_size;
	l.data = l.root + get16(17) * 32;
	return l;
}

/* Offset of the 8.3 entry @sfn (11 bytes) in the directory at @dir_off. */
static size_t find_entry(size_t dir_off, const char *sfn)
{
	for (size_t off = dir_off; off < dir_off + 512 * 32; off += 32) {
		if (!memcmp(bad_image + off, sfn, 11)) {
			return off;
		}
	}
	printf("no entry %s\n", sfn);
	exit(1);
}

static void set_fat(const struct layout *l, uint16_t cluster, uint16_t value)
{
	put16(l->fat_start + cluster * 2u, value);
	put16(l->fat_start + l->fat_size + cluster * 2u, value);
}

static void load_bad(const char *base)
{
	free(bad_image);
	bad_image = malloc(16 << 20);
	bad_size = (size_t)read_host_file(base, bad_image, 16 << 20);
}

static void save_bad(void)
{
	write_host_file("bad.img", bad_image, bad_size);
	write_host_file("bad.orig", bad_image, bad_size);
}

/*
 * Mounts bad.img: the mount must give @mount_err; when it mounts, @path must give
 * @lookup_err and reading every file of the root must not crash. Then the image must
 * equal its copy.
 */
static void try_bad(const char *what, int mount_err, const char *path, int lookup_err)
{
	static uint8_t buf[BIG_SIZE];
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs = NULL;
	struct fat_node node;
	int err;

	printf("corrupt image: %s\n", what);
	save_bad();
	dev_open(&dev, &im, path_in_tmp("bad.img"));
	err = fat_mount(&dev, NULL, &fs);
	CHECK_MSG(err == mount_err, "%s: mount gave %d", what, err);
	if (!err) {
		err = fat_lookup(fs, path, &node);
		CHECK_MSG(err == lookup_err, "%s: lookup gave %d", what, err);
		if (!err && !(node.attr & 0x10)) {
			CHECK(fat_read(fs, &node, 0, buf, sizeof(buf)) >= 0);
		}
		list_dir(fs, "/");
		list_dir(fs, "/Sub Dir");
		CHECK_EQ(fat_unmount(fs), 0);
	}
	CHECK_EQ(im.writes, 0);
	dev_close(&im);
	CHECK_MSG(sh("cmp -s '%s' '%s'", path_in_tmp("bad.img"), path_in_tmp("bad.orig")) == 0,
		  "%s: image changed", what);
}

/* Both FAT copies must be identical after the library wrote. */
static void test_fat_copies(const char *img)
{
	struct layout l;

	load_bad(img);
	l = get_layout();
	CHECK_EQ(bad_image[16], 2);
	CHECK(!memcmp(bad_image + l.fat_start, bad_image + l.fat_start + l.fat_size, l.fat_size));
}

static void test_corrupt_bpb(const char *base)
{
	load_bad(base);
	bad_image[510] = 0;
	try_bad("no boot signature", -EINVAL, "/", 0);
	load_bad(base);
	put16(11, 768);
	try_bad("bytes per sector not a power of two", -EINVAL, "/", 0);
	load_bad(base);
	bad_image[13] = 0;
	try_bad("zero sectors per cluster", -EINVAL, "/", 0);
	load_bad(base);
	put16(22, 0);
	try_bad("FAT size zero", -EINVAL, "/", 0);
	load_bad(base);
	put16(19, 0);
	put32(32, 0x7FFFFFFF);
	try_bad("volume larger than the device", -EINVAL, "/", 0);
	load_bad(base);
	bad_image[16] = 0;
	try_bad("no FAT", -EINVAL, "/", 0);
}

static void test_corrupt_chains(const char *base)
{
	struct layout l;
	size_t big, hello, sub, lfn;
	uint16_t c;

	load_bad(base);
	l = get_layout();
	hello = find_entry(l.root, "HELLO   TXT");
	put16(hello + 26, 0xFFF0);
	try_bad("first cluster past the end", 0, "/HELLO.TXT", -EIO);

	load_bad(base);
	big = find_entry(l.root, "BIG     BIN");
	c = get16(big + 26);
	set_fat(&l, (uint16_t)(c + 3), c); /* mcopy writes it contiguously */
	try_bad("loop in a FAT chain", 0, "/BIG.BIN", -EIO);

	load_bad(base);
	set_fat(&l, (uint16_t)(c + 2), 0xFFF0);
	try_bad("chain links past the end", 0, "/BIG.BIN", -EIO);

	load_bad(base);
	set_fat(&l, (uint16_t)(c + 2), 0);
	try_bad("chain links to a free cluster", 0, "/BIG.BIN", -EIO);

	load_bad(base);
	put32(hello + 28, 1000000);
	try_bad("file size larger than its chain", 0, "/HELLO.TXT", -EIO);

	load_bad(base);
	sub = find_entry(l.root, "SUBDIR~1   ");
	set_fat(&l, get16(sub + 26), get16(sub + 26));
	try_bad("directory chain loops onto itself", 0, "/Sub Dir/nested", -EIO);

	load_bad(base);
	lfn = find_entry(l.root, "ALONGF~1TXT") - 32;
	bad_image[lfn + 13] ^= 0x5A;
	try_bad("long name with a bad checksum", 0, "/A long file name.txt", -ENOENT);
	try_bad("... still reachable by its 8.3 name", 0, "/ALONGF~1.TXT", 0);
}

static void test_unsupported_types(void)
{
	char img[128];
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs;

	snprintf(img, sizeof(img), "%s/other.img", tmpdir);
	CHECK_EQ(sh("mkfs.fat -F 12 -C '%s' 1024 >/dev/null", img), 0);
	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, NULL, &fs), -EOPNOTSUPP);
	dev_close(&im);
	sh("rm -f '%s'", img);
	CHECK_EQ(sh("mkfs.fat -F 32 -s 1 -C '%s' 40000 >/dev/null", img), 0);
	dev_open(&dev, &im, img);
	CHECK_EQ(fat_mount(&dev, NULL, &fs), -EOPNOTSUPP);
	dev_close(&im);
	sh("rm -f '%s'", img);
}

/* --- random metadata byte flips: any result but a crash or a hang -------------------- */

static void walk_tree(struct fat_fs *fs, const char *path, int depth)
{
	static uint8_t buf[16384];
	struct name_list *l = malloc(sizeof(*l));
	struct fat_node dir, node;
	char child[600];

	memset(l, 0, sizeof(*l));
	if (depth > 4 || fat_lookup(fs, path, &dir) || fat_readdir(fs, &dir, collect, l) < 0) {
		free(l);
		return;
	}
	for (unsigned int i = 0; i < l->count; i++) {
		snprintf(child, sizeof(child), "%s/%s", path, l->names[i]);
		if (fat_lookup(fs, child, &node)) {
			continue;
		}
		if (node.attr & 0x10) {
			walk_tree(fs, child, depth + 1);
		} else {
			fat_read(fs, &node, 0, buf, sizeof(buf));
		}
	}
	free(l);
}

static void fuzz_changes(struct fat_fs *fs)
{
	static uint8_t data[3000];
	struct fat_node node;

	if (fat_create(fs, "/fuzz file.txt", &node) == 0) {
		fat_write(fs, &node, 100, data, sizeof(data));
		fat_truncate(fs, &node, 10);
	}
	fat_mkdir(fs, "/Sub Dir/fuzz dir");
	fat_rename(fs, "/A long file name.txt", "/Sub Dir/nested/renamed.txt");
	fat_rename(fs, "/Sub Dir/nested", "/nested moved");
	fat_unlink(fs, "/BIG.BIN");
	fat_rmdir(fs, "/Sub Dir/fuzz dir");
	if (fat_lookup(fs, "/HELLO.TXT", &node) == 0) {
		fat_write(fs, &node, 0, data, 700);
	}
}

static void test_fuzz(const char *img)
{
	struct blkdev dev;
	struct image im;
	struct fat_fs *fs;
	struct layout l;
	unsigned int seed = 12345, mounted = 0;
	uint8_t *pristine;
	size_t span;

	load_bad(img);
	l = get_layout();
	span = l.data + 8 * l.spc * l.bps; /* boot sector, FATs, root, first clusters */
	pristine = malloc(bad_size);
	memcpy(pristine, bad_image, bad_size);
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		int flips = 1 + rand_r(&seed) % 8;

		memcpy(bad_image, pristine, bad_size);
		for (int i = 0; i < flips; i++) {
			size_t off = (size_t)rand_r(&seed) % span;

			bad_image[off] ^= (uint8_t)(1 + rand_r(&seed) % 255);
		}
		memset(&dev, 0, sizeof(dev));
		memset(&im, 0, sizeof(im));
		im.fd = -1;
		im.mem = bad_image;
		dev.sector_size = SECTOR;
		dev.sector_count = bad_size / SECTOR;
		dev.ops = &image_ops;
		dev.priv = &im;
		if (fat_mount(&dev, NULL, &fs) == 0) {
			mounted++;
			walk_tree(fs, "", 0);
			fuzz_changes(fs);
			walk_tree(fs, "", 0);
			fat_unmount(fs);
		}
	}
	printf("fuzz: %d rounds, %u mounted\n", FUZZ_ROUNDS, mounted);
	CHECK(mounted > 0);
	free(pristine);
}

/* --- main ------------------------------------------------------------------------------ */

/* Runs on every exit, an early exit(1) included. */
static void remove_tmpdir(void)
{
	sh("rm -rf '%s'", tmpdir);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_fat: hang guard fired\n";

	if (write(1, msg, sizeof(msg) - 1)) {
	}
	_exit(2);
}

int main(void)
{
	char base[128], work[128], small[128];

	signal(SIGALRM, on_alarm);
	alarm(HANG_GUARD_SECONDS);
	if (!mkdtemp(tmpdir)) {
		printf("mkdtemp failed\n");
		return 1;
	}
	atexit(remove_tmpdir);
	if (sh("command -v mkfs.fat && command -v mcopy && command -v fsck.fat") != 0) {
		printf("dosfstools and mtools are needed (scripts/install-deps.sh)\n");
		CHECK(false);
		return harness_report();
	}
	snprintf(base, sizeof(base), "%s/base.img", tmpdir);
	snprintf(work, sizeof(work), "%s/work.img", tmpdir);
	snprintf(small, sizeof(small), "%s/fuzz.img", tmpdir);
	make_base_image(base, 16384, "");
	sh("cp '%s' '%s'", base, work);
	test_read(base);
	test_read_only(base);
	test_variant("4 KiB sectors", "-S 4096 -s 1", 0);
	test_variant("partition at sector 63", "--offset 63", 63);
	test_write(work);
	test_fat_copies(work);
	test_enospc();
	/* the damage and fuzz tests use a 2 MiB copy of the base image (512-byte clusters) */
	make_base_image(small, 2200, "-s 1");
	test_corrupt_bpb(small);
	test_corrupt_chains(small);
	test_unsupported_types();
	test_fuzz(small);
	free(bad_image);
	return harness_report();
}
