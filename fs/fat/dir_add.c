// SPDX-License-Identifier: MIT
/*
 * dir_add.c - adding a name to a loaded directory: the 8.3 name (the name itself when
 * it fits, else a basis name with the first free ~N tail), the long-name entries
 * before it, a run of free slots (deleted or past the end marker), and growing a
 * cluster directory by a zeroed cluster when there is no such run. The FAT16 root
 * region cannot grow: a full root gives -ENOSPC.
 */
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include "fat_priv.h"

static bool short_taken(const struct fat_dir *dir, const uint8_t sfn[FAT_SHORT_NAME_LEN])
{
	for (uint32_t i = 0; i < dir->count; i++) {
		const struct fat_dirent *de = &dir->ent[i];

		if (de->name[0] == FAT_DIRENT_END) {
			break;
		}
		if (de->name[0] != FAT_DIRENT_FREE &&
		    (de->attr & FAT_ATTR_LONG_NAME_MASK) != FAT_ATTR_LONG_NAME &&
		    !memcmp(de->name, sfn, FAT_SHORT_NAME_LEN)) {
			return true;
		}
	}
	return false;
}

/* fatgen103 "Numeric-Tail Generation Algorithm": the first ~N not in @dir. */
static int unique_short(const struct fat_dir *dir, const uint16_t *ucs, uint32_t length,
			uint8_t sfn[FAT_SHORT_NAME_LEN])
{
	uint8_t basis[FAT_SHORT_NAME_LEN];
	int err;

	fat_short_basis(ucs, length, basis);
	for (uint32_t n = 1;; n++) {
		memcpy(sfn, basis, FAT_SHORT_NAME_LEN);
		err = fat_short_tail(sfn, n);
		if (err) {
			return err;
		}
		if (!short_taken(dir, sfn)) {
			return 0;
		}
	}
}

static void fill_lfn(struct fat_lfn_entry *lfn, const uint16_t *ucs, uint32_t length, uint32_t ord,
		     uint8_t checksum)
{
	uint16_t chars[FAT_LFN_CHARS];
	uint32_t base = (ord - 1) * FAT_LFN_CHARS, i, o = 0;

	/* fatgen103: the name ends with 0x0000, then 0xFFFF fills the last entry. */
	for (i = 0; i < FAT_LFN_CHARS; i++) {
		chars[i] = base + i < length ? ucs[base + i] : base + i == length ? 0 : FAT_LFN_PAD;
	}
	memset(lfn, 0, sizeof(*lfn));
	lfn->ord = (uint8_t)ord;
	lfn->attr = FAT_ATTR_LONG_NAME;
	lfn->checksum = checksum;
	for (i = 0; i < FAT_LFN_NAME1_CHARS; i++) {
		lfn->name1[i] = chars[o++];
	}
	for (i = 0; i < FAT_LFN_NAME2_CHARS; i++) {
		lfn->name2[i] = chars[o++];
	}
	for (i = 0; i < FAT_LFN_NAME3_CHARS; i++) {
		lfn->name3[i] = chars[o++];
	}
}

/* Adds one zeroed cluster to a cluster directory, in memory and on disk. */
static int grow(struct fat_fs *fs, struct fat_dir *dir)
{
	uint32_t per = fs->cluster_size / FAT_DIRENT_SIZE, c;
	uint32_t *clusters;
	struct fat_dirent *ent;
	int err;

	if (!dir->first || dir->count + per > FAT_DIR_ENTRIES_MAX) {
		return -ENOSPC;
	}
	clusters = realloc(dir->clusters, (dir->nclusters + 1) * sizeof(*clusters));
	if (!clusters) {
		return -ENOMEM;
	}
	dir->clusters = clusters;
	ent = realloc(dir->ent, (size_t)(dir->count + per) * FAT_DIRENT_SIZE);
	if (!ent) {
		return -ENOMEM;
	}
	dir->ent = ent;
	err = fat_chain_alloc(fs, 1, dir->clusters[dir->nclusters - 1], &c);
	if (!err) {
		err = fat_zero_cluster(fs, c);
	}
	if (err) {
		return err;
	}
	memset(dir->ent + dir->count, 0, (size_t)per * FAT_DIRENT_SIZE);
	dir->clusters[dir->nclusters++] = c;
	dir->count += per;
	return 0;
}

/* Finds @need consecutive free slots (deleted, or from the end marker on). */
static int find_slots(struct fat_fs *fs, struct fat_dir *dir, uint32_t need, uint32_t *start)
{
	uint32_t run = 0, i;
	int err;

	for (;;) {
		for (i = 0; i < dir->count; i++) {
			uint8_t first = dir->ent[i].name[0];

			if (first == FAT_DIRENT_END) {
				run += dir->count - i;
				i = dir->count;
				break;
			}
			run = first == FAT_DIRENT_FREE ? run + 1 : 0;
			if (run == need) {
				*start = i + 1 - need;
				return 0;
			}
		}
		if (run >= need) {
			*start = i - run;
			return 0;
		}
		err = grow(fs, dir);
		if (err) {
			return err;
		}
		run = 0;
	}
}

static int choose_short(const struct fat_dir *dir, const char *name, const uint16_t *ucs,
			uint32_t length, uint8_t sfn[FAT_SHORT_NAME_LEN], uint8_t *nt_case,
			bool *need_lfn)
{
	*nt_case = 0;
	*need_lfn = false;
	if (fat_short_exact(name, sfn, nt_case) && !short_taken(dir, sfn)) {
		return 0;
	}
	*nt_case = 0;
	*need_lfn = true;
	return unique_short(dir, ucs, length, sfn);
}

/*
 * Adds @name with the fields of @proto (attributes, cluster, size, times) to @dir and
 * writes it. The caller has checked that @name is not there. Fills @out. 0 or -Exxx.
 */
int fat_dir_add(struct fat_fs *fs, struct fat_dir *dir, const char *name,
		const struct fat_dirent *proto, struct fat_entry *out)
{
	uint16_t ucs[FAT_LFN_NAME_MAX + 1];
	uint32_t length, slots, start, nlfn = 0;
	uint8_t sfn[FAT_SHORT_NAME_LEN], nt_case;
	bool need_lfn;
	int err = fat_name_check(name, ucs, &length);

	if (!err) {
		err = choose_short(dir, name, ucs, length, sfn, &nt_case, &need_lfn);
	}
	if (err) {
		return err;
	}
	if (need_lfn) {
		nlfn = (length + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS;
	}
	slots = nlfn + 1;
	err = find_slots(fs, dir, slots, &start);
	if (err) {
		return err;
	}
	for (uint32_t k = 0; k < nlfn; k++) {
		uint32_t ord = nlfn - k;

		fill_lfn((struct fat_lfn_entry *)&dir->ent[start + k], ucs, length, ord,
			 fat_lfn_checksum(sfn));
		((struct fat_lfn_entry *)&dir->ent[start + k])->ord =
			(uint8_t)(ord | (k == 0 ? FAT_LFN_LAST : 0));
	}
	dir->ent[start + nlfn] = *proto;
	memcpy(dir->ent[start + nlfn].name, sfn, FAT_SHORT_NAME_LEN);
	dir->ent[start + nlfn].nt_case = nt_case;
	out->first_slot = start;
	out->index = start + nlfn;
	out->de = dir->ent[start + nlfn];
	strlcpy(out->name, name, sizeof(out->name));
	return fat_dir_store(fs, dir, start, slots);
}
