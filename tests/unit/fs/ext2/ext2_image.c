// SPDX-License-Identifier: MIT
/* ext2_image.c - see ext2_image.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ext2_image.h"

#define SECTOR 512

static char tmpdir[256];

int image_quiet_log;

/* The library's allocator and log on the host: glibc's malloc, stdout. */
void *toro_malloc(size_t size)
{
	return malloc(size);
}

void *toro_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

void toro_free(void *p)
{
	free(p);
}

int printk(int level, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	(void)level;
	if (!image_quiet_log) {
		va_start(ap, fmt);
		n = vprintf(fmt, ap);
		va_end(ap);
	}
	return n;
}

const char *image_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/toro-ext2-XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
	}
	return tmpdir;
}

void image_cleanup(void)
{
	if (tmpdir[0]) {
		image_run("rm -rf '%s'", tmpdir);
		tmpdir[0] = 0;
	}
}

int image_run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st)) {
		return -1;
	}
	return WEXITSTATUS(st);
}

void image_put_file(const char *path, const void *data, size_t len)
{
	FILE *f;

	image_run("mkdir -p \"$(dirname '%s')\"", path);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

void image_pattern(void *buf, size_t len, uint32_t seed, uint64_t offset)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		uint64_t x = (offset + i) * 2654435761u + seed * 40503u;

		p[i] = (uint8_t)(x >> 13 ^ x);
	}
}

static int file_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	int fd = (int)(intptr_t)dev->priv;
	size_t len = (size_t)count * SECTOR;

	if (sector + count > dev->sector_count) {
		return -EIO;
	}
	return pread(fd, buf, len, (off_t)(sector * SECTOR)) == (ssize_t)len ? 0 : -EIO;
}

static int file_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	int fd = (int)(intptr_t)dev->priv;
	size_t len = (size_t)count * SECTOR;

	if (sector + count > dev->sector_count) {
		return -EIO;
	}
	return pwrite(fd, buf, len, (off_t)(sector * SECTOR)) == (ssize_t)len ? 0 : -EIO;
}

static const struct blkdev_ops file_ops = {.read = file_read, .write = file_write};

int image_open(struct blkdev *dev, const char *path)
{
	int fd = open(path, O_RDWR);
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		return -1;
	}
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "img");
	dev->sector_size = SECTOR;
	dev->sector_count = (uint64_t)st.st_size / SECTOR;
	dev->ops = &file_ops;
	dev->priv = (void *)(intptr_t)fd;
	return 0;
}

void image_close(struct blkdev *dev)
{
	close((int)(intptr_t)dev->priv);
}

static int mem_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	if (sector + count > dev->sector_count) {
		return -EIO;
	}
	memcpy(buf, (uint8_t *)dev->priv + sector * SECTOR, (size_t)count * SECTOR);
	return 0;
}

static int mem_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	if (sector + count > dev->sector_count) {
		return -EIO;
	}
	memcpy((uint8_t *)dev->priv + sector * SECTOR, buf, (size_t)count * SECTOR);
	return 0;
}

static const struct blkdev_ops mem_ops = {.read = mem_read, .write = mem_write};

void image_mem(struct blkdev *dev, void *mem, size_t len)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "mem");
	dev->sector_size = SECTOR;
	dev->sector_count = len / SECTOR;
	dev->ops = &mem_ops;
	dev->priv = mem;
}

void *image_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f) {
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(size > 0 ? (size_t)size : 1);
	if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)size;
	return buf;
}

void *image_debugfs_cat(const char *img, const char *inpath, size_t *len)
{
	char out[512];

	snprintf(out, sizeof(out), "%s/debugfs.out", image_tmpdir());
	if (image_run("debugfs -R 'cat %s' '%s' >'%s' 2>/dev/null", inpath, img, out) != 0) {
		return NULL;
	}
	return image_slurp(out, len);
}
