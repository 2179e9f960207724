// SPDX-License-Identifier: MIT
/*
 * dir.c - directories: a whole directory is loaded into memory (the FAT16 root region,
 * or a cluster chain), walked with its long names assembled, changed in memory, and
 * the changed entries written back. Also single-entry updates for file size and times.
 *
 * fatgen103 "FAT Directory Structure": 0xE5 marks a deleted entry and 0x00 the end
 * (nothing after it is looked at). "FAT Long Directory Entries": a long name is a run
 * of entries numbered N|0x40, N-1 .. 1 just before its 8.3 entry, each holding the
 * 8.3 name's checksum; a run that breaks that rule is an orphan and is ignored, so the
 * file is seen under its 8.3 name, as the specification says.
 */
#define pr_fmt(fmt) "fat: " fmt

#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include "fat_priv.h"

uint32_t fat_dirent_cluster(const struct fat_dirent *de)
{
	return de->first_cluster_low; /* FAT16: the high half is 0 */
}

void fat_dirent_set_cluster(struct fat_dirent *de, uint32_t cluster)
{
	de->first_cluster_low = (uint16_t)cluster;
	de->first_cluster_high = 0;
}

static uint32_t entries_per_sector(const struct fat_fs *fs)
{
	return fs->sector_size / FAT_DIRENT_SIZE;
}

static int load_root(struct fat_fs *fs, struct fat_dir *dir)
{
	uint32_t sectors = fs->root_entries / entries_per_sector(fs);

	dir->count = sectors * entries_per_sector(fs);
	dir->ent = malloc((size_t)sectors * fs->sector_size);
	if (!dir->ent) {
		return -ENOMEM;
	}
	return fat_read_sectors(fs, fs->root_start, sectors, dir->ent);
}

static int load_chain(struct fat_fs *fs, struct fat_dir *dir)
{
	uint32_t length, c = dir->first;
	size_t per = fs->cluster_size;
	int err = fat_chain_length(fs, dir->first, &length);

	if (err) {
		return err;
	}
	if (!length ||
	    (uint64_t)length * fs->cluster_size / FAT_DIRENT_SIZE > FAT_DIR_ENTRIES_MAX) {
		pr_err("directory at cluster %u has %u clusters\n", dir->first, length);
		return -EIO;
	}
	dir->clusters = malloc(length * sizeof(*dir->clusters));
	dir->ent = malloc(length * per);
	if (!dir->clusters || !dir->ent) {
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < length; i++) {
		dir->clusters[i] = c;
		err = fat_read_sectors(fs, fat_cluster_sector(fs, c), fs->sectors_per_cluster,
				       (uint8_t *)dir->ent + i * per);
		if (err) {
			return err;
		}
		if (i + 1 < length && fat_next(fs, c, &c)) {
			return -EIO;
		}
	}
	dir->nclusters = length;
	dir->count = (uint32_t)(length * per / FAT_DIRENT_SIZE);
	return 0;
}

/* Reads directory @first (0: the root region). 0, -EIO, -ENOMEM. */
int fat_dir_load(struct fat_fs *fs, uint32_t first, struct fat_dir *dir)
{
	int err;

	memset(dir, 0, sizeof(*dir));
	dir->first = first;
	err = first ? load_chain(fs, dir) : load_root(fs, dir);
	if (err) {
		fat_dir_release(dir);
	}
	return err;
}

void fat_dir_release(struct fat_dir *dir)
{
	free(dir->clusters);
	free(dir->ent);
	dir->clusters = NULL;
	dir->ent = NULL;
}

static uint32_t entry_sector(const struct fat_fs *fs, const struct fat_dir *dir, uint32_t index)
{
	uint32_t per_cluster = fs->cluster_size / FAT_DIRENT_SIZE;

	if (!dir->first) {
		return fs->root_start + index / entries_per_sector(fs);
	}
	return fat_cluster_sector(fs, dir->clusters[index / per_cluster]) +
	       index % per_cluster / entries_per_sector(fs);
}

