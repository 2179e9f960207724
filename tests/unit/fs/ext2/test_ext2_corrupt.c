// SPDX-License-Identifier: MIT
/*
 * test_ext2_corrupt.c - fs/ext2 on damaged images (issue 6, "corrupt input"): each
 * case patches a good mke2fs image; mount must fail with -EINVAL, or the damaged file
 * must give -EIO, never a crash or a hang; and `cmp` must show the image unchanged.
 * Then random byte flips in metadata blocks, read-only and read-write, under ASan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ext2_image.h"
#include <kernel/ext2.h>
#include "../../../../fs/ext2/ext2_reg.h"

#define BLOCK 1024u
#ifndef FUZZ_ROUNDS
#define FUZZ_ROUNDS 200 /* bounded: a long run is -DFUZZ_ROUNDS=N */
#endif
#define FUZZ_FLIPS_MAX 8
#define WALK_DEPTH 4
#define WALK_ENTRIES 32
#define READ_MAX (64 * 1024)

static char good[512], bad[512], orig[512];
static uint8_t *good_mem;
static size_t good_len;

struct layout {
	struct ext2_super_block sb;
	struct ext2_group_desc gd0;
	uint32_t root_block;
	uint32_t hello_ino, big_ino, dir_ino, big_ind;
};

static struct layout lay;

static uint64_t inode_offset(uint32_t ino)
{
	return (uint64_t)lay.gd0.bg_inode_table * BLOCK + (ino - 1) * lay.sb.s_inode_size;
}

static void read_inode(uint32_t ino, struct ext2_inode *inode)
{
	memcpy(inode, good_mem + inode_offset(ino), sizeof(*inode));
}

static long lookup_good(const char *path)
{
	struct blkdev dev;
	struct ext2_fs *fs;
	long ino = -1;

	image_open(&dev, good);
	if (ext2_mount(&dev, EXT2_MOUNT_RDONLY, &fs) == 0) {
		ino = ext2_lookup(fs, path);
		ext2_unmount(fs);
	}
	image_close(&dev);
	return ino;
}

static void make_good(void)
{
	char path[1024];
	uint8_t *big = malloc(300 * 1024);
	struct ext2_inode inode;

	snprintf(path, sizeof(path), "%s/src", image_tmpdir());
	image_run("mkdir -p '%s/sub/dir' '%s/other'", path, path);
	snprintf(path, sizeof(path), "%s/src/hello.txt", image_tmpdir());
	image_put_file(path, "hello ext2\n", 11);
	image_pattern(big, 300 * 1024, 1, 0);
	snprintf(path, sizeof(path), "%s/src/big.bin", image_tmpdir());
	image_put_file(path, big, 300 * 1024);
	free(big);
	snprintf(good, sizeof(good), "%s/good.img", image_tmpdir());
	snprintf(bad, sizeof(bad), "%s/bad.img", image_tmpdir());
	snprintf(orig, sizeof(orig), "%s/bad.orig", image_tmpdir());
	CHECK_EQ(
		image_run("mke2fs -q -F -t ext2 -b 1024 -d '%s/src' '%s' 2M", image_tmpdir(), good),
		0);
	good_mem = image_slurp(good, &good_len);
	memcpy(&lay.sb, good_mem + EXT2_SUPER_OFFSET, sizeof(lay.sb));
	memcpy(&lay.gd0, good_mem + 2 * BLOCK, sizeof(lay.gd0));
	read_inode(EXT2_ROOT_INO, &inode);
	lay.root_block = inode.i_block[0];
	lay.hello_ino = (uint32_t)lookup_good("/hello.txt");
	lay.big_ino = (uint32_t)lookup_good("/big.bin");
	lay.dir_ino = (uint32_t)lookup_good("/sub/dir");
	read_inode(lay.big_ino, &inode);
	lay.big_ind = inode.i_block[EXT2_IND_BLOCK];
	CHECK(lay.hello_ino > 0 && lay.big_ino > 0 && lay.dir_ino > 0 && lay.big_ind > 0);
}

