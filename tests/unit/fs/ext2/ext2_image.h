/* SPDX-License-Identifier: MIT */
/*
 * ext2_image.h - helpers of the ext2 unit test: a scratch directory, images made by
 * mke2fs -d, struct blkdev backed by an image file or by memory, and the host tools
 * (e2fsck, debugfs, cmp) as oracles.
 */
#ifndef TESTS_UNIT_FS_EXT2_IMAGE_H
#define TESTS_UNIT_FS_EXT2_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/blkdev.h>

/* Non-zero: printk() from the library prints nothing (corrupt images log on purpose). */
extern int image_quiet_log;

/* Makes a fresh scratch directory (removed by image_cleanup()); returns its path. */
const char *image_tmpdir(void);
void image_cleanup(void);

/* Runs a shell command; returns its exit status (-1 if it could not run). */
int image_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes @len bytes of @data to file @path (directories made as needed). */
void image_put_file(const char *path, const void *data, size_t len);

/* Fills @buf with bytes that depend on @seed and the position. */
void image_pattern(void *buf, size_t len, uint32_t seed, uint64_t offset);

/* Opens @path read-write as a 512-byte-sector block device. */
int image_open(struct blkdev *dev, const char *path);
void image_close(struct blkdev *dev);

/* A block device over @len bytes of memory at @mem. */
void image_mem(struct blkdev *dev, void *mem, size_t len);

/* Reads a whole file into a malloc'd buffer; *@len gets its size. NULL on failure. */
void *image_slurp(const char *path, size_t *len);

/* debugfs -R "cat @inpath" @img into a buffer; NULL on failure. */
void *image_debugfs_cat(const char *img, const char *inpath, size_t *len);

#endif
