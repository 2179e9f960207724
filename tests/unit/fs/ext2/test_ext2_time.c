// SPDX-License-Identifier: MIT
/*
 * test_ext2_time.c - the times fs/ext2 stamps from the mount options' clock (ext2 layout,
 * "Inode Table" and "Superblock"), with a fake clock the test moves by hand.
 *
 * Each step (create, write, mkdir, rename, truncate, unlink, rmdir) runs at a clock value
 * of its own; afterwards every inode's i_atime/i_mtime/i_ctime (and i_dtime of the freed
 * ones) must be the value of the step that last changed it, read back through ext2_stat()
 * and through debugfs "stat", and the superblock must hold s_mtime of the mount and
 * s_wtime of the unmount. e2fsck -fn must be clean. Without a clock nothing is stamped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ext2_image.h"
#include <kernel/ext2.h>
#include "../../../../fs/ext2/ext2_reg.h"

/* The clock values of the steps: distinct, and far from 0 (1970) and from the host's now. */
enum {
	T_MOUNT = 1000000000,
	T_CREATE = 1100000000,
	T_WRITE = 1200000000,
	T_MKDIR = 1300000000,
	T_RENAME = 1400000000,
	T_TRUNC = 1500000000,
	T_UNLINK = 1600000000,
	T_RMDIR = 1700000000,
	T_UMOUNT = 1800000000,
};

/* An atime check_stat() does not look at: the host's directories keep mke2fs's. */
#define ANY UINT32_MAX

static char img[512];
static uint32_t fake_now;
static unsigned int clock_reads;

static uint32_t fake_clock(void *arg)
{
	CHECK(arg == &fake_now);
	clock_reads++;
	return fake_now;
}

static void make_image(void)
{
	char src[512];

	snprintf(src, sizeof(src), "%s/timesrc", image_tmpdir());
	snprintf(img, sizeof(img), "%s/ext2-time.img", image_tmpdir());
	image_run("rm -rf '%s' '%s'", src, img);
	image_run("mkdir -p '%s/d1' '%s/d2'", src, src);
	CHECK_EQ(image_run("mke2fs -q -F -t ext2 -b 1024 -I 256 -d '%s' '%s' 2M", src, img), 0);
}

static struct ext2_fs *mount_clock(struct blkdev *dev, bool with_clock)
{
	struct ext2_mount_opts opts = {.now = with_clock ? fake_clock : NULL, .now_arg = &fake_now};
	struct ext2_fs *fs = NULL;

	if (image_open(dev, img)) {
		CHECK(0);
		return NULL;
	}
	CHECK_EQ(ext2_mount_opts(dev, &opts, &fs), 0);
	return fs;
}

static uint32_t ino_of(struct ext2_fs *fs, const char *path)
{
	long ino = ext2_lookup(fs, path);

	CHECK_MSG(ino > 0, "lookup %s: %ld", path, ino);
	return ino > 0 ? (uint32_t)ino : 0;
}

/* The library's view: a, m, c of inode @ino. */
static void check_stat(struct ext2_fs *fs, uint32_t ino, uint32_t a, uint32_t m, uint32_t c)
{
	struct ext2_stat st;

	CHECK_EQ(ext2_stat(fs, ino, &st), 0);
	CHECK_MSG((a == ANY || st.atime == a) && st.mtime == m && st.ctime == c,
		  "inode %u: atime %u mtime %u ctime %u, want %u %u %u", ino, st.atime, st.mtime,
		  st.ctime, a, m, c);
}

/* Field @field ("atime", ...) of debugfs "stat" output (a line "field: 0x..."), 0 if none. */
static uint32_t debugfs_time(const char *stat_out, const char *field)
{
	char key[32];
	size_t key_len = (size_t)snprintf(key, sizeof(key), "%s: 0x", field);

	for (const char *line = stat_out; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		while (*line == ' ') {
			line++;
		}
		if (!strncmp(line, key, key_len)) {
			return (uint32_t)strtoul(line + key_len, NULL, 16);
		}
	}
	return 0;
}

/* debugfs's view: a, m, c and d of inode @ino on the unmounted image. */
static void check_debugfs(uint32_t ino, uint32_t a, uint32_t m, uint32_t c, uint32_t d)
{
	char out[600];
	char *text;
	size_t len;

	snprintf(out, sizeof(out), "%s/stat.txt", image_tmpdir());
	CHECK_EQ(image_run("debugfs -R 'stat <%u>' '%s' >'%s' 2>/dev/null", ino, img, out), 0);
	text = image_slurp(out, &len);
	CHECK(text != NULL);
	if (text) {
		text = realloc(text, len + 1);
		text[len] = 0;
	}
	CHECK_MSG((a == ANY || debugfs_time(text, "atime") == a) &&
			  debugfs_time(text, "mtime") == m && debugfs_time(text, "ctime") == c &&
			  debugfs_time(text, "dtime") == d,
		  "debugfs stat <%u>: atime %u mtime %u ctime %u dtime %u, want %u %u %u %u", ino,
		  debugfs_time(text, "atime"), debugfs_time(text, "mtime"),
		  debugfs_time(text, "ctime"), debugfs_time(text, "dtime"), a, m, c, d);
	free(text);
}

static void check_fsck(void)
{
	const char *dir = image_tmpdir();

	CHECK_EQ(image_run("e2fsck -fn '%s' >'%s/fsck.log' 2>&1 || { cat '%s/fsck.log'; exit 1; }",
			   img, dir, dir),
		 0);
}

