// SPDX-License-Identifier: MIT
/*
 * fat.c - the File Allocation Table: following, allocating, extending and freeing
 * cluster chains in the in-memory copy, and writing changed FAT sectors to every copy
 * on disk (fat_flush(), called at the end of each changing operation).
 *
 * Every walk is bounded: a chain with more links than the volume has clusters is a
 * loop, and a link to 0, 1, a bad cluster or past the end is damage; both give -EIO.
 */
#define pr_fmt(fmt) "fat: " fmt

#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include "fat_priv.h"

static uint16_t fat_get(const struct fat_fs *fs, uint32_t cluster)
{
	const uint8_t *p = fs->fat + cluster * FAT16_ENTRY_SIZE;

	return (uint16_t)(p[0] | p[1] << 8);
}

static void fat_set(struct fat_fs *fs, uint32_t cluster, uint16_t value)
{
	uint32_t offset = cluster * FAT16_ENTRY_SIZE;

	fs->fat[offset] = (uint8_t)value;
	fs->fat[offset + 1] = (uint8_t)(value >> 8);
	fs->fat_dirty[offset / fs->sector_size] = true;
}

bool fat_cluster_valid(const struct fat_fs *fs, uint32_t cluster)
{
	return cluster >= FAT_FIRST_CLUSTER && cluster < fs->cluster_count + FAT_FIRST_CLUSTER;
}

/* Returns 0 and the next cluster, 1 at the end of the chain, -EIO for a bad link. */
int fat_next(struct fat_fs *fs, uint32_t cluster, uint32_t *next)
{
	uint16_t value;

	if (!fat_cluster_valid(fs, cluster)) {
		return -EIO;
	}
	value = fat_get(fs, cluster);
	if (value >= FAT16_EOC_MIN) {
		return 1;
	}
	if (!fat_cluster_valid(fs, value)) {
		pr_err("cluster %u links to %#x\n", cluster, value);
		return -EIO;
	}
	*next = value;
	return 0;
}

/* Counts the clusters of the chain at @first (0 for none). 0 or -EIO (bad link, loop). */
int fat_chain_length(struct fat_fs *fs, uint32_t first, uint32_t *length)
{
	uint32_t cluster = first, n = 0;
	int ret;

	if (!first) {
		*length = 0;
		return 0;
	}
	for (;;) {
		if (++n > fs->cluster_count) {
			pr_err("loop in the chain at cluster %u\n", first);
			return -EIO;
		}
		ret = fat_next(fs, cluster, &cluster);
		if (ret) {
			break;
		}
	}
	if (ret < 0) {
		return ret;
	}
	*length = n;
	return 0;
}

/*
 * Finds the @index-th cluster (from 0) of @node's chain, starting from its hint when
 * that is not past @index. 0, -ENOENT (the chain is shorter), -EIO.
 */
int fat_chain_seek(struct fat_fs *fs, struct fat_node *node, uint32_t index, uint32_t *cluster)
{
	uint32_t at = 0, c = node->first_cluster;
	int ret;

	if (!c) {
		return -ENOENT;
	}
	if (node->hint_cluster && node->hint_index <= index) {
		at = node->hint_index;
		c = node->hint_cluster;
	}
	if (index - at > fs->cluster_count) {
		return -EIO;
	}
	for (; at < index; at++) {
		ret = fat_next(fs, c, &c);
		if (ret) {
			return ret < 0 ? ret : -ENOENT;
		}
	}
	if (!fat_cluster_valid(fs, c)) {
		return -EIO;
	}
	node->hint_index = index;
	node->hint_cluster = c;
	*cluster = c;
	return 0;
}

static int find_free(struct fat_fs *fs, uint32_t *cluster)
{
	uint32_t end = fs->cluster_count + FAT_FIRST_CLUSTER;
	uint32_t c = fs->alloc_hint;

	for (uint32_t i = 0; i < fs->cluster_count; i++, c++) {
		if (c >= end) {
			c = FAT_FIRST_CLUSTER;
		}
		if (fat_get(fs, c) == FAT16_FREE) {
			*cluster = c;
			fs->alloc_hint = c + 1;
			return 0;
		}
	}
	return -ENOSPC;
}

