// SPDX-License-Identifier: MIT
/*
 * namei.c - paths: walking from the root ("." and ".." resolved through the entries of
 * each directory), and the calls that change the name space: create, mkdir (with "."
 * and ".."), unlink, rmdir (empty only), rename within and across directories.
 *
 * Each changing call ends with fat_flush(), so after it returns the FAT copies on disk
 * agree with each other and with the directories.
 */
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include "fat_priv.h"

/* The parts of a path: the parent directory and the last component. */
struct fat_path {
	struct fat_node parent;
	char name[FAT_NAME_BUF];
};

static void root_node(struct fat_node *node)
{
	memset(node, 0, sizeof(*node));
	node->is_root = true;
	node->attr = FAT_ATTR_DIRECTORY;
}

static bool node_is_dir(const struct fat_node *node)
{
	return node->is_root || (node->attr & FAT_ATTR_DIRECTORY);
}

/* The cluster that holds @dir's entries: 0 for the root region. */
static uint32_t dir_cluster(const struct fat_node *dir)
{
	return dir->is_root ? 0 : dir->first_cluster;
}

/* Looks @name up in directory @dir; fills @node (and @e if not NULL). */
static int lookup_in(struct fat_fs *fs, const struct fat_node *dir, const char *name,
		     struct fat_node *node, struct fat_entry *e)
{
	struct fat_dir d;
	struct fat_entry *found = malloc(sizeof(*found));
	int err;

	if (!found) {
		return -ENOMEM;
	}
	err = node_is_dir(dir) ? fat_dir_load(fs, dir_cluster(dir), &d) : -ENOTDIR;
	if (!err) {
		err = fat_dir_find(&d, name, found);
		fat_dir_release(&d);
	}
	if (!err && fat_dirent_cluster(&found->de) == 0 && (found->de.attr & FAT_ATTR_DIRECTORY)) {
		root_node(node); /* ".." of a first-level directory */
	} else if (!err) {
		err = fat_node_from_entry(fs, dir_cluster(dir), found, node);
	}
	if (!err && e) {
		*e = *found;
	}
	free(found);
	return err;
}

/* Copies the next component of *@path into @name, skipping slashes. 1 if none left. */
static int next_component(const char **path, char *name)
{
	const char *p = *path;
	size_t n = 0;

	while (*p == '/') {
		p++;
	}
	if (!*p) {
		return 1;
	}
	while (p[n] && p[n] != '/') {
		n++;
	}
	if (n >= FAT_NAME_BUF) {
		return -ENAMETOOLONG;
	}
	memcpy(name, p, n);
	name[n] = '\0';
	*path = p + n;
	return 0;
}

static int step(struct fat_fs *fs, struct fat_node *node, const char *name)
{
	struct fat_node next;
	int err;

	if (!strcmp(name, ".")) {
		return node_is_dir(node) ? 0 : -ENOTDIR;
	}
	if (!strcmp(name, "..") && node->is_root) {
		return 0;
	}
	err = lookup_in(fs, node, name, &next, NULL);
	if (!err) {
		*node = next;
	}
	return err;
}

int fat_lookup(struct fat_fs *fs, const char *path, struct fat_node *node)
{
	char *name = malloc(FAT_NAME_BUF);
	int ret = name ? 0 : -ENOMEM;

	root_node(node);
	while (!ret) {
		ret = next_component(&path, name);
		if (!ret) {
			ret = step(fs, node, name);
		}
	}
	free(name);
	return ret < 0 ? ret : 0;
}

static int lookup_parent(struct fat_fs *fs, const char *path, size_t len, struct fat_node *out)
{
	char *parent = malloc(len + 1);
	int err;

	if (!parent) {
		return -ENOMEM;
	}
	memcpy(parent, path, len);
	parent[len] = '\0';
	err = fat_lookup(fs, parent, out);
	free(parent);
	if (!err && !node_is_dir(out)) {
		err = -ENOTDIR;
	}
	return err;
}

/*
 * Resolves all but the last component of @path into directory @parent and copies the
 * last one, which must be a plain name, to @name (FAT_NAME_BUF bytes).
 */
int fat_path_split(struct fat_fs *fs, const char *path, struct fat_node *parent, char *name)
{
	const char *start, *end = path + strlen(path);
	size_t n;

	while (end > path && end[-1] == '/') {
		end--;
	}
	for (start = end; start > path && start[-1] != '/'; start--) {
	}
	n = (size_t)(end - start);
	if (!n) {
		return -EINVAL;
	}
	if (n >= FAT_NAME_BUF) {
		return -ENAMETOOLONG;
	}
	memcpy(name, start, n);
	name[n] = '\0';
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		return -EINVAL;
	}
	return lookup_parent(fs, path, (size_t)(start - path), parent);
}

static int split_path(struct fat_fs *fs, const char *path, struct fat_path *out)
{
	return fat_path_split(fs, path, &out->parent, out->name);
}

static void new_entry(struct fat_fs *fs, struct fat_dirent *de, uint8_t attr, uint32_t cluster)
{
	uint16_t date, time;

	fat_now(fs, &date, &time);
	memset(de, 0, sizeof(*de));
	de->attr = attr;
	fat_dirent_set_cluster(de, cluster);
	de->cdate = date;
	de->ctime = time;
	de->wdate = date;
	de->wtime = time;
	de->adate = date;
}

/* Adds an entry named @p->name to @p->parent; -EEXIST if the name is taken. */
static int add_entry(struct fat_fs *fs, struct fat_path *p, const struct fat_dirent *proto,
		     struct fat_entry *e)
{
	struct fat_dir d;
	int err;

