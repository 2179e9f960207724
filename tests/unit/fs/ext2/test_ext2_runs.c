// SPDX-License-Identifier: MIT
/*
 * test_ext2_runs.c - file data in runs (fs/ext2/run.c, file.c): ext2 moves the whole
 * blocks of a read or write in one device request per run of contiguous disk blocks and
 * allocates the blocks of a write contiguously, after the file's previous block.
 *
 * Over images made by mke2fs (1 KiB and 4 KiB blocks) behind a device that counts its
 * requests: a sequential file is contiguous (one run per pointer array) and moves in a
 * few large requests; files written interleaved are fragmented and still read back right,
 * whole or at odd offsets; writes spanning holes, existing blocks and the direct/indirect
 * boundary match a model of the file (holes and the untouched parts of new blocks read
 * as zeros); a device that fails large writes leaves the file as it was and the block
 * counts right. Every image ends e2fsck -fn clean, and debugfs reads what was written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ext2_image.h"
#include <kernel/ext2.h>
#include "../../../../fs/ext2/ext2_fs.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
#define SECTOR 512u

static char img[512];

/* A device in front of the image that counts requests and can fail the large writes. */
struct counting {
	struct blkdev dev;
	struct blkdev image;
	unsigned long reads, writes;
	uint32_t largest_read, largest_write; /* sectors */
	uint32_t fail_writes_over;	      /* sectors; 0: never fail */
};

static int count_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	struct counting *c = dev->priv;

	c->reads++;
	c->largest_read = count > c->largest_read ? count : c->largest_read;
	return c->image.ops->read(&c->image, sector, count, buf);
}

static int count_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	struct counting *c = dev->priv;

	if (c->fail_writes_over && count > c->fail_writes_over) {
		return -EIO;
	}
	c->writes++;
	c->largest_write = count > c->largest_write ? count : c->largest_write;
	return c->image.ops->write(&c->image, sector, count, buf);
}

static const struct blkdev_ops count_ops = {.read = count_read, .write = count_write};

static struct ext2_fs *mount_counting(struct counting *c)
{
	struct ext2_fs *fs = NULL;

	memset(c, 0, sizeof(*c));
	if (image_open(&c->image, img)) {
		CHECK(0);
		return NULL;
	}
	c->dev = c->image;
	c->dev.ops = &count_ops;
	c->dev.priv = c;
	CHECK_EQ(ext2_mount(&c->dev, 0, &fs), 0);
	return fs;
}

static void unmount_counting(struct counting *c, struct ext2_fs *fs)
{
	if (fs) {
		CHECK_EQ(ext2_unmount(fs), 0);
	}
	image_close(&c->image);
}

static void make_image(unsigned int block_size, const char *size)
{
	snprintf(img, sizeof(img), "%s/runs-%u.img", image_tmpdir(), block_size);
	CHECK_EQ(image_run("rm -f '%s' && mke2fs -q -F -t ext2 -b %u '%s' %s", img, block_size, img,
			   size),
		 0);
}

static void check_fsck(void)
{
	const char *dir = image_tmpdir();

	CHECK_EQ(image_run("e2fsck -fn '%s' >'%s/fsck.log' 2>&1 || { cat '%s/fsck.log'; exit 1; }",
			   img, dir, dir),
		 0);
}

static void check_host(const char *path, const uint8_t *want, size_t len)
{
	size_t got_len = 0;
	uint8_t *got = image_debugfs_cat(img, path, &got_len);

	CHECK_MSG(got && got_len == len, "debugfs cat %s: %zu bytes, want %zu", path, got_len, len);
	if (got && got_len == len) {
		CHECK_MEMEQ(got, want, len);
	}
	free(got);
}

static uint32_t block_of(struct ext2_fs *fs, uint32_t ino, uint64_t lblock)
{
	struct ext2_inode inode;
	uint32_t phys = 0;

	CHECK_EQ(ext2_iget(fs, ino, &inode), 0);
	CHECK_EQ(ext2_bmap(fs, ino, &inode, lblock, false, &phys), 0);
	return phys;
}

