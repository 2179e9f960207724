// SPDX-License-Identifier: MIT
/*
 * vfs_initrd.c - the "initrd" file system: the boot loader's cpio archive
 * (struct boot_info's initrd_base/initrd_size) mounted read-only through the VFS, and
 * the boot-time mount of it.
 *
 * At INITCALL_MOUNT, when the loader passed an initrd, it is mounted on "/" if the
 * command line says root=initrd or rootfstype=initrd, else on "/initrd". An
 * application may mount it again: mount("initrd", "/x", "initrd", MS_RDONLY, NULL).
 * Each mount parses the archive once (initrd.c) into its own tree; file data is read
 * straight from the archive, which mm_init() keeps out of the page allocator, so it
 * stays in place for the kernel's whole life. Every operation that would write answers
 * -EROFS. A corrupt archive is refused at mount with one error line saying where and
 * what; the machine carries on without it.
 */
#define pr_fmt(fmt) "initrd: " fmt

#include <kernel/boot_info.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/initcall.h>
#include <kernel/printk.h>
#include <kernel/vfs.h>
#include <toro/errno.h>
#include <toro/mem.h>
#include <toro/string.h>

#include "initrd.h"

#define INITRD_BLOCK_SIZE 4096
#define INITRD_DEFAULT_TARGET "/initrd"
#define DIR_END UINT64_MAX

_Static_assert(CPIO_S_IFDIR == S_IFDIR && CPIO_S_IFREG == S_IFREG && CPIO_S_IFLNK == S_IFLNK,
	       "cpio's c_mode type bits are st_mode's");

extern char __image_start[], __kernel_end[];

/* What the last successful mount found, for the boot log line. */
static struct {
	uint32_t files;
	uint64_t bytes;
} last_mount;

static bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
	return a < b + b_len && b < a + a_len;
}

/* The archive must lie in RAM the kernel maps and nobody else uses. */
static int check_placement(const struct boot_info *bi)
{
	uint64_t base = bi->initrd_base, size = bi->initrd_size;
	uintptr_t image = (uintptr_t)__image_start;

	if (base + size < base) {
		pr_err("archive at 0x%llx: size wraps around\n", (unsigned long long)base);
		return -EFAULT;
	}
	if (overlaps(base, size, image, (uintptr_t)__kernel_end - image)) {
		pr_err("archive at 0x%llx-0x%llx overlaps the kernel image: not used\n",
		       (unsigned long long)base, (unsigned long long)(base + size));
		return -EFAULT;
	}
	for (unsigned int i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_region *r = &bi->mem[i];

		if (r->type == BOOT_MEM_USABLE && r->base <= base &&
		    base + size <= r->base + r->size) {
			return 0;
		}
	}
	pr_err("archive at 0x%llx-0x%llx is not in usable RAM: not used\n",
	       (unsigned long long)base, (unsigned long long)(base + size));
	return -EFAULT;
}

static int initrd_fs_mount(struct blkdev *dev, unsigned long *flags, const void *data, void **fs)
{
	const struct boot_info *bi = boot_info_get();
	struct initrd_error err = {0};
	struct initrd *rd;
	int ret;

	(void)dev;
	(void)data;
	if (!bi || !bi->initrd_size) {
		return -ENODEV; /* the loader gave no initrd */
	}
	ret = check_placement(bi);
	if (ret) {
		return ret;
	}
	rd = malloc(sizeof(*rd));
	if (!rd) {
		return -ENOMEM;
	}
	ret = initrd_parse(rd, (const void *)(uintptr_t)bi->initrd_base, bi->initrd_size, &err);
	if (ret == -EINVAL) {
		pr_err("corrupt archive at byte %zu of %llu: %s\n", err.offset,
		       (unsigned long long)bi->initrd_size, err.what);
	}
	if (ret) {
		free(rd);
		return ret;
	}
	*flags |= MS_RDONLY;
	last_mount.files = rd->files;
	last_mount.bytes = rd->file_bytes;
	*fs = rd;
	return 0;
}

static int initrd_fs_unmount(void *fs)
{
	initrd_release(fs);
	free(fs);
	return 0;
}

static int initrd_fs_sync(void *fs)
{
	(void)fs;
	return 0; /* nothing is ever dirty */
}

static int initrd_fs_statfs(void *fs, struct statfs *st)
{
	const struct initrd *rd = fs;

	st->f_bsize = INITRD_BLOCK_SIZE;
	st->f_blocks = (rd->image_size + INITRD_BLOCK_SIZE - 1) / INITRD_BLOCK_SIZE;
	st->f_bfree = 0;
	st->f_files = rd->count;
	st->f_ffree = 0;
	return 0;
}

/* The node index kept in a vfs_node. */
static uint32_t node_index(const struct initrd *rd, const struct vfs_node *node)
{
	return node->priv.u64 < rd->count ? (uint32_t)node->priv.u64 : INITRD_ROOT;
}

static int initrd_fs_lookup(void *fs, const char *path, struct vfs_node *node)
{
	const struct initrd *rd = fs;
	long idx = initrd_lookup(rd, path);

	if (idx < 0) {
		return (int)idx;
	}
	node->id = (uint64_t)idx + 1; /* the root is inode 1 */
	node->mode = rd->nodes[idx].mode;
	node->priv.u64 = (uint64_t)idx;
	return 0;
}

