// SPDX-License-Identifier: MIT
/*
 * readdir.c - fat_readdir(): the entries of a directory with their long names and
 * stat fields, "." and ".." left out (the root has neither).
 */
#include <toro/string.h>
#include <kernel/errno.h>
#include "fat_priv.h"

struct readdir_arg {
	fat_filldir_t fn;
	void *arg;
};

static bool is_dot(const struct fat_dirent *de)
{
	return de->name[0] == '.' && (de->name[1] == ' ' || de->name[1] == '.');
}

static int readdir_visit(void *arg, const struct fat_entry *e)
{
	struct readdir_arg *r = arg;
	struct fat_stat st;

	if (is_dot(&e->de)) {
		return 0;
	}
	memset(&st, 0, sizeof(st));
	st.attr = e->de.attr;
	st.is_dir = e->de.attr & FAT_ATTR_DIRECTORY;
	st.size = st.is_dir ? 0 : e->de.size;
	fat_time_decode(e->de.wdate, e->de.wtime, &st.mtime);
	fat_time_decode(e->de.cdate, e->de.ctime, &st.ctime);
	return r->fn(r->arg, e->name, &st);
}

int fat_readdir(struct fat_fs *fs, const struct fat_node *dir, fat_filldir_t fn, void *arg)
{
	struct readdir_arg r = {.fn = fn, .arg = arg};
	struct fat_dir d;
	int err;

	if (!dir->is_root && !(dir->attr & FAT_ATTR_DIRECTORY)) {
		return -ENOTDIR;
	}
	err = fat_dir_load(fs, dir->is_root ? 0 : dir->first_cluster, &d);
	if (err) {
		return err;
	}
	err = fat_dir_walk(&d, readdir_visit, &r);
	fat_dir_release(&d);
	return err;
}
