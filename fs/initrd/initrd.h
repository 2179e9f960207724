/* SPDX-License-Identifier: MIT */
/*
 * initrd.h - the initrd library (fs/initrd/): a cpio newc archive in memory seen as a
 * read-only tree of files. Portable: it takes a buffer and never touches hardware, so
 * the host unit tests (tests/unit/fs/initrd/) run it unchanged; vfs_initrd.c makes it
 * the "initrd" file system of the VFS.
 *
 * Two layers:
 *   cpio.c    walks the archive entry by entry (struct cpio_iter), checking every
 *             header, size and name against the buffer's end;
 *   initrd.c  builds the tree once at mount (initrd_parse()): one node per file,
 *             directory or link, directories implied by paths created as needed; then
 *             answers lookups, reads and directory walks from it.
 *
 * File data is never copied: a node points into the archive, which must stay in
 * memory, unchanged, until initrd_release(). Nothing here writes to the archive.
 * Not thread-safe to parse; the tree is read-only afterwards, so lookups and reads may
 * run concurrently.
 */
#ifndef FS_INITRD_H
#define FS_INITRD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpio_reg.h"

/* The longest path name an entry may have (its NUL included), and one component. */
#define INITRD_PATH_MAX 4096
#define INITRD_NAME_MAX 255

/* Node index of the root directory, and "no node". */
#define INITRD_ROOT 0
#define INITRD_NONE UINT32_MAX

/* Why an archive was refused, for the mount's error line. */
struct initrd_error {
	size_t offset;	  /* of the entry at fault, from the archive's start */
	const char *what; /* a static sentence, e.g. "bad magic (not a cpio newc archive)" */
};

/* One archive entry, as cpio_iter_next() found it. */
struct cpio_entry {
	uint32_t field[CPIO_FIELDS]; /* the header's numbers (enum cpio_field) */
	const char *name;	     /* in the archive, NUL-terminated */
	size_t name_len;	     /* without the NUL */
	const uint8_t *data;	     /* in the archive */
	uint32_t size;		     /* bytes of data */
	size_t offset;		     /* of the header */
};

struct cpio_iter {
	const uint8_t *image;
	size_t size;
	size_t offset; /* of the next header */
};

void cpio_iter_init(struct cpio_iter *it, const void *image, size_t size);

/*
 * cpio_iter_next() - the next entry of the archive, TRAILER!!! excluded. After a
 * trailer, NUL padding is skipped and another archive may follow (archives can be
 * concatenated, as Linux's initramfs allows); anything else after a trailer is
 * ignored. Returns 1 and *@e, 0 at the end, or -EINVAL with *@err (bad magic, a
 * compressed or old-format archive, a bad hex digit, a name or data past the end, a
 * name without its NUL, a checksum mismatch, no trailer).
 */
int cpio_iter_next(struct cpio_iter *it, struct cpio_entry *e, struct initrd_error *err);

struct initrd_node {
	const char *name;  /* the last path component, in the archive (not NUL-terminated) */
	uint32_t name_len; /* 0 only for the root */
	uint32_t mode;	   /* CPIO_S_IF* | permission bits */
	uint32_t parent;
	uint32_t first_child; /* directories: children in archive order, or INITRD_NONE */
	uint32_t last_child;
	uint32_t next_sibling;
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	uint32_t mtime;	      /* seconds since 1970 */
	uint32_t link_key[3]; /* c_ino, c_devmajor, c_devminor: hard links share data */
	const uint8_t *data;  /* regular files and symbolic links (the target) */
	uint64_t size;
};

struct initrd {
	const uint8_t *image;
	size_t image_size;
	struct initrd_node *nodes;
	uint32_t count;
	uint32_t capacity;
	uint32_t *hash; /* (parent, name) -> node; open addressing, INITRD_NONE = empty */
	uint32_t hash_mask;
	uint32_t files;	     /* regular files */
	uint32_t dirs;	     /* directories, the root included */
	uint32_t links;	     /* symbolic links */
	uint64_t file_bytes; /* bytes of all regular files */
};

/*
 * initrd_parse() - check the whole archive at @image (@size bytes) and build its tree
 * in @rd. Paths are taken relative to the root ("./a", "/a" and "a" are the same file);
 * "." components and repeated slashes are dropped; a ".." component, a component
 * longer than INITRD_NAME_MAX or a path through a file is refused. A later entry for
 * the same path replaces the earlier one. Returns 0, -EINVAL with *@err for a corrupt
 * archive, or -ENOMEM.
 */
int initrd_parse(struct initrd *rd, const void *image, size_t size, struct initrd_error *err);

/* initrd_release() - free the tree built by initrd_parse() (the archive is not touched). */
void initrd_release(struct initrd *rd);

/*
 * initrd_lookup() - the node at @path, absolute or relative to the root ("." and ".."
 * are walked; ".." of the root is the root). Symbolic links are not followed.
 * Returns the node index (>= 0), -ENOENT, -ENOTDIR or -ENAMETOOLONG.
 */
long initrd_lookup(const struct initrd *rd, const char *path);

/* initrd_child() - the child of directory @dir named @name (@len bytes), or INITRD_NONE. */
uint32_t initrd_child(const struct initrd *rd, uint32_t dir, const char *name, size_t len);

/*
 * initrd_read() - copy up to @len bytes at @offset of regular file @node into @buf.
 * Returns the bytes copied (0 at or past the end), -EISDIR for a directory, or -EINVAL
 * for anything else that is not a regular file.
 */
long initrd_read(const struct initrd *rd, uint32_t node, uint64_t offset, void *buf, size_t len);

/*
 * initrd_readlink() - the target of symbolic link @node into @buf (NUL-terminated,
 * cut to @size - 1 bytes). Returns the target's full length, or -EINVAL if @node is
 * not a link.
 */
long initrd_readlink(const struct initrd *rd, uint32_t node, char *buf, size_t size);

static inline bool initrd_is_dir(const struct initrd *rd, uint32_t node)
{
	return (rd->nodes[node].mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
}

#endif /* FS_INITRD_H */
