// SPDX-License-Identifier: MIT
/*
 * initrd.c - the tree of a cpio newc archive (see initrd.h): built once by
 * initrd_parse(), then read-only.
 *
 * initrd_parse() walks the archive twice. The first pass checks every entry (cpio.c)
 * and counts path components, an upper bound on the nodes, so the second pass
 * allocates once and cannot meet a corrupt header half-way through. Nodes live in one
 * array; a hash table maps (parent, name) to a node, so building and looking up cost
 * the same whatever the size of a directory. Names and data stay in the archive.
 *
 * Hard links (man 5 cpio): newc stores the data once, with one of the links (GNU cpio:
 * the last); the others have c_filesize 0 and the same c_ino/c_dev. Such files get
 * the data of the link that carries it.
 */
#include <kernel/errno.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "initrd.h"

#define DIR_IMPLIED_MODE (CPIO_S_IFDIR | 0755)

/* Pass one: check the archive, count the components of every path. */
static int count_components(const void *image, size_t size, uint64_t *count,
			    struct initrd_error *err)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int ret;

	*count = 0;
	cpio_iter_init(&it, image, size);
	while ((ret = cpio_iter_next(&it, &e, err)) > 0) {
		/* Every component ends at a '/' or at the end: at most one per '/' plus one. */
		*count += 1;
		for (size_t i = 0; i < e.name_len; i++) {
			*count += e.name[i] == '/';
		}
	}
	return ret;
}