/* bad.img = good.img with @len bytes of @data at @offset; bad.orig keeps that state. */
static void patch(uint64_t offset, const void *data, size_t len)
{
	uint8_t *mem = malloc(good_len);

	memcpy(mem, good_mem, good_len);
	memcpy(mem + offset, data, len);
	image_put_file(bad, mem, good_len);
	image_put_file(orig, mem, good_len);
	free(mem);
}

static void patch32(uint64_t offset, uint32_t value)
{
	patch(offset, &value, sizeof(value));
}

static void patch16(uint64_t offset, uint16_t value)
{
	patch(offset, &value, sizeof(value));
}

static void check_unchanged(const char *what)
{
	CHECK_MSG(image_run("cmp -s '%s' '%s'", bad, orig) == 0, "%s: image changed", what);
}

static void expect_mount_fails(const char *what, int want)
{
	struct blkdev dev;
	struct ext2_fs *fs = NULL;
	int err;

	image_open(&dev, bad);
	err = ext2_mount(&dev, 0, &fs);
	CHECK_MSG(err == want, "%s: mount gave %d", what, err);
	if (!err) {
		ext2_unmount(fs);
	}
	image_close(&dev);
	check_unchanged(what);
}

#define SB_FIELD(f) (EXT2_SUPER_OFFSET + offsetof(struct ext2_super_block, f))
#define GD0_FIELD(f) (2 * BLOCK + offsetof(struct ext2_group_desc, f))

static void test_bad_super(void)
{
	patch16(SB_FIELD(s_magic), 0x1234);
	expect_mount_fails("magic", -EINVAL);
	patch32(SB_FIELD(s_blocks_count), lay.sb.s_blocks_count * 4);
	expect_mount_fails("s_blocks_count past the disk", -EINVAL);
	patch32(SB_FIELD(s_log_block_size), 7);
	expect_mount_fails("block size", -EINVAL);
	patch32(SB_FIELD(s_inodes_per_group), 0);
	expect_mount_fails("inodes per group", -EINVAL);
	patch32(SB_FIELD(s_feature_incompat), lay.sb.s_feature_incompat | 0x40);
	expect_mount_fails("INCOMPAT extents", -EINVAL);
	patch32(GD0_FIELD(bg_inode_table), lay.sb.s_blocks_count - 2);
	expect_mount_fails("inode table past the disk", -EINVAL);
	patch32(GD0_FIELD(bg_block_bitmap), 0xfffffff0u);
	expect_mount_fails("block bitmap past the disk", -EINVAL);
}

/* Mounts bad.img read-write, runs @ops, unmounts: the image must come back unchanged. */
static void with_bad_mount(const char *what, void (*ops)(struct ext2_fs *fs))
{
	struct blkdev dev;
	struct ext2_fs *fs = NULL;

	image_open(&dev, bad);
	CHECK_MSG(ext2_mount(&dev, 0, &fs) == 0, "%s: mount", what);
	if (fs) {
		ops(fs);
		CHECK_EQ(ext2_unmount(fs), 0);
	}
	image_close(&dev);
	check_unchanged(what);
}

static int ignore_entry(void *ctx, const char *name, size_t len, uint32_t ino, unsigned int type)
{
	(void)ctx;
	(void)name;
	(void)len;
	(void)ino;
	(void)type;
	return 0;
}

static void root_dir_ops(struct ext2_fs *fs)
{
	uint64_t cookie = 0;
	char name[300];

	CHECK_EQ(ext2_lookup(fs, "/hello.txt"), -EIO);
	CHECK_EQ(ext2_create(fs, "/new", 0644), -EIO);
	CHECK_EQ(ext2_mkdir(fs, "/newdir", 0755), -EIO);
	CHECK_EQ(ext2_unlink(fs, "/hello.txt"), -EIO);
	CHECK_EQ(ext2_readdir(fs, EXT2_ROOT_INO, &cookie, ignore_entry, NULL), -EIO);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	CHECK_EQ(ext2_lookup(fs, name), -ENAMETOOLONG);
}

