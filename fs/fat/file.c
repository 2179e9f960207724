// SPDX-License-Identifier: MIT
/*
 * file.c - file data: reading, writing (growing the chain all or nothing, a gap
 * filled with zeros), truncating, and the node/stat views of a directory entry.
 *
 * A node is checked when it is made (fat_node_from_entry()): its first cluster must
 * be on the volume and its chain must be loop-free and long enough for its size, so
 * a damaged entry gives -EIO at lookup and never a read past the chain.
 */
#define pr_fmt(fmt) "fat: " fmt

#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include "fat_priv.h"

#define FAT_FILE_SIZE_MAX 0xFFFFFFFFu /* DIR_FileSize is 32 bits */

static uint32_t clusters_for(const struct fat_fs *fs, uint64_t bytes)
{
	return (uint32_t)((bytes + fs->cluster_size - 1) / fs->cluster_size);
}

int fat_node_from_entry(struct fat_fs *fs, uint32_t parent, const struct fat_entry *e,
			struct fat_node *node)
{
	uint32_t first = fat_dirent_cluster(&e->de), length;
	int err;

	memset(node, 0, sizeof(*node));
	node->first_cluster = first;
	node->attr = e->de.attr;
	node->parent_cluster = parent;
	node->entry_index = e->index;
	node->first_slot = e->first_slot;
	node->size = (e->de.attr & FAT_ATTR_DIRECTORY) ? 0 : e->de.size;
	if (first && !fat_cluster_valid(fs, first)) {
		pr_err("\"%s\": first cluster %u is not on the volume\n", e->name, first);
		return -EIO;
	}
	err = fat_chain_length(fs, first, &length);
	if (err) {
		return err;
	}
	if (clusters_for(fs, node->size) > length) {
		pr_err("\"%s\": size %u is larger than its %u clusters\n", e->name, node->size,
		       length);
		return -EIO;
	}
	return 0;
}

int fat_stat(struct fat_fs *fs, const struct fat_node *node, struct fat_stat *out)
{
	struct fat_dirent de;
	int err;

	memset(out, 0, sizeof(*out));
	out->is_dir = node->is_root || (node->attr & FAT_ATTR_DIRECTORY);
	out->attr = node->is_root ? FAT_ATTR_DIRECTORY : node->attr;
	out->size = node->size;
	if (node->is_root) {
		return 0;
	}
	err = fat_dirent_read(fs, node, &de);
	if (err) {
		return err;
	}
	fat_time_decode(de.wdate, de.wtime, &out->mtime);
	fat_time_decode(de.cdate, de.ctime, &out->ctime);
	return 0;
}

/* Reads or writes @len bytes at @offset inside cluster @cluster, through whole sectors. */
static int cluster_io(struct fat_fs *fs, uint32_t cluster, uint32_t offset, uint8_t *buf,
		      uint32_t len, bool write)
{
	uint32_t sector = fat_cluster_sector(fs, cluster) + offset / fs->sector_size;
	uint32_t in = offset % fs->sector_size, n;
	uint8_t *data;
	int err;

	while (len) {
		n = MIN(len, fs->sector_size - in);
		if (!in && n == fs->sector_size) {
			n = len / fs->sector_size;
			err = write ? fat_write_sectors(fs, sector, n, buf)
				    : fat_read_sectors(fs, sector, n, buf);
			n *= fs->sector_size;
		} else {
			err = fat_sector_get(fs, sector, &data);
			if (!err && write) {
				memcpy(data + in, buf, n);
				err = fat_sector_put(fs);
			} else if (!err) {
				memcpy(buf, data + in, n);
			}
		}
		if (err) {
			return err;
		}
		buf += n;
		len -= n;
		sector += (in + n) / fs->sector_size;
		in = 0;
	}
	return 0;
}

/* Moves @len bytes between @buf and the file at @offset (inside its chain). */
static int data_io(struct fat_fs *fs, struct fat_node *node, uint64_t offset, uint8_t *buf,
		   size_t len, bool write)
{
	uint32_t index = (uint32_t)(offset / fs->cluster_size), cluster, in, n;
	int err = len ? fat_chain_seek(fs, node, index, &cluster) : 0;

	in = (uint32_t)(offset % fs->cluster_size);
	while (!err && len) {
		n = (uint32_t)MIN(len, (size_t)(fs->cluster_size - in));
		err = cluster_io(fs, cluster, in, buf, n, write);
		buf += n;
		len -= n;
		in = 0;
		if (!err && len) {
			err = fat_chain_seek(fs, node, ++index, &cluster);
		}
	}
	return err == -ENOENT ? -EIO : err;
}

long fat_read(struct fat_fs *fs, struct fat_node *node, uint64_t offset, void *buf, size_t len)
{
	int err;

	if (node->is_root || (node->attr & FAT_ATTR_DIRECTORY)) {
		return -EISDIR;
	}
	if (offset >= node->size) {
		return 0;
	}
	len = (size_t)MIN((uint64_t)len, node->size - offset);
	err = data_io(fs, node, offset, buf, len, false);
	return err ? err : (long)len;
}