/* A file written in order lies in order, and moves in a few large requests. */
static void test_sequential(unsigned int bs)
{
	const size_t len = 4 * MIB + 63 * KIB; /* past the first indirect block with 4 KiB */
	uint32_t per_array = bs / 4, phys, count;
	uint8_t *data = malloc(len), *back = malloc(len);
	struct ext2_inode inode;
	struct counting c;
	struct ext2_fs *fs;
	long ino;

	make_image(bs, "16M");
	image_pattern(data, len, 1, 0);
	fs = mount_counting(&c);
	ino = fs ? ext2_create(fs, "/seq", 0644) : -1;
	CHECK(ino > 0);
	if (ino <= 0) {
		unmount_counting(&c, fs);
		goto out;
	}
	c.writes = 0;
	for (size_t done = 0; done < len; done += MIB) {
		size_t n = len - done < MIB ? len - done : MIB;

		CHECK_EQ(ext2_write(fs, (uint32_t)ino, done, data + done, n), (long)n);
	}
	/* Data in runs of up to a pointer array, metadata a block at a time: far below a block each. */
	CHECK_MSG(c.writes < len / bs / 8, "%lu writes for %zu blocks", c.writes, len / bs);
	CHECK_EQ(c.largest_write, (MIB / bs < per_array ? MIB / bs : per_array) * (bs / SECTOR));
	/* Contiguous: the direct blocks, then the indirect block, then the rest. */
	CHECK_EQ(ext2_iget(fs, (uint32_t)ino, &inode), 0);
	CHECK_EQ(ext2_map_run(fs, &inode, 0, 100, &phys, &count), 0);
	CHECK_EQ(count, 12u);
	CHECK_EQ(block_of(fs, (uint32_t)ino, 12), block_of(fs, (uint32_t)ino, 11) + 2);
	CHECK_EQ(ext2_map_run(fs, &inode, 12, per_array + 5, &phys, &count), 0);
	CHECK_EQ(count, per_array);
	CHECK_EQ(ext2_map_run(fs, &inode, 12, 7, &phys, &count), 0);
	CHECK_EQ(count, 7u);

	c.reads = 0;
	CHECK_EQ(ext2_read(fs, (uint32_t)ino, 0, back, len), (long)len);
	CHECK_MEMEQ(back, data, len);
	CHECK_MSG(c.reads < len / bs / 8, "%lu reads for %zu blocks", c.reads, len / bs);
	CHECK_EQ(c.largest_read, per_array * (bs / SECTOR));
	unmount_counting(&c, fs);
	check_fsck();
	check_host("/seq", data, len);
out:
	free(data);
	free(back);
}

/* Applies a write to the file and to its model. */
static void write_both(struct ext2_fs *fs, uint32_t ino, uint8_t *model, uint64_t off, size_t n,
		       uint32_t seed)
{
	uint8_t *buf = malloc(n);

	image_pattern(buf, n, seed, off);
	CHECK_EQ(ext2_write(fs, ino, off, buf, n), (long)n);
	memcpy(model + off, buf, n);
	free(buf);
}

static void check_model(struct ext2_fs *fs, uint32_t ino, const uint8_t *model, uint64_t off,
			size_t n)
{
	uint8_t *got = malloc(n + 1);

	CHECK_EQ(ext2_read(fs, ino, off, got, n), (long)n);
	CHECK_MEMEQ(got, model + off, n);
	free(got);
}

/*
 * Two files written in turns are fragmented; reads of any range and writes across
 * fragments, holes, existing blocks and the direct/indirect boundary match the models.
 */