/* Writes back the sectors holding entries @index .. @index + @count - 1. */
int fat_dir_store(struct fat_fs *fs, struct fat_dir *dir, uint32_t index, uint32_t count)
{
	uint32_t per = entries_per_sector(fs);
	uint32_t first = index / per * per;
	int err;

	for (uint32_t i = first; i < index + count; i += per) {
		err = fat_write_sectors(fs, entry_sector(fs, dir, i), 1, &dir->ent[i]);
		if (err) {
			return err;
		}
	}
	return 0;
}

struct lfn_state {
	uint32_t expect; /* the next ordinal expected; 0: no run in progress */
	uint32_t first_slot;
	uint32_t length; /* characters, from the last entry's ordinal */
	uint8_t checksum;
	uint16_t name[FAT_LFN_ENTRIES_MAX * FAT_LFN_CHARS + 1];
};

static void lfn_take(struct lfn_state *st, const struct fat_lfn_entry *lfn, uint32_t ord)
{
	uint16_t *out = st->name + (ord - 1) * FAT_LFN_CHARS;
	uint32_t i, o = 0;

	for (i = 0; i < FAT_LFN_NAME1_CHARS; i++) {
		out[o++] = lfn->name1[i];
	}
	for (i = 0; i < FAT_LFN_NAME2_CHARS; i++) {
		out[o++] = lfn->name2[i];
	}
	for (i = 0; i < FAT_LFN_NAME3_CHARS; i++) {
		out[o++] = lfn->name3[i];
	}
}

static void lfn_entry(struct lfn_state *st, const struct fat_lfn_entry *lfn, uint32_t index)
{
	uint32_t ord = lfn->ord & FAT_LFN_ORD_MASK;

	if (lfn->ord & FAT_LFN_LAST) {
		st->expect = 0;
		if (!ord || ord > FAT_LFN_ENTRIES_MAX) {
			return;
		}
		st->expect = ord;
		st->first_slot = index;
		st->checksum = lfn->checksum;
		st->length = ord * FAT_LFN_CHARS;
		st->name[st->length] = 0;
	} else if (!st->expect || ord != st->expect || lfn->checksum != st->checksum) {
		st->expect = 0; /* an orphan: ignored */
		return;
	}
	lfn_take(st, lfn, ord);
	st->expect--;
	if (!st->expect) {
		st->expect = UINT32_MAX; /* complete: waiting for its 8.3 entry */
	}
}

static bool is_dot_entry(const struct fat_dirent *de)
{
	return de->name[0] == '.' &&
	       (de->name[1] == ' ' || (de->name[1] == '.' && de->name[2] == ' '));
}

static void short_entry(struct lfn_state *st, const struct fat_dirent *de, uint32_t index,
			struct fat_entry *e)
{
	uint32_t n = 0;

	e->index = index;
	e->first_slot = index;
	e->de = *de;
	e->name[0] = '\0';
	if (st->expect == UINT32_MAX && fat_lfn_checksum(de->name) == st->checksum &&
	    !is_dot_entry(de)) {
		while (n < st->length && n < FAT_LFN_NAME_MAX && st->name[n]) {
			n++;
		}
		e->first_slot = st->first_slot;
		fat_ucs2_to_utf8(st->name, n, e->name, sizeof(e->name));
	}
	if (!e->name[0]) {
		fat_short_to_str(de, e->name); /* no long name, or an empty one */
	}
	st->expect = 0;
}

/* Calls @fn for each live entry (not volume labels) in order; stops at non-zero. */
int fat_dir_walk(struct fat_dir *dir, fat_dir_visit_t fn, void *arg)
{
	struct lfn_state *st = malloc(sizeof(*st));
	struct fat_entry *e = malloc(sizeof(*e));
	int ret = 0;

	if (!st || !e) {
		ret = -ENOMEM;
		goto out;
	}
	st->expect = 0;
	for (uint32_t i = 0; i < dir->count && !ret; i++) {
		const struct fat_dirent *de = &dir->ent[i];

		if (de->name[0] == FAT_DIRENT_END) {
			break;
		}
		if (de->name[0] == FAT_DIRENT_FREE) {
			st->expect = 0;
		} else if ((de->attr & FAT_ATTR_LONG_NAME_MASK) == FAT_ATTR_LONG_NAME) {
			lfn_entry(st, (const struct fat_lfn_entry *)de, i);
		} else if (de->attr & FAT_ATTR_VOLUME_ID) {
			st->expect = 0;
		} else {
			short_entry(st, de, i, e);
			ret = fn(arg, e);
		}
	}
out:
	free(st);
	free(e);
	return ret;
}