/*
 * Allocates a chain of @count clusters and links it after @last (0: a new chain).
 * All or nothing: on -ENOSPC the FAT is as before. Returns the first new cluster.
 */
int fat_chain_alloc(struct fat_fs *fs, uint32_t count, uint32_t last, uint32_t *first)
{
	uint32_t head = 0, prev = 0, c;

	if (count > fat_free_clusters(fs)) {
		return -ENOSPC;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (find_free(fs, &c)) {
			return -ENOSPC; /* cannot happen after the count above */
		}
		fat_set(fs, c, FAT16_EOC);
		if (prev) {
			fat_set(fs, prev, (uint16_t)c);
		} else {
			head = c;
		}
		prev = c;
	}
	if (last && head) {
		fat_set(fs, last, (uint16_t)head);
	}
	*first = head;
	return 0;
}

/* Frees the chain at @first. 0 or -EIO (it stops at damage, freeing what came before). */
int fat_chain_free(struct fat_fs *fs, uint32_t first)
{
	uint32_t c = first, next = 0, n = 0;
	int ret;

	while (first) {
		if (++n > fs->cluster_count) {
			return -EIO;
		}
		ret = fat_next(fs, c, &next);
		if (ret < 0) {
			return ret;
		}
		fat_set(fs, c, FAT16_FREE);
		if (ret) {
			break;
		}
		c = next;
	}
	return 0;
}

/* Ends the chain at @last and frees what followed it. 0 or -EIO. */
int fat_chain_cut(struct fat_fs *fs, uint32_t last)
{
	uint32_t next;
	int ret = fat_next(fs, last, &next);

	if (ret < 0) {
		return ret;
	}
	fat_set(fs, last, FAT16_EOC);
	return ret ? 0 : fat_chain_free(fs, next);
}

int fat_zero_cluster(struct fat_fs *fs, uint32_t cluster)
{
	uint32_t sector = fat_cluster_sector(fs, cluster);
	uint8_t *zero = calloc(1, fs->cluster_size);
	int err;

	if (!zero) {
		return -ENOMEM;
	}
	err = fat_write_sectors(fs, sector, fs->sectors_per_cluster, zero);
	free(zero);
	return err;
}

uint32_t fat_free_clusters(struct fat_fs *fs)
{
	uint32_t n = 0;

	for (uint32_t c = FAT_FIRST_CLUSTER; c < fs->cluster_count + FAT_FIRST_CLUSTER; c++) {
		n += fat_get(fs, c) == FAT16_FREE;
	}
	return n;
}

/* Writes each changed FAT sector to every copy, so the copies stay identical. */
int fat_flush(struct fat_fs *fs)
{
	const uint8_t *data;
	int err;

	for (uint32_t s = 0; s < fs->fat_loaded; s++) {
		if (!fs->fat_dirty[s]) {
			continue;
		}
		data = fs->fat + s * fs->sector_size;
		for (uint32_t copy = 0; copy < fs->fat_count; copy++) {
			err = fat_write_sectors(fs, fs->fat_start + copy * fs->fat_sectors + s, 1,
						data);
			if (err) {
				return err;
			}
		}
		fs->fat_dirty[s] = false;
	}
	return 0;
}

/* Forgets unwritten FAT changes by reloading the dirty sectors from disk. */
void fat_discard(struct fat_fs *fs)
{
	for (uint32_t s = 0; s < fs->fat_loaded; s++) {
		if (fs->fat_dirty[s] &&
		    !fat_read_sectors(fs, fs->fat_start + s, 1, fs->fat + s * fs->sector_size)) {
			fs->fat_dirty[s] = false;
		}
	}
}
