// SPDX-License-Identifier: MIT
/*
 * test_ext2.c - fs/ext2 against images made by mke2fs -d, with e2fsck -fn and
 * debugfs as the oracles (TESTING.md layer 1).
 *
 * For 1 KiB and 4 KiB blocks: read files the host wrote (direct, single and double
 * indirect blocks), then create, write (a large file, a sparse file reaching the triple
 * indirect block), mkdir, rename, unlink, rmdir and truncate; unmount; e2fsck must be
 * clean and debugfs must read back what was written. Then a full disk (ENOSPC, still
 * clean), corrupt images (clear errors, image unchanged) and random byte flips in
 * metadata (no crash under ASan, nothing written on a read-only mount).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ext2_image.h"
#include <kernel/ext2.h>
#include "../../../../fs/ext2/ext2_reg.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
#define BIG_SIZE (600 * KIB + 123)   /* double indirect with 1 KiB blocks */
#define LARGE_SIZE (1200 * KIB + 77) /* written through the library */
#define MANY_FILES 120

static char src_dir[512], img[512];

static void *pattern(size_t len, uint32_t seed)
{
	void *p = malloc(len ? len : 1);

	image_pattern(p, len, seed, 0);
	return p;
}

static void put_pattern(const char *rel, size_t len, uint32_t seed)
{
	char path[1024];
	void *p = pattern(len, seed);

	snprintf(path, sizeof(path), "%s/%s", src_dir, rel);
	image_put_file(path, p, len);
	free(p);
}

/* A tree for mke2fs -d, and the image, with @block_size-byte blocks. */
static void make_image(unsigned int block_size, const char *size, const char *extra)
{
	snprintf(src_dir, sizeof(src_dir), "%s/src%u", image_tmpdir(), block_size);
	snprintf(img, sizeof(img), "%s/ext2-%u.img", image_tmpdir(), block_size);
	image_run("rm -rf '%s' '%s'", src_dir, img);
	image_put_file(strcat(strcpy((char[1024]){0}, src_dir), "/hello.txt"), "hello ext2\n", 11);
	put_pattern("big.bin", BIG_SIZE, 1);
	put_pattern("sub/dir/nested.txt", 5000, 2);
	put_pattern("other/keep.txt", 100, 3);
	put_pattern("empty", 0, 4);
	CHECK_EQ(image_run("mke2fs -q -F -t ext2 -b %u %s -d '%s' '%s' %s", block_size, extra,
			   src_dir, img, size),
		 0);
}

static struct ext2_fs *mount_image(struct blkdev *dev, unsigned int flags)
{
	struct ext2_fs *fs = NULL;

	if (image_open(dev, img)) {
		CHECK(0);
		return NULL;
	}
	CHECK_EQ(ext2_mount(dev, flags, &fs), 0);
	return fs;
}

static void check_file(struct ext2_fs *fs, const char *path, size_t len, uint32_t seed)
{
	long ino = ext2_lookup(fs, path);
	uint8_t *want = pattern(len, seed), *got = malloc(len + 16);

	CHECK_MSG(ino > 0, "%s: %ld", path, ino);
	if (ino > 0) {
		CHECK_EQ(ext2_read(fs, (uint32_t)ino, 0, got, len + 16), (long)len);
		CHECK_MEMEQ(got, want, len);
	}
	free(want);
	free(got);
}

static void check_debugfs(const char *path, size_t len, uint32_t seed)
{
	size_t got_len = 0;
	uint8_t *got = image_debugfs_cat(img, path, &got_len);
	uint8_t *want = pattern(len, seed);

	CHECK_MSG(got && got_len == len, "debugfs cat %s: %zu bytes", path, got_len);
	if (got && got_len == len) {
		CHECK_MEMEQ(got, want, len);
	}
	free(got);
	free(want);
}

struct names {
	char seen[64][64];
	int count;
};

static int collect(void *ctx, const char *name, size_t len, uint32_t ino, unsigned int type)
{
	struct names *n = ctx;

	(void)ino;
	(void)type;
	if (n->count < 64 && len < 64) {
		memcpy(n->seen[n->count], name, len);
		n->seen[n->count][len] = 0;
		n->count++;
	}
	return 0;
}