static void read_super(struct ext2_super_block *sb)
{
	size_t len = 0;
	uint8_t *data = image_slurp(img, &len);

	memset(sb, 0, sizeof(*sb));
	CHECK(data && len >= 2048);
	if (data && len >= 2048) {
		memcpy(sb, data + 1024, sizeof(*sb));
	}
	free(data);
}

struct inos {
	uint32_t root, d1, d2, file, gone, sub;
};

/* The steps, each at its own clock value; the expected times are checked after each. */
static void run_steps(struct ext2_fs *fs, struct inos *i)
{
	static const char data[3000] = "time";
	long ino;

	i->root = ino_of(fs, "/");
	i->d1 = ino_of(fs, "/d1");
	i->d2 = ino_of(fs, "/d2");

	fake_now = T_CREATE;
	ino = ext2_create(fs, "/d1/file", 0644);
	CHECK(ino > 0);
	i->file = ino > 0 ? (uint32_t)ino : 0;
	ino = ext2_create(fs, "/gone", 0644);
	CHECK(ino > 0);
	i->gone = ino > 0 ? (uint32_t)ino : 0;
	check_stat(fs, i->file, T_CREATE, T_CREATE, T_CREATE);
	check_stat(fs, i->d1, ANY, T_CREATE, T_CREATE);

	fake_now = T_WRITE;
	CHECK_EQ(ext2_write(fs, i->file, 0, data, sizeof(data)), (long)sizeof(data));
	check_stat(fs, i->file, T_CREATE, T_WRITE, T_WRITE);
	check_stat(fs, i->d1, ANY, T_CREATE, T_CREATE); /* not an entry change */

	fake_now = T_MKDIR;
	ino = ext2_mkdir(fs, "/d2/sub", 0755);
	CHECK(ino > 0);
	i->sub = ino > 0 ? (uint32_t)ino : 0;
	check_stat(fs, i->sub, T_MKDIR, T_MKDIR, T_MKDIR);
	check_stat(fs, i->d2, ANY, T_MKDIR, T_MKDIR);

	fake_now = T_RENAME;
	CHECK_EQ(ext2_rename(fs, "/d1/file", "/d2/moved"), 0);
	check_stat(fs, i->file, T_CREATE, T_WRITE, T_RENAME);
	check_stat(fs, i->d1, ANY, T_RENAME, T_RENAME);
	check_stat(fs, i->d2, ANY, T_RENAME, T_RENAME);

	fake_now = T_TRUNC;
	CHECK_EQ(ext2_truncate(fs, i->file, 100), 0);
	check_stat(fs, i->file, T_CREATE, T_TRUNC, T_TRUNC);

	fake_now = T_UNLINK;
	CHECK_EQ(ext2_unlink(fs, "/gone"), 0);
	check_stat(fs, i->root, ANY, T_UNLINK, T_UNLINK);

	fake_now = T_RMDIR;
	CHECK_EQ(ext2_rmdir(fs, "/d2/sub"), 0);
	check_stat(fs, i->d2, ANY, T_RMDIR, T_RMDIR);
	fake_now = T_UMOUNT;
}

static void test_clock(void)
{
	struct ext2_super_block sb;
	struct blkdev dev;
	struct ext2_fs *fs;
	struct inos i;

	make_image();
	fake_now = T_MOUNT;
	fs = mount_clock(&dev, true);
	if (!fs) {
		return;
	}
	run_steps(fs, &i);
	CHECK_EQ(ext2_unmount(fs), 0);
	image_close(&dev);
	check_fsck();

	check_debugfs(i.file, T_CREATE, T_TRUNC, T_TRUNC, 0);
	check_debugfs(i.gone, 0, 0, 0, T_UNLINK);
	check_debugfs(i.sub, 0, 0, 0, T_RMDIR);
	check_debugfs(i.d1, ANY, T_RENAME, T_RENAME, 0);
	check_debugfs(i.d2, ANY, T_RMDIR, T_RMDIR, 0);
	check_debugfs(i.root, ANY, T_UNLINK, T_UNLINK, 0);
	read_super(&sb);
	CHECK_EQ(sb.s_mtime, (uint32_t)T_MOUNT);
	CHECK_EQ(sb.s_wtime, (uint32_t)T_UMOUNT);
	CHECK(clock_reads > 0);
}

/* No clock: a new inode's times are 0 and the host's directories keep theirs. */
static void test_no_clock(void)
{
	struct ext2_stat before, after;
	struct blkdev dev;
	struct ext2_fs *fs;
	long ino;

	make_image();
	clock_reads = 0;
	fs = mount_clock(&dev, false);
	if (!fs) {
		return;
	}
	CHECK_EQ(ext2_stat(fs, ino_of(fs, "/d1"), &before), 0);
	ino = ext2_create(fs, "/d1/f", 0644);
	CHECK(ino > 0);
	if (ino > 0) {
		CHECK_EQ(ext2_write(fs, (uint32_t)ino, 0, "x", 1), 1);
		check_stat(fs, (uint32_t)ino, 0, 0, 0);
	}
	CHECK_EQ(ext2_stat(fs, ino_of(fs, "/d1"), &after), 0);
	CHECK(after.mtime == before.mtime && after.ctime == before.ctime);
	CHECK_EQ(ext2_unlink(fs, "/d1/f"), 0);
	CHECK_EQ(ext2_unmount(fs), 0);
	image_close(&dev);
	check_fsck();
	if (ino > 0) {
		check_debugfs((uint32_t)ino, 0, 0, 0, 0);
	}
	CHECK_EQ(clock_reads, 0u);
}

int main(void)
{
	test_clock();
	test_no_clock();
	image_cleanup();
	return harness_report();
}
