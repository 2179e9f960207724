// SPDX-License-Identifier: MIT
/*
 * rename.c - fat_rename(): moving an entry within or across directories, replacing a
 * file or an empty directory at the destination, and re-pointing a moved directory's
 * ".." at its new parent. Order: a replaced destination entry is removed, the new
 * entry written, then the old one removed, and the FAT changed last; so an interrupted
 * rename leaves the file reachable (fsck.fat may then find two links to it).
 */
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include "fat_priv.h"

struct rename_ctx {
	char from_name[FAT_NAME_BUF];
	char to_name[FAT_NAME_BUF];
	struct fat_node from_parent, to_parent, node, target;
	struct fat_entry from, target_entry, added;
	bool has_target;
};

static uint32_t cluster_of(const struct fat_node *dir)
{
	return dir->is_root ? 0 : dir->first_cluster;
}

static int find(struct fat_fs *fs, const struct fat_node *dir, const char *name,
		struct fat_node *node, struct fat_entry *e)
{
	struct fat_dir d;
	int err = fat_dir_load(fs, cluster_of(dir), &d);

	if (!err) {
		err = fat_dir_find(&d, name, e);
		fat_dir_release(&d);
	}
	return err ? err : fat_node_from_entry(fs, cluster_of(dir), e, node);
}

/* The first cluster of the parent of the directory at cluster @c, from its "..". */
static int parent_of(struct fat_fs *fs, uint32_t c, uint32_t *parent)
{
	struct fat_entry *e = malloc(sizeof(*e));
	struct fat_dir d;
	int err = e ? fat_dir_load(fs, c, &d) : -ENOMEM;

	if (!err) {
		err = fat_dir_find(&d, "..", e);
		fat_dir_release(&d);
	}
	if (!err) {
		*parent = fat_dirent_cluster(&e->de);
		if (*parent && !fat_cluster_valid(fs, *parent)) {
			err = -EIO;
		}
	}
	free(e);
	return err == -ENOENT ? -EIO : err;
}

/* -EINVAL when directory @moved is directory @dir or one of its ancestors. */
static int check_not_inside(struct fat_fs *fs, const struct fat_node *moved,
			    const struct fat_node *dir)
{
	uint32_t c = cluster_of(dir);
	int err;

	for (uint32_t n = 0; c; n++) {
		if (c == moved->first_cluster) {
			return -EINVAL;
		}
		if (n > fs->cluster_count) {
			return -EIO;
		}
		err = parent_of(fs, c, &c);
		if (err) {
			return err;
		}
	}
	return 0;
}

static bool is_dir(const struct fat_node *node)
{
	return node->is_root || (node->attr & FAT_ATTR_DIRECTORY);
}

static int check_empty_dir(struct fat_fs *fs, uint32_t cluster)
{
	struct fat_dir d;
	int err = fat_dir_load(fs, cluster, &d);

	if (!err) {
		err = fat_dir_is_empty(&d) ? 0 : -ENOTEMPTY;
		fat_dir_release(&d);
	}
	return err;
}

/* What may be at the destination: nothing, or a file for a file, an empty dir for a dir. */
static int check_target(struct fat_fs *fs, struct rename_ctx *c)
{
	int err = find(fs, &c->to_parent, c->to_name, &c->target, &c->target_entry);

	if (err == -ENOENT) {
		return 0;
	}
	if (err) {
		return err;
	}
	c->has_target = true;
	if (is_dir(&c->node) != is_dir(&c->target)) {
		return is_dir(&c->node) ? -ENOTDIR : -EISDIR;
	}
	return is_dir(&c->target) ? check_empty_dir(fs, c->target.first_cluster) : 0;
}

static int resolve(struct fat_fs *fs, const char *from, const char *to, struct rename_ctx *c)
{
	int err = fat_path_split(fs, from, &c->from_parent, c->from_name);

	if (!err) {
		err = fat_path_split(fs, to, &c->to_parent, c->to_name);
	}
	if (!err) {
		err = find(fs, &c->from_parent, c->from_name, &c->node, &c->from);
	}
	if (!err && is_dir(&c->node)) {
		err = check_not_inside(fs, &c->node, &c->to_parent);
	}
	if (!err) {
		err = check_target(fs, c);
	}
	return err;
}

static bool same_entry(const struct rename_ctx *c)
{
	return c->has_target && cluster_of(&c->from_parent) == cluster_of(&c->to_parent) &&
	       c->from.index == c->target_entry.index;
}

static int remove_at(struct fat_fs *fs, const struct fat_node *parent, const struct fat_entry *e)
{
	struct fat_dir d;
	int err = fat_dir_load(fs, cluster_of(parent), &d);

	if (!err) {
		err = fat_dir_remove(fs, &d, e);
		fat_dir_release(&d);
	}
	return err;
}

static int add_at(struct fat_fs *fs, struct rename_ctx *c)
{
	struct fat_dir d;
	int err = fat_dir_load(fs, cluster_of(&c->to_parent), &d);

	if (!err) {
		err = fat_dir_add(fs, &d, c->to_name, &c->from.de, &c->added);
		fat_dir_release(&d);
	}
	return err;
}

/* Points the ".." of a moved directory at its new parent. */
static int repoint_dotdot(struct fat_fs *fs, struct rename_ctx *c)
{
	uint8_t *data;
	struct fat_dirent *ent;
	int err = fat_sector_get(fs, fat_cluster_sector(fs, c->node.first_cluster), &data);

	if (err) {
		return err;
	}
	ent = (struct fat_dirent *)data;
	if (ent[1].name[0] != '.' || ent[1].name[1] != '.') {
		return -EIO;
	}
	fat_dirent_set_cluster(&ent[1], cluster_of(&c->to_parent));
	return fat_sector_put(fs);
}

static int move(struct fat_fs *fs, struct rename_ctx *c)
{
	bool moved_dir =
		is_dir(&c->node) && cluster_of(&c->from_parent) != cluster_of(&c->to_parent);
	int err = 0;

	if (c->has_target) {
		err = remove_at(fs, &c->to_parent, &c->target_entry);
	}
	if (!err) {
		err = add_at(fs, c);
	}
	if (!err) {
		err = remove_at(fs, &c->from_parent, &c->from);
	}
	if (!err && moved_dir) {
		err = repoint_dotdot(fs, c);
	}
	if (!err && c->has_target) {
		err = fat_chain_free(fs, c->target.first_cluster);
	}
	if (err) {
		fat_discard(fs);
		return err;
	}
	return fat_flush(fs);
}

int fat_rename(struct fat_fs *fs, const char *from, const char *to)
{
	struct rename_ctx *c = calloc(1, sizeof(*c));
	int err = c ? 0 : -ENOMEM;

	if (!err && fs->read_only) {
		err = -EROFS;
	}
	if (!err) {
		err = resolve(fs, from, to, c);
	}
	if (!err && c->node.is_root) {
		err = -EBUSY;
	}
	if (!err && !same_entry(c)) {
		err = move(fs, c);
	}
	free(c);
	return err;
}