static int initrd_fs_stat(void *fs, struct vfs_node *node, struct stat *st)
{
	const struct initrd *rd = fs;
	const struct initrd_node *n = &rd->nodes[node_index(rd, node)];

	memset(st, 0, sizeof(*st));
	st->st_ino = node_index(rd, node) + 1;
	st->st_mode = n->mode;
	st->st_nlink = n->nlink;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_size = (off_t)n->size;
	st->st_blocks = (n->size + 511) / 512;
	st->st_blksize = INITRD_BLOCK_SIZE;
	st->st_atime = st->st_mtime = st->st_ctime = n->mtime;
	return 0;
}

static long initrd_fs_read(void *fs, struct vfs_node *node, uint64_t offset, void *buf, size_t len)
{
	const struct initrd *rd = fs;
	uint32_t idx = node_index(rd, node);

	/* There are no symbolic links in <toro/fs.h>: a link is reported, never followed. */
	if (S_ISLNK(rd->nodes[idx].mode)) {
		return -ELOOP;
	}
	return initrd_read(rd, idx, offset, buf, len);
}

static int initrd_fs_readdir(void *fs, struct vfs_node *dir, uint64_t *cookie, vfs_filldir_t fill,
			     void *ctx)
{
	const struct initrd *rd = fs;
	uint32_t idx = node_index(rd, dir);
	uint32_t c;

	if (!initrd_is_dir(rd, idx)) {
		return -ENOTDIR;
	}
	/* The cookie is 0 at the start, then the next child's index + 1, DIR_END after. */
	if (*cookie == DIR_END) {
		return 0;
	}
	c = *cookie == 0 ? rd->nodes[idx].first_child : (uint32_t)(*cookie - 1);
	for (; c != INITRD_NONE && c < rd->count; c = rd->nodes[c].next_sibling) {
		const struct initrd_node *n = &rd->nodes[c];

		if (fill(ctx, n->name, n->name_len, (uint64_t)c + 1, vfs_dtype_of_mode(n->mode))) {
			return 0;
		}
		*cookie = n->next_sibling == INITRD_NONE ? DIR_END : (uint64_t)n->next_sibling + 1;
	}
	return 0;
}

/* Every operation that would change the archive. */
static long initrd_fs_write(void *fs, struct vfs_node *node, uint64_t offset, const void *buf,
			    size_t len)
{
	return -EROFS;
}

static int initrd_fs_truncate(void *fs, struct vfs_node *node, uint64_t size)
{
	return -EROFS;
}

static int initrd_fs_create(void *fs, const char *path, mode_t mode, struct vfs_node *node)
{
	return -EROFS;
}

static int initrd_fs_mkdir(void *fs, const char *path, mode_t mode)
{
	return -EROFS;
}

static int initrd_fs_remove(void *fs, const char *path)
{
	return -EROFS;
}

static int initrd_fs_rename(void *fs, const char *from, const char *to)
{
	return -EROFS;
}

static const struct vfs_fs_ops initrd_fs_ops = {
	.mount = initrd_fs_mount,
	.unmount = initrd_fs_unmount,
	.sync = initrd_fs_sync,
	.statfs = initrd_fs_statfs,
	.lookup = initrd_fs_lookup,
	.stat = initrd_fs_stat,
	.read = initrd_fs_read,
	.write = initrd_fs_write,
	.truncate = initrd_fs_truncate,
	.readdir = initrd_fs_readdir,
	.create = initrd_fs_create,
	.mkdir = initrd_fs_mkdir,
	.unlink = initrd_fs_remove,
	.rmdir = initrd_fs_remove,
	.rename = initrd_fs_rename,
};

VFS_FS_TYPE(initrd, "initrd", VFS_FS_NODEV, &initrd_fs_ops);

static void keep_value(const char *value, void *arg)
{
	*(const char **)arg = value; /* the last one wins, as in Linux */
}

/* root=initrd or rootfstype=initrd on the command line. */
static bool initrd_is_root(void)
{
	const char *root = NULL, *type = NULL;

	cmdline_each("root", keep_value, &root);
	cmdline_each("rootfstype", keep_value, &type);
	return (root && strcmp(root, "initrd") == 0) || (type && strcmp(type, "initrd") == 0);
}

static void log_mounted(const char *target, const char *why)
{
	pr_info("%u files, %llu bytes, mounted read-only on %s%s\n", last_mount.files,
		(unsigned long long)last_mount.bytes, target, why);
}

/*
 * Runs after the VFS's root mount (fs/vfs/ links before fs/initrd/). Without a root
 * file system no directory can hold /initrd, so the initrd becomes the root.
 */
static int initrd_mount_boot(void)
{
	const struct boot_info *bi = boot_info_get();
	const char *target = INITRD_DEFAULT_TARGET, *why = "";
	struct statfs st;
	bool have_root;
	int err;

	if (!bi || !bi->initrd_size) {
		return 0;
	}
	have_root = statfs("/", &st) == 0;
	if (have_root && strcmp(st.f_fstype, "initrd") == 0) {
		/* root=initrd rootfstype=initrd: the VFS's root mount took it already. */
		log_mounted("/", "");
		return 0;
	}
	if (initrd_is_root()) {
		target = "/";
	} else if (!have_root) {
		target = "/";
		why = " (no root file system to hold " INITRD_DEFAULT_TARGET ")";
	}
	err = vfs_mount("initrd", target, "initrd", MS_RDONLY, NULL);
	if (err == -ENOENT && have_root && strcmp(target, "/") != 0) {
		pr_err("not mounted on %s: the root file system has no such directory "
		       "(make it, or boot with root=initrd)\n",
		       target);
		return 0;
	}
	if (err) {
		pr_err("not mounted on %s: %s\n", target, strerror(-err));
		return 0; /* said once, here; the machine goes on without it */
	}
	log_mounted(target, why);
	return 0;
}
initcall(initrd_mount_boot, INITCALL_MOUNT);