static uint32_t hash_name(uint32_t parent, const char *name, size_t len)
{
	/* FNV-1a over the parent's index and the name. */
	uint32_t h = 2166136261u ^ parent;

	h *= 16777619u;
	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t initrd_child(const struct initrd *rd, uint32_t dir, const char *name, size_t len)
{
	uint32_t slot = hash_name(dir, name, len) & rd->hash_mask;

	for (;; slot = (slot + 1) & rd->hash_mask) {
		uint32_t i = rd->hash[slot];
		const struct initrd_node *n;

		if (i == INITRD_NONE) {
			return INITRD_NONE;
		}
		n = &rd->nodes[i];
		if (n->parent == dir && n->name_len == len && memcmp(n->name, name, len) == 0) {
			return i;
		}
	}
}

/* A new node named @name under @dir; the caller checked it does not exist yet. */
static uint32_t add_node(struct initrd *rd, uint32_t dir, const char *name, size_t len)
{
	uint32_t idx = rd->count++;
	struct initrd_node *n = &rd->nodes[idx];
	struct initrd_node *parent = &rd->nodes[dir];
	uint32_t slot = hash_name(dir, name, len) & rd->hash_mask;

	*n = (struct initrd_node){
		.name = name,
		.name_len = (uint32_t)len,
		.mode = DIR_IMPLIED_MODE,
		.parent = dir,
		.first_child = INITRD_NONE,
		.last_child = INITRD_NONE,
		.next_sibling = INITRD_NONE,
		.nlink = 1,
	};
	if (parent->last_child == INITRD_NONE) {
		parent->first_child = idx;
	} else {
		rd->nodes[parent->last_child].next_sibling = idx;
	}
	parent->last_child = idx;
	while (rd->hash[slot] != INITRD_NONE) {
		slot = (slot + 1) & rd->hash_mask;
	}
	rd->hash[slot] = idx;
	return idx;
}

/* The next component of @path from *@pos: its start and length (0 at the end). */
static const char *next_component(const char *path, size_t len, size_t *pos, size_t *out_len)
{
	size_t start;

	while (*pos < len && path[*pos] == '/') {
		(*pos)++;
	}
	start = *pos;
	while (*pos < len && path[*pos] != '/') {
		(*pos)++;
	}
	*out_len = *pos - start;
	return path + start;
}

static bool is_dot(const char *c, size_t len)
{
	return len == 1 && c[0] == '.';
}

static bool is_dotdot(const char *c, size_t len)
{
	return len == 2 && c[0] == '.' && c[1] == '.';
}

/*
 * The node for entry @e's path, with the directories on the way made as needed.
 * Returns its index, or INITRD_NONE with *@err set.
 */
static uint32_t path_node(struct initrd *rd, const struct cpio_entry *e, struct initrd_error *err)
{
	uint32_t node = INITRD_ROOT;
	size_t pos = 0, len;
	const char *c;

	err->offset = e->offset;
	while ((c = next_component(e->name, e->name_len, &pos, &len)), len) {
		uint32_t child;

		if (is_dot(c, len)) {
			continue;
		}
		if (is_dotdot(c, len)) {
			err->what = "a path contains \"..\"";
			return INITRD_NONE;
		}
		if (len > INITRD_NAME_MAX) {
			err->what = "a path component is longer than 255 bytes";
			return INITRD_NONE;
		}
		if (!initrd_is_dir(rd, node)) {
			err->what = "a path goes through a file that is not a directory";
			return INITRD_NONE;
		}
		child = initrd_child(rd, node, c, len);
		node = child != INITRD_NONE ? child : add_node(rd, node, c, len);
	}
	return node;
}

/* Hard links: share the data of the link of the same c_ino/c_dev that has it. */
static void join_hard_link(struct initrd *rd, uint32_t idx)
{
	struct initrd_node *n = &rd->nodes[idx];

	for (uint32_t i = 0; i < rd->count; i++) {
		struct initrd_node *o = &rd->nodes[i];

		if (i == idx || (o->mode & CPIO_S_IFMT) != CPIO_S_IFREG || o->nlink < 2 ||
		    memcmp(o->link_key, n->link_key, sizeof(n->link_key)) != 0) {
			continue;
		}
		if (n->size == 0) {
			n->data = o->data;
			n->size = o->size;
		} else if (o->size == 0) {
			o->data = n->data;
			o->size = n->size;
		}
	}
}

/* Entry @e becomes (or replaces) its path's node. */
static int add_entry(struct initrd *rd, const struct cpio_entry *e, struct initrd_error *err)
{
	uint32_t mode = e->field[CPIO_MODE];
	uint32_t type = mode & CPIO_S_IFMT;
	uint32_t idx = path_node(rd, e, err);
	struct initrd_node *n;

	if (idx == INITRD_NONE) {
		return -EINVAL;
	}
	n = &rd->nodes[idx];
	if (idx == INITRD_ROOT && type != CPIO_S_IFDIR) {
		err->what = "the root (\".\") entry is not a directory";
		return -EINVAL;
	}
	if (n->first_child != INITRD_NONE && type != CPIO_S_IFDIR) {
		err->what = "a file replaces a directory that has entries";
		return -EINVAL;
	}
	if (type == CPIO_S_IFLNK && (e->size == 0 || e->size >= INITRD_PATH_MAX)) {
		err->what = "a symbolic link with an empty or too long target";
		return -EINVAL;
	}
	n->mode = mode;
	n->uid = e->field[CPIO_UID];
	n->gid = e->field[CPIO_GID];
	n->mtime = e->field[CPIO_MTIME];
	n->nlink = e->field[CPIO_NLINK] ? e->field[CPIO_NLINK] : 1;
	n->link_key[0] = e->field[CPIO_INO];
	n->link_key[1] = e->field[CPIO_DEVMAJOR];
	n->link_key[2] = e->field[CPIO_DEVMINOR];
	/* Directories and device nodes have no data worth keeping. */
	n->data = type == CPIO_S_IFREG || type == CPIO_S_IFLNK ? e->data : NULL;
	n->size = n->data ? e->size : 0;
	if (type == CPIO_S_IFREG && n->nlink > 1) {
		join_hard_link(rd, idx);
	}
	return 0;
}

/* Totals for the mount line, and directories' link counts (2 + subdirectories). */
static void count_nodes(struct initrd *rd)
{
	for (uint32_t i = 0; i < rd->count; i++) {
		struct initrd_node *n = &rd->nodes[i];

		switch (n->mode & CPIO_S_IFMT) {
		case CPIO_S_IFDIR:
			rd->dirs++;
			n->nlink = 2;
			break;
		case CPIO_S_IFREG:
			rd->files++;
			rd->file_bytes += n->size;
			break;
		case CPIO_S_IFLNK:
			rd->links++;
			break;
		}
	}
	for (uint32_t i = 1; i < rd->count; i++) {
		if (initrd_is_dir(rd, i)) {
			rd->nodes[rd->nodes[i].parent].nlink++;
		}
	}
}

static int alloc_tree(struct initrd *rd, uint64_t components)
{
	uint64_t slots = 2;

	/* The root, plus at most one node per component. */
	if (components + 1 >= INITRD_NONE / 4) {
		return -ENOMEM;
	}
	rd->capacity = (uint32_t)components + 1;
	while (slots < 2 * (uint64_t)rd->capacity) {
		slots *= 2;
	}
	rd->nodes = malloc(rd->capacity * sizeof(*rd->nodes));
	rd->hash = malloc(slots * sizeof(*rd->hash));
	if (!rd->nodes || !rd->hash) {
		return -ENOMEM;
	}
	memset(rd->hash, 0xff, slots * sizeof(*rd->hash)); /* INITRD_NONE everywhere */
	rd->hash_mask = (uint32_t)slots - 1;
	rd->nodes[INITRD_ROOT] = (struct initrd_node){
		.name = "",
		.mode = DIR_IMPLIED_MODE,
		.parent = INITRD_ROOT,
		.first_child = INITRD_NONE,
		.last_child = INITRD_NONE,
		.next_sibling = INITRD_NONE,
	};
	rd->count = 1;
	return 0;
}

int initrd_parse(struct initrd *rd, const void *image, size_t size, struct initrd_error *err)
{
	struct cpio_iter it;
	struct cpio_entry e;
	struct initrd_node *shrunk;
	uint64_t components;
	int ret;

	memset(rd, 0, sizeof(*rd));
	rd->image = image;
	rd->image_size = size;
	ret = count_components(image, size, &components, err);
	if (ret) {
		return ret;
	}
	ret = alloc_tree(rd, components);
	if (ret) {
		goto out_release;
	}
	cpio_iter_init(&it, image, size);
	while ((ret = cpio_iter_next(&it, &e, err)) > 0) {
		ret = add_entry(rd, &e, err);
		if (ret) {
			goto out_release;
		}
	}
	if (ret) {
		goto out_release;
	}
	count_nodes(rd);
	/* The bound counted every component of every path; give back what was not used. */
	shrunk = realloc(rd->nodes, rd->count * sizeof(*rd->nodes));
	if (shrunk) {
		rd->nodes = shrunk;
		rd->capacity = rd->count;
	}
	return 0;

out_release:
	initrd_release(rd);
	return ret;
}

void initrd_release(struct initrd *rd)
{
	free(rd->nodes);
	free(rd->hash);
	rd->nodes = NULL;
	rd->hash = NULL;
	rd->count = 0;
}

long initrd_lookup(const struct initrd *rd, const char *path)
{
	size_t len = strnlen(path, INITRD_PATH_MAX);
	uint32_t node = INITRD_ROOT;
	size_t pos = 0, clen;
	const char *c;

	if (len == INITRD_PATH_MAX) {
		return -ENAMETOOLONG;
	}
	while ((c = next_component(path, len, &pos, &clen)), clen) {
		if (!initrd_is_dir(rd, node)) {
			return -ENOTDIR;
		}
		if (is_dot(c, clen)) {
			continue;
		}
		if (is_dotdot(c, clen)) {
			node = rd->nodes[node].parent;
			continue;
		}
		if (clen > INITRD_NAME_MAX) {
			return -ENAMETOOLONG;
		}
		node = initrd_child(rd, node, c, clen);
		if (node == INITRD_NONE) {
			return -ENOENT;
		}
	}
	return node;
}

long initrd_read(const struct initrd *rd, uint32_t node, uint64_t offset, void *buf, size_t len)
{
	const struct initrd_node *n = &rd->nodes[node];

	if (initrd_is_dir(rd, node)) {
		return -EISDIR;
	}
	if ((n->mode & CPIO_S_IFMT) != CPIO_S_IFREG) {
		return -EINVAL;
	}
	if (offset >= n->size) {
		return 0;
	}
	if (len > n->size - offset) {
		len = n->size - offset;
	}
	memcpy(buf, n->data + offset, len);
	return (long)len;
}

long initrd_readlink(const struct initrd *rd, uint32_t node, char *buf, size_t size)
{
	const struct initrd_node *n = &rd->nodes[node];
	size_t copy = n->size;

	if ((n->mode & CPIO_S_IFMT) != CPIO_S_IFLNK) {
		return -EINVAL;
	}
	if (size == 0) {
		return (long)n->size;
	}
	if (copy > size - 1) {
		copy = size - 1;
	}
	memcpy(buf, n->data, copy);
	buf[copy] = '\0';
	return (long)n->size;
}