	if (fs->read_only) {
		return -EROFS;
	}
	err = fat_dir_load(fs, dir_cluster(&p->parent), &d);
	if (err) {
		return err;
	}
	err = fat_dir_find(&d, p->name, e);
	if (!err) {
		err = -EEXIST;
	} else if (err == -ENOENT) {
		err = fat_dir_add(fs, &d, p->name, proto, e);
	}
	fat_dir_release(&d);
	return err;
}

static int with_path(struct fat_fs *fs, const char *path, struct fat_path **out)
{
	int err;

	*out = malloc(sizeof(**out));
	if (!*out) {
		return -ENOMEM;
	}
	err = split_path(fs, path, *out);
	if (err) {
		free(*out);
	}
	return err;
}

int fat_create(struct fat_fs *fs, const char *path, struct fat_node *node)
{
	struct fat_path *p;
	struct fat_entry *e = malloc(sizeof(*e));
	struct fat_dirent de;
	int err = e ? with_path(fs, path, &p) : -ENOMEM;

	if (err) {
		free(e);
		return err;
	}
	new_entry(fs, &de, FAT_ATTR_ARCHIVE, 0);
	err = add_entry(fs, p, &de, e);
	err = err ? (fat_discard(fs), err) : fat_flush(fs);
	if (!err && node) {
		err = fat_node_from_entry(fs, dir_cluster(&p->parent), e, node);
	}
	free(p);
	free(e);
	return err;
}

/* fatgen103 "FAT Directory Structure": "." points at itself, ".." at the parent (0: root). */
static int init_dir_cluster(struct fat_fs *fs, uint32_t cluster, uint32_t parent)
{
	uint8_t *data;
	struct fat_dirent *ent;
	int err = fat_zero_cluster(fs, cluster);

	if (!err) {
		err = fat_sector_get(fs, fat_cluster_sector(fs, cluster), &data);
	}
	if (err) {
		return err;
	}
	ent = (struct fat_dirent *)data;
	new_entry(fs, &ent[0], FAT_ATTR_DIRECTORY, cluster);
	memset(ent[0].name, ' ', FAT_SHORT_NAME_LEN);
	ent[0].name[0] = '.';
	new_entry(fs, &ent[1], FAT_ATTR_DIRECTORY, parent);
	memset(ent[1].name, ' ', FAT_SHORT_NAME_LEN);
	ent[1].name[0] = '.';
	ent[1].name[1] = '.';
	return fat_sector_put(fs);
}

int fat_mkdir(struct fat_fs *fs, const char *path)
{
	struct fat_path *p;
	struct fat_entry *e = malloc(sizeof(*e));
	struct fat_dirent de;
	uint32_t cluster;
	int err = e ? with_path(fs, path, &p) : -ENOMEM;

	if (err) {
		free(e);
		return err;
	}
	err = fs->read_only ? -EROFS : fat_chain_alloc(fs, 1, 0, &cluster);
	if (!err) {
		err = init_dir_cluster(fs, cluster, dir_cluster(&p->parent));
	}
	if (!err) {
		new_entry(fs, &de, FAT_ATTR_DIRECTORY, cluster);
		err = add_entry(fs, p, &de, e);
	}
	err = err ? (fat_discard(fs), err) : fat_flush(fs);
	free(p);
	free(e);
	return err;
}

/* Finds @path for removal: its node, its entry and its parent. */
static int find_for_change(struct fat_fs *fs, const char *path, struct fat_path **p,
			   struct fat_node *node, struct fat_entry *e)
{
	int err = with_path(fs, path, p);

	if (err) {
		return err;
	}
	err = fs->read_only ? -EROFS : lookup_in(fs, &(*p)->parent, (*p)->name, node, e);
	if (!err && node->is_root) {
		err = -EBUSY;
	}
	if (err) {
		free(*p);
	}
	return err;
}

static int remove_entry(struct fat_fs *fs, const struct fat_node *parent, const struct fat_entry *e)
{
	struct fat_dir d;
	int err = fat_dir_load(fs, dir_cluster(parent), &d);

	if (!err) {
		err = fat_dir_remove(fs, &d, e);
		fat_dir_release(&d);
	}
	return err;
}

/* Checks that directory @node has nothing but "." and "..". */
static int check_empty(struct fat_fs *fs, const struct fat_node *node)
{
	struct fat_dir d;
	int err = fat_dir_load(fs, node->first_cluster, &d);

	if (!err) {
		err = fat_dir_is_empty(&d) ? 0 : -ENOTEMPTY;
		fat_dir_release(&d);
	}
	return err;
}

/* Removes @path: a file when @dir is false, an empty directory when true. */
static int remove_path(struct fat_fs *fs, const char *path, bool dir)
{
	struct fat_path *p;
	struct fat_node node;
	struct fat_entry *e = malloc(sizeof(*e));
	int err = e ? find_for_change(fs, path, &p, &node, e) : -ENOMEM;

	if (err) {
		free(e);
		return err;
	}
	if (node_is_dir(&node) != dir) {
		err = dir ? -ENOTDIR : -EISDIR;
	} else if (dir) {
		err = check_empty(fs, &node);
	}
	if (!err) {
		err = remove_entry(fs, &p->parent, e);
	}
	if (!err) {
		err = fat_chain_free(fs, node.first_cluster);
	}
	/* A chain that cannot be freed whole is left as it is on disk, for fsck.fat. */
	err = err ? (fat_discard(fs), err) : fat_flush(fs);
	free(p);
	free(e);
	return err;
}

int fat_unlink(struct fat_fs *fs, const char *path)
{
	return remove_path(fs, path, false);
}

int fat_rmdir(struct fat_fs *fs, const char *path)
{
	return remove_path(fs, path, true);
}