static bool has_name(const struct names *n, const char *name)
{
	for (int i = 0; i < n->count; i++) {
		if (!strcmp(n->seen[i], name)) {
			return true;
		}
	}
	return false;
}

static void test_read_host_files(struct ext2_fs *fs)
{
	char buf[64] = {0};
	struct names names = {0};
	struct ext2_stat st;
	uint64_t cookie = 0;
	long ino = ext2_lookup(fs, "/hello.txt");

	CHECK(ino > 0);
	CHECK_EQ(ext2_read(fs, (uint32_t)ino, 0, buf, sizeof(buf)), 11);
	CHECK_STREQ(buf, "hello ext2\n");
	CHECK_EQ(ext2_read(fs, (uint32_t)ino, 6, buf, 3), 3);
	CHECK_MEMEQ(buf, "ext", 3);
	check_file(fs, "/big.bin", BIG_SIZE, 1);
	check_file(fs, "sub/dir/nested.txt", 5000, 2);
	check_file(fs, "/sub/./dir/../dir/nested.txt", 5000, 2);
	check_file(fs, "/empty", 0, 4);
	CHECK_EQ(ext2_lookup(fs, "/nope"), -ENOENT);
	CHECK_EQ(ext2_lookup(fs, "/hello.txt/x"), -ENOTDIR);
	CHECK_EQ(ext2_lookup(fs, "/"), EXT2_ROOT_INO);
	CHECK_EQ(ext2_lookup(fs, "/.."), EXT2_ROOT_INO);
	CHECK_EQ(ext2_stat(fs, (uint32_t)ext2_lookup(fs, "/big.bin"), &st), 0);
	CHECK_EQ(st.size, BIG_SIZE);
	CHECK_EQ(st.mode & EXT2_S_IFMT, EXT2_S_IFREG);
	CHECK_EQ(ext2_readdir(fs, EXT2_ROOT_INO, &cookie, collect, &names), 0);
	CHECK(has_name(&names, ".") && has_name(&names, "..") && has_name(&names, "hello.txt"));
	CHECK(has_name(&names, "sub") && has_name(&names, "lost+found"));
	CHECK_EQ(ext2_read(fs, EXT2_ROOT_INO, 0, buf, 1), -EISDIR);
}

static void write_pattern(struct ext2_fs *fs, uint32_t ino, uint64_t offset, size_t len,
			  uint32_t seed, size_t chunk)
{
	uint8_t *buf = malloc(chunk);

	for (size_t done = 0; done < len;) {
		size_t n = len - done < chunk ? len - done : chunk;

		image_pattern(buf, n, seed, done);
		CHECK_EQ(ext2_write(fs, ino, offset + done, buf, n), (long)n);
		done += n;
	}
	free(buf);
}

static long create_file(struct ext2_fs *fs, const char *path, size_t len, uint32_t seed)
{
	long ino = ext2_create(fs, path, 0644);

	CHECK_MSG(ino > 0, "create %s: %ld", path, ino);
	if (ino > 0) {
		write_pattern(fs, (uint32_t)ino, 0, len, seed, 3001);
	}
	return ino;
}

/* A file with one block far out: the triple indirect block, and holes before it. */
static void test_sparse(struct ext2_fs *fs, uint64_t offset)
{
	long ino = ext2_create(fs, "/sparse", 0600);
	uint8_t buf[100], zero[100] = {0};

	CHECK(ino > 0);
	write_pattern(fs, (uint32_t)ino, offset, 100, 9, 100);
	write_pattern(fs, (uint32_t)ino, 5000, 100, 10, 100);
	CHECK_EQ(ext2_read(fs, (uint32_t)ino, offset / 2, buf, 100), 100);
	CHECK_MEMEQ(buf, zero, 100);
}

static void test_many_entries(struct ext2_fs *fs)
{
	char path[128];

	CHECK(ext2_mkdir(fs, "/many", 0755) > 0);
	for (int i = 0; i < MANY_FILES; i++) {
		snprintf(path, sizeof(path), "/many/file-with-a-long-name-%03d", i);
		CHECK(ext2_create(fs, path, 0644) > 0);
	}
	for (int i = 0; i < MANY_FILES; i += 2) {
		snprintf(path, sizeof(path), "/many/file-with-a-long-name-%03d", i);
		CHECK_EQ(ext2_unlink(fs, path), 0);
	}
	for (int i = 0; i < MANY_FILES / 4; i++) {
		snprintf(path, sizeof(path), "/many/n%d", i);
		CHECK(create_file(fs, path, 10, 20) > 0);
	}
	CHECK_EQ(ext2_lookup(fs, "/many/file-with-a-long-name-000"), -ENOENT);
	CHECK(ext2_lookup(fs, "/many/file-with-a-long-name-001") > 0);
	CHECK_EQ(ext2_create(fs, "/many/n3", 0644), -EEXIST);
}