static void hello_ops(struct ext2_fs *fs)
{
	char buf[16];

	CHECK_EQ(ext2_read(fs, lay.hello_ino, 0, buf, sizeof(buf)), -EIO);
	CHECK_EQ(ext2_write(fs, lay.hello_ino, 0, "x", 1), -EIO);
	CHECK_EQ(ext2_truncate(fs, lay.hello_ino, 0), -EIO);
	CHECK_EQ(ext2_unlink(fs, "/hello.txt"), -EIO);
}

static void big_ops(struct ext2_fs *fs)
{
	char buf[16];

	CHECK_EQ(ext2_read(fs, lay.big_ino, 0, buf, sizeof(buf)), (long)sizeof(buf));
	CHECK_EQ(ext2_read(fs, lay.big_ino, 12 * BLOCK, buf, sizeof(buf)), -EIO);
	CHECK_EQ(ext2_write(fs, lay.big_ino, 12 * BLOCK, "x", 1), -EIO);
	CHECK_EQ(ext2_truncate(fs, lay.big_ino, 0), -EIO);
	CHECK_EQ(ext2_unlink(fs, "/big.bin"), -EIO);
}

static void dotdot_ops(struct ext2_fs *fs)
{
	CHECK_EQ(ext2_rename(fs, "/other", "/sub/dir/x"), -EIO);
}

/* Offset of entry @index (0 = ".") in the first block of a directory starting at @block. */
static uint64_t entry_offset(uint32_t block, int index)
{
	uint64_t off = (uint64_t)block * BLOCK;

	for (int i = 0; i < index; i++) {
		struct ext2_dir_entry de;

		memcpy(&de, good_mem + off, sizeof(de));
		off += de.rec_len;
	}
	return off;
}

static void test_bad_files(void)
{
	struct ext2_inode inode;

	patch16(entry_offset(lay.root_block, 0) + offsetof(struct ext2_dir_entry, rec_len), 3);
	with_bad_mount("dir entry rec_len", root_dir_ops);
	patch16(entry_offset(lay.root_block, 1) + offsetof(struct ext2_dir_entry, rec_len),
		BLOCK * 2);
	with_bad_mount("dir entry rec_len past the block", root_dir_ops);
	patch(entry_offset(lay.root_block, 0) + offsetof(struct ext2_dir_entry, name_len), "\xff",
	      1);
	with_bad_mount("dir entry name_len", root_dir_ops);
	patch32(inode_offset(lay.hello_ino) + offsetof(struct ext2_inode, i_block),
		lay.sb.s_blocks_count + 100);
	with_bad_mount("block pointer past the end", hello_ops);
	patch32(inode_offset(lay.hello_ino) + offsetof(struct ext2_inode, i_block),
		lay.gd0.bg_inode_table);
	with_bad_mount("block pointer into the inode table", hello_ops);
	patch32((uint64_t)lay.big_ind * BLOCK, lay.big_ind);
	with_bad_mount("indirect block loop", big_ops);
	read_inode(lay.dir_ino, &inode);
	patch32(entry_offset(inode.i_block[0], 1), lay.dir_ino);
	with_bad_mount("\"..\" loop", dotdot_ops);
}

struct walk_ctx {
	uint32_t inos[WALK_ENTRIES];
	int count;
};

static int walk_fill(void *ctx, const char *name, size_t len, uint32_t ino, unsigned int type)
{
	struct walk_ctx *w = ctx;

	(void)type;
	if ((len == 1 && name[0] == '.') || (len == 2 && !memcmp(name, "..", 2))) {
		return 0;
	}
	if (w->count < WALK_ENTRIES) {
		w->inos[w->count++] = ino;
	}
	return 0;
}