struct find_arg {
	const char *name;
	struct fat_entry *out;
};

static int find_visit(void *arg, const struct fat_entry *e)
{
	struct find_arg *f = arg;
	char short_name[FAT_SHORT_NAME_LEN + 2];

	fat_short_to_str(&e->de, short_name);
	if (fat_name_equal(e->name, f->name) || fat_name_equal(short_name, f->name)) {
		*f->out = *e;
		return 1;
	}
	return 0;
}

/* Finds @name (long or 8.3, any case). 0, -ENOENT, -ENOMEM. */
int fat_dir_find(struct fat_dir *dir, const char *name, struct fat_entry *out)
{
	struct find_arg f = {.name = name, .out = out};
	int ret = fat_dir_walk(dir, find_visit, &f);

	if (ret < 0) {
		return ret;
	}
	return ret ? 0 : -ENOENT;
}

static int empty_visit(void *arg, const struct fat_entry *e)
{
	(void)arg;
	return !is_dot_entry(&e->de);
}

bool fat_dir_is_empty(struct fat_dir *dir)
{
	return fat_dir_walk(dir, empty_visit, NULL) == 0;
}

/* Marks the entries of @e (long-name run and 8.3 entry) deleted and writes them. */
int fat_dir_remove(struct fat_fs *fs, struct fat_dir *dir, const struct fat_entry *e)
{
	for (uint32_t i = e->first_slot; i <= e->index; i++) {
		dir->ent[i].name[0] = FAT_DIRENT_FREE;
	}
	return fat_dir_store(fs, dir, e->first_slot, e->index - e->first_slot + 1);
}

static int locate_entry(struct fat_fs *fs, const struct fat_node *node, uint32_t *sector,
			uint32_t *offset)
{
	uint32_t per_cluster = fs->cluster_size / FAT_DIRENT_SIZE;
	uint32_t index = node->entry_index, c = node->parent_cluster;

	if (node->is_root) {
		return -EINVAL;
	}
	if (!c) {
		if (index >= fs->root_entries) {
			return -EIO;
		}
		*sector = fs->root_start + index / entries_per_sector(fs);
	} else {
		for (uint32_t n = index / per_cluster; n; n--) {
			if (fat_next(fs, c, &c)) {
				return -EIO;
			}
		}
		*sector = fat_cluster_sector(fs, c) + index % per_cluster / entries_per_sector(fs);
	}
	*offset = index % entries_per_sector(fs) * FAT_DIRENT_SIZE;
	return 0;
}

int fat_dirent_read(struct fat_fs *fs, const struct fat_node *node, struct fat_dirent *de)
{
	uint32_t sector, offset;
	uint8_t *data;
	int err = locate_entry(fs, node, &sector, &offset);

	if (!err) {
		err = fat_sector_get(fs, sector, &data);
	}
	if (!err) {
		memcpy(de, data + offset, sizeof(*de));
	}
	return err;
}

/* Writes @de over @node's 8.3 entry in its parent. */
int fat_dirent_update(struct fat_fs *fs, const struct fat_node *node, const struct fat_dirent *de)
{
	uint32_t sector, offset;
	uint8_t *data;
	int err = locate_entry(fs, node, &sector, &offset);

	if (!err) {
		err = fat_sector_get(fs, sector, &data);
	}
	if (err) {
		return err;
	}
	memcpy(data + offset, de, sizeof(*de));
	return fat_sector_put(fs);
}
