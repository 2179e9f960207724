// SPDX-License-Identifier: MIT
/*
 * root.c - the VFS in the kernel: the root file system from the command line (Linux
 * style, at INITCALL_MOUNT), sync and unmount at INITCALL_EXIT, and the kernel services
 * the portable VFS uses (block devices by name, the console for fds 1 and 2).
 *
 *	root=vda1 rootfstype=ext2 ro		(defaults: CONFIG_ROOT_DEV, CONFIG_ROOT_FSTYPE)
 *
 * A type without a device needs none: rootfstype=initrd, or root=initrd alone. Otherwise
 * no root device (root= empty, the default) leaves "/" empty: paths are ENOENT and mount()
 * works on "/" only. A root that cannot be mounted is logged and the application runs all
 * the same, as without one.
 */
#define pr_fmt(fmt) "VFS: " fmt

#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/initcall.h>
#include <kernel/printk.h>
#include <toro/errno.h>
#include <toro/string.h>

#include "vfs_priv.h"

int vfs_blkdev_find(const char *name, struct blkdev **out, unsigned int *cpu)
{
	if (!IS_ENABLED(CONFIG_BLOCK)) {
		return -ENOENT;
	}
	*out = blkdev_find(name);
	if (!*out) {
		return -ENOENT;
	}
	/* A partition's I/O runs where its whole disk's does (blkdev_dedicate()). */
	*cpu = blkdev_disk(*out)->owner_cpu;
	return 0;
}

void vfs_console_write(const char *s, size_t n)
{
	console_write(s, n);
}

struct root_args {
	char dev[BLKDEV_NAME_MAX];
	char fstype[16];
};

static void take_dev(const char *value, void *arg)
{
	strlcpy(((struct root_args *)arg)->dev, value, BLKDEV_NAME_MAX);
}

static void take_fstype(const char *value, void *arg)
{
	strlcpy(((struct root_args *)arg)->fstype, value, 16);
}

static int vfs_mount_root(void)
{
	const struct vfs_fs_type *dev_type;
	const char *mode = "read-only";
	struct root_args a;
	struct statfs st;
	unsigned long flags = 0;
	int err;

	strlcpy(a.dev, CONFIG_ROOT_DEV, sizeof(a.dev));
	strlcpy(a.fstype, CONFIG_ROOT_FSTYPE, sizeof(a.fstype));
	cmdline_each("root", take_dev, &a);
	cmdline_each("rootfstype", take_fstype, &a);
	/* The last of `ro` and `rw` wins, as in Linux. */
	if (cmdline_last_word("ro", "rw") == 0) {
		flags |= MS_RDONLY;
	}
	dev_type = vfs_fs_type_find(a.dev);
	if (dev_type && (dev_type->flags & VFS_FS_NODEV)) {
		/* root=initrd: a type without a device names itself. */
		strlcpy(a.fstype, a.dev, sizeof(a.fstype));
	}
	if (!a.dev[0]) {
		const struct vfs_fs_type *type = vfs_fs_type_find(a.fstype);

		/* A type without a device (initrd) needs no root=. */
		if (!type || !(type->flags & VFS_FS_NODEV)) {
			pr_info("no root file system (root= not set)\n");
			return 0;
		}
		strlcpy(a.dev, "none", sizeof(a.dev));
	}
	err = vfs_mount(a.dev, "/", a.fstype, flags, NULL);
	if (err) {
		pr_err("cannot mount root %s: %s\n", a.dev, strerror(-err));
		return 0;
	}
	if (vfs_statfs("/", &st) == 0 && !(st.f_flags & MS_RDONLY)) {
		mode = "read-write";
	}
	pr_info("mounted %s (%s) on / %s\n", a.dev, a.fstype, mode);
	return 0;
}
initcall(vfs_mount_root, INITCALL_MOUNT);

static int vfs_shutdown(void)
{
	int err = vfs_umount_all();

	if (err) {
		pr_err("unmounting at exit: %s\n", strerror(-err));
	}
	return err;
}
initcall(vfs_shutdown, INITCALL_EXIT);