/* Reads everything reachable from directory @ino; results are ignored, crashes are not. */
static void walk_tree(struct ext2_fs *fs, uint32_t ino, int depth, uint8_t *buf)
{
	struct walk_ctx w = {.count = 0};
	struct ext2_stat st;
	uint64_t cookie = 0;

	ext2_readdir(fs, ino, &cookie, walk_fill, &w);
	for (int i = 0; i < w.count; i++) {
		if (ext2_stat(fs, w.inos[i], &st)) {
			continue;
		}
		if ((st.mode & EXT2_S_IFMT) == EXT2_S_IFDIR && depth < WALK_DEPTH) {
			walk_tree(fs, w.inos[i], depth + 1, buf);
		} else {
			ext2_read(fs, w.inos[i], 0, buf, READ_MAX);
		}
	}
}

static void fuzz_writes(struct ext2_fs *fs, uint8_t *buf)
{
	long ino = ext2_create(fs, "/fz", 0644);

	if (ino > 0) {
		ext2_write(fs, (uint32_t)ino, 0, buf, 20000);
		ext2_truncate(fs, (uint32_t)ino, 3000);
	}
	ext2_mkdir(fs, "/fzdir", 0755);
	ext2_rename(fs, "/sub", "/fzdir/sub");
	ext2_rename(fs, "/hello.txt", "/other/h");
	ext2_unlink(fs, "/big.bin");
	ext2_rmdir(fs, "/fzdir/sub/dir");
}

static uint32_t fuzz_block(unsigned int r)
{
	uint32_t blocks[] = {1,
			     2,
			     lay.gd0.bg_block_bitmap,
			     lay.gd0.bg_inode_bitmap,
			     lay.gd0.bg_inode_table,
			     lay.gd0.bg_inode_table + 1,
			     lay.root_block,
			     lay.big_ind};

	return blocks[r % (sizeof(blocks) / sizeof(blocks[0]))];
}

/* One round of flips; returns whether the damaged image still mounted. */
static bool fuzz_round(int round, uint8_t *mem, uint8_t *buf)
{
	bool read_only = round % 2 == 0;
	int flips = 1 + rand() % FUZZ_FLIPS_MAX;
	struct ext2_fs *fs = NULL;
	struct blkdev dev;
	bool mounted;

	memcpy(mem, good_mem, good_len);
	for (int i = 0; i < flips; i++) {
		uint64_t off = (uint64_t)fuzz_block((unsigned int)rand()) * BLOCK + rand() % BLOCK;

		mem[off] ^= (uint8_t)(1 + rand() % 255);
	}
	image_mem(&dev, mem, good_len);
	memcpy(buf, mem, good_len);
	mounted = ext2_mount(&dev, read_only ? EXT2_MOUNT_RDONLY : 0, &fs) == 0;
	if (mounted) {
		walk_tree(fs, EXT2_ROOT_INO, 0, buf + good_len);
		ext2_lookup(fs, "/sub/dir/../../hello.txt");
		if (!read_only) {
			fuzz_writes(fs, buf + good_len);
		}
		ext2_unmount(fs);
	}
	if (read_only) {
		CHECK_MSG(memcmp(buf, mem, good_len) == 0, "round %d wrote a read-only image",
			  round);
	}
	return mounted;
}

static void test_fuzz(void)
{
	uint8_t *mem = malloc(good_len);
	uint8_t *buf = malloc(good_len + READ_MAX);
	int mounted = 0;

	srand(6);
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		mounted += fuzz_round(round, mem, buf);
	}
	/* Most flips leave a mountable volume: the walks and writes above really ran. */
	CHECK_MSG(mounted > FUZZ_ROUNDS / 2, "only %d of %d rounds mounted", mounted, FUZZ_ROUNDS);
	free(mem);
	free(buf);
}

int main(void)
{
	image_quiet_log = 1;
	make_good();
	test_bad_super();
	test_bad_files();
	test_fuzz();
	free(good_mem);
	image_cleanup();
	return harness_report();
}