static void test_fragmented(unsigned int bs)
{
	const size_t size = 900 * KIB;
	uint8_t *model[2] = {calloc(1, size), calloc(1, size)};
	uint64_t end[2] = {0, 0};
	static const struct {
		int file;
		uint64_t off;
		size_t len;
	} writes[] = {
		{0, 13 * KIB + 100, 700},     /* a new block, partly: zeros around it */
		{0, 5000, 40 * KIB},	      /* over it and holes, past the direct blocks */
		{1, 0, 3 * KIB},	      /* both files' blocks interleave below */
		{0, 200 * KIB + 1, 64 * KIB}, /* after a hole, odd start and end */
		{1, 100 * KIB, 300 * KIB},
		{0, 190 * KIB, 30 * KIB}, /* over the end of the hole and existing data */
		{1, 1, 250 * KIB},	  /* the whole of file 1's first part, shifted */
		{0, 600 * KIB, 299 * KIB},
		{0, 0, 4 * KIB},
	};
	struct ext2_inode inode;
	uint32_t phys = 0, count = 0;
	struct counting c;
	struct ext2_fs *fs;
	long ino[2], junk;

	make_image(bs, "8M");
	fs = mount_counting(&c);
	ino[0] = fs ? ext2_create(fs, "/a", 0644) : -1;
	ino[1] = fs ? ext2_create(fs, "/b", 0644) : -1;
	CHECK(ino[0] > 0 && ino[1] > 0);
	if (ino[0] <= 0 || ino[1] <= 0) {
		unmount_counting(&c, fs);
		goto out;
	}
	/* Free blocks that are not zeros: new blocks must not show what they held. */
	junk = ext2_create(fs, "/junk", 0644);
	CHECK(junk > 0);
	if (junk > 0) {
		uint8_t *buf = malloc(MIB);

		memset(buf, 0xa5, MIB);
		CHECK_EQ(ext2_write(fs, (uint32_t)junk, 0, buf, MIB), (long)MIB);
		CHECK_EQ(ext2_unlink(fs, "/junk"), 0);
		free(buf);
	}
	/* Interleaved appends: each file's blocks alternate with the other's on the disk. */
	for (uint64_t off = 0; off < 120 * KIB; off += 6 * KIB) {
		for (int f = 0; f < 2; f++) {
			write_both(fs, (uint32_t)ino[f], model[f], 300 * KIB + off, 6 * KIB, 7 + f);
		}
	}
	if (ext2_iget(fs, (uint32_t)ino[0], &inode) == 0) {
		CHECK_EQ(ext2_map_run(fs, &inode, 300 * KIB / bs, 120 * KIB / bs, &phys, &count),
			 0);
		CHECK(phys != 0 && count < 120 * KIB / bs);
	}
	end[0] = end[1] = 420 * KIB;
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		int f = writes[i].file;

		write_both(fs, (uint32_t)ino[f], model[f], writes[i].off, writes[i].len, 20 + i);
		if (writes[i].off + writes[i].len > end[f]) {
			end[f] = writes[i].off + writes[i].len;
		}
		check_model(fs, (uint32_t)ino[f], model[f], 0, end[f]);
	}
	for (int f = 0; f < 2; f++) {
		check_model(fs, (uint32_t)ino[f], model[f], 1, end[f] - 1);
		check_model(fs, (uint32_t)ino[f], model[f], 299 * KIB + 3, 77 * KIB);
		check_model(fs, (uint32_t)ino[f], model[f], 12 * bs - 5, bs + 10);
	}
	unmount_counting(&c, fs);
	check_fsck();
	check_host("/a", model[0], end[0]);
	check_host("/b", model[1], end[1]);
out:
	free(model[0]);
	free(model[1]);
}

/* A write whose data cannot reach the disk gives its new blocks back. */
static void test_failed_write(unsigned int bs)
{
	uint8_t *buf = malloc(MIB);
	struct ext2_stat before, after;
	struct counting c;
	struct ext2_fs *fs;
	uint64_t free_before;
	long ino;

	make_image(bs, "8M");
	image_pattern(buf, MIB, 3, 0);
	fs = mount_counting(&c);
	ino = fs ? ext2_create(fs, "/f", 0644) : -1;
	CHECK(ino > 0);
	if (ino <= 0) {
		unmount_counting(&c, fs);
		goto out;
	}
	CHECK_EQ(ext2_write(fs, (uint32_t)ino, 0, buf, 100 * KIB), (long)(100 * KIB));
	CHECK_EQ(ext2_stat(fs, (uint32_t)ino, &before), 0);
	free_before = fs->sb.s_free_blocks_count;
	c.fail_writes_over = bs / SECTOR; /* whole-run data writes fail, metadata passes */
	CHECK_EQ(ext2_write(fs, (uint32_t)ino, 100 * KIB, buf, MIB), -EIO);
	c.fail_writes_over = 0;
	CHECK_EQ(ext2_stat(fs, (uint32_t)ino, &after), 0);
	CHECK_EQ(after.size, before.size);
	/* Only indirect blocks the map took stay. */
	CHECK(fs->sb.s_free_blocks_count + 2 >= free_before);
	CHECK_EQ(after.blocks - before.blocks,
		 (uint64_t)(free_before - fs->sb.s_free_blocks_count) * (bs / SECTOR));
	unmount_counting(&c, fs);
	check_fsck();
	check_host("/f", buf, 100 * KIB);
out:
	free(buf);
}

int main(void)
{
	test_sequential(4096);
	test_sequential(1024);
	test_fragmented(4096);
	test_fragmented(1024);
	test_failed_write(4096);
	test_failed_write(1024);
	image_cleanup();
	return harness_report();
}