static void test_tree_changes(struct ext2_fs *fs)
{
	long ino;

	CHECK(create_file(fs, "/new.txt", 5000, 5) > 0);
	CHECK(ext2_mkdir(fs, "/d1", 0755) > 0);
	CHECK(ext2_mkdir(fs, "/d1/d2", 0755) > 0);
	CHECK(create_file(fs, "/d1/d2/f", 777, 6) > 0);
	ino = create_file(fs, "/large.bin", LARGE_SIZE, 7);
	CHECK_EQ(ext2_unlink(fs, "/hello.txt"), 0);
	CHECK_EQ(ext2_lookup(fs, "/hello.txt"), -ENOENT);
	CHECK_EQ(ext2_rename(fs, "/new.txt", "/d1/moved.txt"), 0);
	CHECK_EQ(ext2_rename(fs, "/d1/d2", "/d2moved"), 0);
	CHECK_EQ(ext2_lookup(fs, "/d2moved/.."), EXT2_ROOT_INO);
	CHECK_EQ(ext2_rename(fs, "/d1", "/d2moved/inside"), 0);
	CHECK_EQ(ext2_rename(fs, "/d2moved", "/d2moved/inside/loop"), -EINVAL);
	CHECK(create_file(fs, "/a.txt", 300, 11) > 0);
	CHECK(create_file(fs, "/b.txt", 400, 12) > 0);
	CHECK_EQ(ext2_rename(fs, "/a.txt", "/b.txt"), 0);
	CHECK_EQ(ext2_rename(fs, "/b.txt", "/other"), -EISDIR);
	CHECK_EQ(ext2_rmdir(fs, "/sub"), -ENOTEMPTY);
	CHECK_EQ(ext2_rmdir(fs, "/big.bin"), -ENOTDIR);
	CHECK_EQ(ext2_unlink(fs, "/sub"), -EISDIR);
	CHECK(ext2_mkdir(fs, "/gone", 0755) > 0);
	CHECK_EQ(ext2_rmdir(fs, "/gone"), 0);
	CHECK(ext2_mkdir(fs, "/emptydir", 0755) > 0);
	CHECK_EQ(ext2_rename(fs, "/sub/dir", "/emptydir"), 0);
	CHECK_EQ(ext2_truncate(fs, (uint32_t)ext2_lookup(fs, "/big.bin"), 100000), 0);
	CHECK_EQ(ext2_truncate(fs, (uint32_t)ino, 300 * KIB + 5), 0);
	CHECK_EQ(ext2_truncate(fs, (uint32_t)ino, 400 * KIB), 0); /* grows with a hole */
	CHECK_EQ(ext2_create(fs, "/d2moved", 0644), -EEXIST);
	CHECK_EQ(ext2_mkdir(fs, "/nope/x", 0755), -ENOENT);
	test_many_entries(fs);
}

/* What test_tree_changes() leaves, checked through @fs. */
static void check_tree(struct ext2_fs *fs)
{
	uint8_t *buf = calloc(1, 100 * KIB);
	long ino = ext2_lookup(fs, "/large.bin");

	check_file(fs, "/d2moved/inside/moved.txt", 5000, 5);
	check_file(fs, "/d2moved/f", 777, 6);
	check_file(fs, "/b.txt", 300, 11);
	check_file(fs, "/emptydir/nested.txt", 5000, 2);
	CHECK_EQ(ext2_lookup(fs, "/d2moved/inside/.."), ext2_lookup(fs, "/d2moved"));
	CHECK_EQ(ext2_lookup(fs, "/a.txt"), -ENOENT);
	CHECK(ino > 0);
	CHECK_EQ(ext2_read(fs, (uint32_t)ino, 300 * KIB, buf, 100 * KIB), 100 * KIB);
	CHECK(buf[5] == 0 && buf[100 * KIB - 1] == 0);
	free(buf);
}