/* Makes the chain of @node hold @size bytes; all or nothing. */
static int ensure_clusters(struct fat_fs *fs, struct fat_node *node, uint64_t size)
{
	uint32_t have, need = clusters_for(fs, size), last = 0, first;
	int err = fat_chain_length(fs, node->first_cluster, &have);

	if (err || need <= have) {
		return err;
	}
	if (have) {
		err = fat_chain_seek(fs, node, have - 1, &last);
		if (err) {
			return err == -ENOENT ? -EIO : err;
		}
	}
	err = fat_chain_alloc(fs, need - have, last, &first);
	if (err) {
		return err;
	}
	if (!node->first_cluster) {
		node->first_cluster = first;
	}
	return 0;
}

static int update_entry(struct fat_fs *fs, struct fat_node *node)
{
	struct fat_dirent de;
	uint16_t date, time;
	int err = fat_dirent_read(fs, node, &de);

	if (err) {
		return err;
	}
	fat_dirent_set_cluster(&de, node->first_cluster);
	de.size = node->size;
	de.attr |= FAT_ATTR_ARCHIVE;
	fat_now(fs, &date, &time);
	de.wdate = date;
	de.wtime = time;
	de.adate = date;
	err = fat_dirent_update(fs, node, &de);
	return err ? err : fat_flush(fs);
}

/* Writes zeros over [@from, @to) of the file; the chain already covers it. */
static int zero_fill(struct fat_fs *fs, struct fat_node *node, uint64_t from, uint64_t to)
{
	uint8_t *zero = calloc(1, fs->cluster_size);
	int err = zero ? 0 : -ENOMEM;

	while (!err && from < to) {
		uint32_t n = (uint32_t)MIN(to - from, (uint64_t)fs->cluster_size);

		err = data_io(fs, node, from, zero, n, true);
		from += n;
	}
	free(zero);
	return err;
}

static int check_writable(struct fat_fs *fs, const struct fat_node *node)
{
	if (node->is_root || (node->attr & FAT_ATTR_DIRECTORY)) {
		return -EISDIR;
	}
	return fs->read_only ? -EROFS : 0;
}

/* Grows or keeps the chain for @end bytes, zero-filling from the old size to @from. */
static int prepare_write(struct fat_fs *fs, struct fat_node *node, uint64_t from, uint64_t end)
{
	uint32_t old_first = node->first_cluster;
	int err = ensure_clusters(fs, node, end);

	if (!err && from > node->size) {
		err = zero_fill(fs, node, node->size, from);
	}
	if (err) {
		fat_discard(fs); /* the FAT goes back to what is on disk */
		node->first_cluster = old_first;
		node->hint_cluster = 0;
	}
	return err;
}

long fat_write(struct fat_fs *fs, struct fat_node *node, uint64_t offset, const void *buf,
	       size_t len)
{
	uint64_t end = offset + len;
	uint32_t old_first;
	int err = check_writable(fs, node);

	if (err || !len) {
		return err;
	}
	if (end > FAT_FILE_SIZE_MAX || end < offset) {
		return -EFBIG;
	}
	old_first = node->first_cluster;
	err = prepare_write(fs, node, offset, end);
	if (err) {
		return err;
	}
	err = data_io(fs, node, offset, (uint8_t *)buf, len, true);
	if (err) {
		fat_discard(fs);
		node->first_cluster = old_first;
		node->hint_cluster = 0;
		return err;
	}
	if (end > node->size) {
		node->size = (uint32_t)end;
	}
	err = update_entry(fs, node);
	return err ? err : (long)len;
}

static int shrink(struct fat_fs *fs, struct fat_node *node, uint32_t size)
{
	uint32_t keep = clusters_for(fs, size), last;
	int err;

	if (!keep) {
		err = fat_chain_free(fs, node->first_cluster);
		node->first_cluster = 0;
	} else {
		err = fat_chain_seek(fs, node, keep - 1, &last);
		if (!err) {
			err = fat_chain_cut(fs, last);
		}
	}
	node->hint_cluster = 0;
	node->size = size;
	return err;
}

int fat_truncate(struct fat_fs *fs, struct fat_node *node, uint64_t size)
{
	int err = check_writable(fs, node);

	if (err) {
		return err;
	}
	if (size > FAT_FILE_SIZE_MAX) {
		return -EFBIG;
	}
	if (size < node->size) {
		err = shrink(fs, node, (uint32_t)size);
		if (err) {
			fat_discard(fs);
			return err;
		}
	} else if (size > node->size) {
		err = prepare_write(fs, node, size, size);
		if (!err) {
			node->size = (uint32_t)size;
		}
	}
	return err ? err : update_entry(fs, node);
}
