/* SPDX-License-Identifier: MIT */
/*
 * fat_priv.h - state of a mounted FAT16 volume and the functions the files of fs/fat/
 * share: super.c (mount, sector I/O), fat.c (cluster chains), name.c (8.3 and long
 * names), dir.c (directory entries), file.c (file data), namei.c (paths).
 */
#ifndef FS_FAT_FAT_PRIV_H
#define FS_FAT_FAT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/blkdev.h>
#include <kernel/fat.h>
#include "fat_reg.h"

struct fat_fs {
	struct blkdev *dev;
	struct fat_mount_opts opts;
	bool read_only;
	uint32_t sector_size;	 /* bytes per FAT sector (BPB_BytsPerSec) */
	uint32_t dev_per_sector; /* device sectors per FAT sector */
	uint32_t total_sectors;
	uint32_t cluster_size; /* bytes */
	uint32_t sectors_per_cluster;
	uint32_t fat_start;   /* first sector of the first FAT */
	uint32_t fat_sectors; /* sectors per FAT copy */
	uint32_t fat_count;
	uint32_t root_start; /* the FAT16 root directory region */
	uint32_t root_entries;
	uint32_t data_start;	/* sector of cluster 2 */
	uint32_t cluster_count; /* valid clusters: 2 .. cluster_count + 1 */
	/* The first FAT copy, in memory: the sectors that hold entries 0..cluster_count+1. */
	uint8_t *fat;
	uint32_t fat_loaded; /* sectors in fat[] */
	bool *fat_dirty;     /* per loaded sector: to be written to every copy */
	uint32_t alloc_hint;
	/* One sector of metadata, write-through; any write to its sector updates it. */
	uint8_t *buf;
	uint32_t buf_sector;
	bool buf_valid;
};

/* super.c */
int fat_read_sectors(struct fat_fs *fs, uint32_t sector, uint32_t count, void *buf);
int fat_write_sectors(struct fat_fs *fs, uint32_t sector, uint32_t count, const void *buf);
int fat_sector_get(struct fat_fs *fs, uint32_t sector, uint8_t **data);
int fat_sector_put(struct fat_fs *fs);
uint32_t fat_cluster_sector(const struct fat_fs *fs, uint32_t cluster);
void fat_now(struct fat_fs *fs, uint16_t *date, uint16_t *time);
void fat_time_decode(uint16_t date, uint16_t time, struct fat_time *out);

/* fat.c */
bool fat_cluster_valid(const struct fat_fs *fs, uint32_t cluster);
int fat_next(struct fat_fs *fs, uint32_t cluster, uint32_t *next);
int fat_chain_length(struct fat_fs *fs, uint32_t first, uint32_t *length);
int fat_chain_seek(struct fat_fs *fs, struct fat_node *node, uint32_t index, uint32_t *cluster);
int fat_chain_alloc(struct fat_fs *fs, uint32_t count, uint32_t last, uint32_t *first);
int fat_chain_free(struct fat_fs *fs, uint32_t first);
int fat_chain_cut(struct fat_fs *fs, uint32_t last);
int fat_zero_cluster(struct fat_fs *fs, uint32_t cluster);
uint32_t fat_free_clusters(struct fat_fs *fs);
int fat_flush(struct fat_fs *fs);
void fat_discard(struct fat_fs *fs);

/* name.c: names are UTF-8 strings, long names UCS-2. */
#define FAT_NAME_BUF (FAT_NAME_BYTES_MAX + 1)
int fat_name_check(const char *name, uint16_t *ucs, uint32_t *length);
void fat_ucs2_to_utf8(const uint16_t *ucs, uint32_t length, char *out, uint32_t size);
void fat_short_to_str(const struct fat_dirent *de, char *out);
bool fat_short_exact(const char *name, uint8_t sfn[FAT_SHORT_NAME_LEN], uint8_t *nt_case);
void fat_short_basis(const uint16_t *ucs, uint32_t length, uint8_t sfn[FAT_SHORT_NAME_LEN]);
int fat_short_tail(uint8_t sfn[FAT_SHORT_NAME_LEN], uint32_t n);
uint8_t fat_lfn_checksum(const uint8_t sfn[FAT_SHORT_NAME_LEN]);
bool fat_name_equal(const char *a, const char *b);

/* dir.c: a whole directory in memory. */
struct fat_dir {
	uint32_t first;	    /* first cluster; 0 for the root region */
	uint32_t count;	    /* entries */
	uint32_t *clusters; /* the chain (NULL for the root) */
	uint32_t nclusters;
	struct fat_dirent *ent;
};

/* One live entry found in a directory. */
struct fat_entry {
	uint32_t index;	     /* of the 8.3 entry */
	uint32_t first_slot; /* of its first long-name entry, or index */
	struct fat_dirent de;
	char name[FAT_NAME_BUF];
};

typedef int (*fat_dir_visit_t)(void *arg, const struct fat_entry *e);

int fat_dir_load(struct fat_fs *fs, uint32_t first, struct fat_dir *dir);
void fat_dir_release(struct fat_dir *dir);
int fat_dir_store(struct fat_fs *fs, struct fat_dir *dir, uint32_t index, uint32_t count);
int fat_dir_walk(struct fat_dir *dir, fat_dir_visit_t fn, void *arg);
int fat_dir_find(struct fat_dir *dir, const char *name, struct fat_entry *out);
int fat_dir_add(struct fat_fs *fs, struct fat_dir *dir, const char *name,
		const struct fat_dirent *proto, struct fat_entry *out);
int fat_dir_remove(struct fat_fs *fs, struct fat_dir *dir, const struct fat_entry *e);
bool fat_dir_is_empty(struct fat_dir *dir);
uint32_t fat_dirent_cluster(const struct fat_dirent *de);
void fat_dirent_set_cluster(struct fat_dirent *de, uint32_t cluster);
int fat_dirent_update(struct fat_fs *fs, const struct fat_node *node, const struct fat_dirent *de);
int fat_dirent_read(struct fat_fs *fs, const struct fat_node *node, struct fat_dirent *de);

/* namei.c */
int fat_path_split(struct fat_fs *fs, const char *path, struct fat_node *parent, char *name);

/* file.c */
int fat_node_from_entry(struct fat_fs *fs, uint32_t parent, const struct fat_entry *e,
			struct fat_node *node);

#endif /* FS_FAT_FAT_PRIV_H */