/*
 * e2fsck -fn must exit 0 and ask nothing: it exits 0 even for a wrong free count in the
 * superblock ("Free blocks count wrong ... Fix? no"), so its questions count too.
 */
static void check_fsck(void)
{
	const char *dir = image_tmpdir();

	CHECK_EQ(image_run("e2fsck -fn '%s' >'%s/fsck.log' 2>&1 || { cat '%s/fsck.log'; exit 1; }",
			   img, dir, dir),
		 0);
	CHECK_EQ(image_run("! grep -e '? no' -e wrong '%s/fsck.log'", dir), 0);
}

static void check_host_view(void)
{
	check_fsck();
	check_debugfs("/d2moved/inside/moved.txt", 5000, 5);
	check_debugfs("/d2moved/f", 777, 6);
	check_debugfs("/b.txt", 300, 11);
	check_debugfs("/many/n3", 10, 20);
	check_debugfs("/other/keep.txt", 100, 3);
}

static void test_read_write(unsigned int block_size, const char *options, uint64_t sparse_offset)
{
	struct blkdev dev;
	struct ext2_fs *fs;

	make_image(block_size, "16M", options);
	fs = mount_image(&dev, 0);
	if (!fs) {
		return;
	}
	test_read_host_files(fs);
	test_tree_changes(fs);
	test_sparse(fs, sparse_offset);
	check_file(fs, "/big.bin", 100000, 1);
	CHECK_EQ(ext2_sync(fs), 0);
	CHECK_EQ(ext2_unmount(fs), 0);
	image_close(&dev);
	check_host_view();
	check_debugfs("/big.bin", 100000, 1);

	fs = mount_image(&dev, EXT2_MOUNT_RDONLY);
	if (fs) {
		check_tree(fs);
		CHECK_EQ(ext2_create(fs, "/ro", 0644), -EROFS);
		CHECK_EQ(ext2_unmount(fs), 0);
	}
	image_close(&dev);
	check_fsck();
}

/* Fills a small volume: ENOSPC, the volume still clean, space back after unlink. */
static void test_full_disk(void)
{
	struct blkdev dev;
	struct ext2_fs *fs;
	uint8_t *buf = calloc(1, 64 * KIB);
	long ino, n = 0, files = 0;
	char path[64];

	make_image(1024, "1M", "-N 32");
	fs = mount_image(&dev, 0);
	if (!fs) {
		free(buf);
		return;
	}
	ino = ext2_create(fs, "/fill", 0644);
	for (uint64_t off = 0; ino > 0; off += (uint64_t)n) {
		n = ext2_write(fs, (uint32_t)ino, off, buf, 64 * KIB);
		if (n != 64 * KIB) {
			break;
		}
	}
	CHECK_EQ(ext2_write(fs, (uint32_t)ino, 10 * MIB, buf, KIB), -ENOSPC);
	for (files = 0; files < 100; files++) {
		snprintf(path, sizeof(path), "/f%ld", files);
		if (ext2_create(fs, path, 0644) < 0) {
			break;
		}
	}
	CHECK(files < 100);
	CHECK_EQ(ext2_mkdir(fs, "/full", 0755), -ENOSPC);
	CHECK_EQ(ext2_unmount(fs), 0);
	image_close(&dev);
	check_fsck();

	fs = mount_image(&dev, 0);
	if (fs) {
		CHECK_EQ(ext2_unlink(fs, "/fill"), 0);
		CHECK(create_file(fs, "/after", 50 * KIB, 8) > 0);
		CHECK_EQ(ext2_unmount(fs), 0);
	}
	image_close(&dev);
	check_fsck();
	check_debugfs("/after", 50 * KIB, 8);
	free(buf);
}

int main(void)
{
	/* 80 MiB is in the triple indirect block with 1 KiB blocks, 5 GiB with 4 KiB. */
	test_read_write(1024, "", 80ull * MIB);
	test_read_write(4096, "", 5ull * 1024 * MIB);
	test_read_write(2048, "-I 256", 80ull * MIB);
	test_read_write(1024, "-r 0", 80ull * MIB);
	test_full_disk();
	image_cleanup();
	return harness_report();
}
