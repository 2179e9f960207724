// SPDX-License-Identifier: MIT
/*
 * mount.c - the mount table: mount(), umount(), mount_get(), sync, and resolving a path
 * to the mount that holds it (the longest mount point that is a prefix of it).
 *
 * Rules (vfs_priv.h has the whole model):
 *  - slots are claimed, published and freed on CPU 0 only, so two mounts never race
 *    for a target; readers on any CPU use each slot's sequence count;
 *  - a mount's file system is mounted, used, synced and unmounted on its own CPU
 *    (the disk's owner CPU; CPU 0 without a disk), under the mount's kmutex;
 *  - without a root file system, only "/" can be mounted on: every other path is ENOENT.
 *  - unmounting is refused (EBUSY) while a descriptor or DIR is open on the mount, or
 *    while another mount sits below it; at shutdown vfs_umount_all() forces it.
 */
#define pr_fmt(fmt) "VFS: " fmt

#include <kernel/errno.h>
#include <kernel/printk.h>
#include <toro/errno.h>
#include <toro/string.h>
#include <toro/thread.h>

#include "vfs_priv.h"

struct vfs_mount vfs_mounts[VFS_MOUNT_MAX];

/* Weak: a host test program without any type has no such section (and no symbols). */
extern const struct vfs_fs_type __start_vfs_fs_type[] __attribute__((weak));
extern const struct vfs_fs_type __stop_vfs_fs_type[] __attribute__((weak));

const struct vfs_fs_type *vfs_fs_type_find(const char *name)
{
	for (const struct vfs_fs_type *t = __start_vfs_fs_type; t < __stop_vfs_fs_type; t++) {
		if (strcmp(t->name, name) == 0) {
			return t;
		}
	}
	return NULL;
}

void vfs_seq_write_begin(uint32_t *seq)
{
	__atomic_store_n(seq, *seq + 1, __ATOMIC_RELAXED);
	/* The odd count is visible before any of the writes that follow (seqlock). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void vfs_seq_write_end(uint32_t *seq)
{
	/* Every write of the slot is visible before the even count. */
	__atomic_store_n(seq, *seq + 1, __ATOMIC_RELEASE);
}

/* Does mount point @t (@len bytes) hold absolute path @abs? */
static bool target_holds(const char *t, size_t len, const char *abs)
{
	if (len == 1) {
		return true; /* "/" */
	}
	return strncmp(t, abs, len) == 0 && (abs[len] == '/' || abs[len] == '\0');
}

/* The live mount holding @abs with the longest mount point, and its count; or NULL. */
static struct vfs_mount *mount_lookup(const char *abs, uint32_t *seq_out, size_t *len_out)
{
	struct vfs_mount *best = NULL;
	size_t best_len = 0;

	for (unsigned int i = 0; i < VFS_MOUNT_MAX; i++) {
		struct vfs_mount *m = &vfs_mounts[i];
		uint32_t seq;
		size_t len;
		bool live, holds;

		do {
			seq = __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
			live = !(seq & 1) && m->state == VFS_MNT_LIVE;
			len = m->target_len < PATH_MAX ? m->target_len : PATH_MAX - 1;
			holds = live && len > 0 && target_holds(m->target, len, abs);
			/* The reads above happen before the count is read again. */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
		} while (__atomic_load_n(&m->seq, __ATOMIC_RELAXED) != seq);
		if (holds && (!best || len > best_len)) {
			best = m;
			best_len = len;
			*seq_out = seq;
		}
	}
	*len_out = best_len;
	return best;
}

int vfs_resolve(const char *path, struct vfs_path *p)
{
	char cwd[PATH_MAX];
	size_t len;
	int err;

	vfs_cwd_get(cwd);
	err = vfs_path_normalize(cwd, path, p->abs, sizeof(p->abs), &p->must_dir);
	if (err < 0) {
		return err;
	}
	p->mnt = mount_lookup(p->abs, &p->seq, &len);
	if (!p->mnt) {
		return -ENOENT;
	}
	p->rel = len == 1 ? p->abs : p->abs + len;
	if (!*p->rel) {
		p->rel = "/";
	}
	return 0;
}

/* On the mount's CPU: the operation under the mount's lock, if it is still that mount. */
static long req_run(void *arg)
{
	struct vfs_req *r = arg;
	long ret;

	kmutex_lock(&r->mnt->lock);
	if (r->mnt->dying || __atomic_load_n(&r->mnt->seq, __ATOMIC_ACQUIRE) != r->seq) {
		ret = -EAGAIN;
	} else {
		ret = r->op(r);
	}
	kmutex_unlock(&r->mnt->lock);
	return ret;
}

long vfs_req_call(struct vfs_req *r)
{
	long ret;

	for (int tries = 0;; tries++) {
		if (r->path) {
			r->mnt = r->path->mnt;
			r->seq = r->path->seq;
		}
		ret = xcall(r->mnt->cpu, req_run, r);
		/* Only a path can find another mount; an open file's mount cannot go. */
		if (ret != -EAGAIN || !r->path || tries >= VFS_RETRY_MAX) {
			break;
		}
		/* The mount went away: resolve again (the path is intact in abs). */
		thread_yield();
		ret = vfs_resolve(r->path->abs, r->path);
		if (ret) {
			return ret;
		}
		if (r->path2) {
			ret = vfs_resolve(r->path2->abs, r->path2);
			if (ret) {
				return ret;
			}
		}
	}
	return ret == -EAGAIN ? -EBUSY : ret;
}

/* --- changing the table: CPU 0 only ---------------------------------------------------- */

struct mount_args {
	const char *source, *target, *fstype;
	const struct vfs_fs_type *type;
	struct blkdev *dev;
	unsigned long flags;
	const void *data;
	unsigned int cpu;
	struct vfs_mount *mnt;
	int force;
};

static long table_claim(void *arg)
{
	struct mount_args *a = arg;
	struct vfs_mount *free_slot = NULL;

	for (unsigned int i = 0; i < VFS_MOUNT_MAX; i++) {
		struct vfs_mount *m = &vfs_mounts[i];

		if (m->state == VFS_MNT_FREE) {
			free_slot = free_slot ? free_slot : m;
		} else if (strcmp(m->target, a->target) == 0) {
			return -EBUSY;
		}
	}
	if (!free_slot) {
		return -ENOSPC;
	}
	vfs_seq_write_begin(&free_slot->seq);
	free_slot->state = VFS_MNT_CLAIMED;
	free_slot->target_len = strlcpy(free_slot->target, a->target, PATH_MAX);
	strlcpy(free_slot->source, a->source, sizeof(free_slot->source));
	free_slot->type = a->type;
	free_slot->cpu = a->cpu;
	free_slot->flags = a->flags;
	free_slot->dying = false;
	free_slot->fs = NULL;
	free_slot->open = NULL;
	free_slot->open_count = 0;
	kmutex_init(&free_slot->lock, a->cpu);
	vfs_seq_write_end(&free_slot->seq);
	a->mnt = free_slot;
	return 0;
}

static long table_publish(void *arg)
{
	struct mount_args *a = arg;

	vfs_seq_write_begin(&a->mnt->seq);
	a->mnt->flags = a->flags;
	a->mnt->state = VFS_MNT_LIVE;
	vfs_seq_write_end(&a->mnt->seq);
	return 0;
}

static long table_free(void *arg)
{
	struct vfs_mount *m = arg;

	vfs_seq_write_begin(&m->seq);
	m->state = VFS_MNT_FREE;
	m->target[0] = '\0';
	m->target_len = 0;
	vfs_seq_write_end(&m->seq);
	return 0;
}

/* On the mount's CPU. */
static long fs_mount(void *arg)
{
	struct mount_args *a = arg;
	int err;

	kmutex_lock(&a->mnt->lock);
	err = a->type->ops->mount(a->dev, &a->flags, a->data, &a->mnt->fs);
	kmutex_unlock(&a->mnt->lock);
	return err;
}

/* Checks that @target can take a mount: "/" or an existing directory. */
static int mount_target_ok(const char *target)
{
	struct stat st;
	int err;

	if (strcmp(target, "/") == 0) {
		return 0;
	}
	err = vfs_stat(target, &st);
	if (err) {
		return err;
	}
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Finds the type and the device of a mount. */
static int mount_source(struct mount_args *a)
{
	int err;

	a->type = vfs_fs_type_find(a->fstype);
	if (!a->type) {
		return -ENODEV;
	}
	a->dev = NULL;
	a->cpu = 0;
	if (a->type->flags & VFS_FS_NODEV) {
		return 0;
	}
	err = vfs_blkdev_find(a->source, &a->dev, &a->cpu);
	if (err) {
		return err;
	}
	if (a->dev->read_only) {
		a->flags |= MS_RDONLY;
	}
	return 0;
}

int vfs_mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	      const void *data)
{
	struct mount_args a = {.source = source ? source : "none",
			       .fstype = fstype,
			       .flags = flags & MS_RDONLY,
			       .data = data};
	char cwd[PATH_MAX], abs[PATH_MAX];
	int err;

	if (!target || !fstype) {
		return -EINVAL;
	}
	vfs_cwd_get(cwd);
	err = vfs_path_normalize(cwd, target, abs, sizeof(abs), NULL);
	if (err < 0) {
		return err;
	}
	a.target = abs;
	err = mount_source(&a);
	if (!err) {
		err = mount_target_ok(abs);
	}
	if (!err) {
		err = (int)xcall(0, table_claim, &a);
	}
	if (err) {
		return err;
	}
	err = (int)xcall(a.cpu, fs_mount, &a);
	if (err) {
		xcall(0, table_free, a.mnt);
		return err;
	}
	xcall(0, table_publish, &a);
	return 0;
}

/* On the mount's CPU: sync and unmount if nothing is open (or @force). */
static long fs_unmount(void *arg)
{
	struct mount_args *a = arg;
	struct vfs_mount *m = a->mnt;
	long err;

	kmutex_lock(&m->lock);
	if (m->dying) {
		err = -EINVAL;
	} else if (m->open_count && !a->force) {
		err = -EBUSY;
	} else {
		vfs_inodes_drop(m);
		m->dying = true;
		err = m->type->ops->unmount(m->fs);
		m->fs = NULL;
		if (err) {
			pr_err("unmounting %s from %s: %s\n", m->source, m->target,
			       strerror((int)-err));
		}
	}
	kmutex_unlock(&m->lock);
	return err;
}

/* True if a live mount other than @m has its mount point below @m's. */
static bool mount_has_children(const struct vfs_mount *m)
{
	for (unsigned int i = 0; i < VFS_MOUNT_MAX; i++) {
		const struct vfs_mount *c = &vfs_mounts[i];

		if (c != m && c->state != VFS_MNT_FREE && c->target_len > m->target_len &&
		    target_holds(m->target, m->target_len, c->target)) {
			return true;
		}
	}
	return false;
}

static int umount_slot(struct vfs_mount *m, bool force)
{
	struct mount_args a = {.mnt = m, .force = force};
	int err;

	if (!force && mount_has_children(m)) {
		return -EBUSY;
	}
	err = (int)xcall(m->cpu, fs_unmount, &a);
	if (!force && (err == -EBUSY || err == -EINVAL)) {
		return err;
	}
	xcall(0, table_free, m);
	return err;
}

int vfs_umount(const char *target)
{
	struct vfs_path p;
	int err;

	if (!target) {
		return -EINVAL;
	}
	err = vfs_resolve(target, &p);
	if (err) {
		return err;
	}
	if (strcmp(p.rel, "/") != 0) {
		return -EINVAL; /* not a mount point */
	}
	return umount_slot(p.mnt, false);
}

static long fs_sync(void *arg)
{
	struct vfs_mount *m = arg;
	long err = 0;

	kmutex_lock(&m->lock);
	if (!m->dying && !vfs_mount_ro(m) && m->type->ops->sync) {
		err = m->type->ops->sync(m->fs);
	}
	kmutex_unlock(&m->lock);
	return err;
}

int vfs_sync_all(void)
{
	int first = 0;

	for (unsigned int i = 0; i < VFS_MOUNT_MAX; i++) {
		struct vfs_mount *m = &vfs_mounts[i];
		int err;

		if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != VFS_MNT_LIVE) {
			continue;
		}
		err = (int)xcall(m->cpu, fs_sync, m);
		if (err) {
			pr_err("syncing %s: %s\n", m->target, strerror(-err));
			first = first ? first : err;
		}
	}
	return first;
}

int vfs_umount_all(void)
{
	int first = 0;

	for (;;) {
		struct vfs_mount *deepest = NULL;
		int err;

		for (unsigned int i = 0; i < VFS_MOUNT_MAX; i++) {
			struct vfs_mount *m = &vfs_mounts[i];

			if (m->state == VFS_MNT_LIVE &&
			    (!deepest || m->target_len > deepest->target_len)) {
				deepest = m;
			}
		}
		if (!deepest) {
			return first;
		}
		err = umount_slot(deepest, true);
		first = first ? first : err;
	}
}

int vfs_mount_get(unsigned int index, struct mount_entry *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < VFS_MOUNT_MAX; i++) {
		struct vfs_mount *m = &vfs_mounts[i];
		uint32_t seq;
		bool live;

		do {
			seq = __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
			live = !(seq & 1) && m->state == VFS_MNT_LIVE;
			if (live && n == index) {
				memcpy(out->source, m->source, sizeof(out->source));
				memcpy(out->target, m->target, sizeof(out->target));
				const struct vfs_fs_type *type = m->type;

				strlcpy(out->fstype, type ? type->name : "", sizeof(out->fstype));
				out->flags = m->flags;
			}
			/* The copies above happen before the count is read again. */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
		} while (__atomic_load_n(&m->seq, __ATOMIC_RELAXED) != seq);
		if (live && n++ == index) {
			out->source[sizeof(out->source) - 1] = '\0';
			out->target[sizeof(out->target) - 1] = '\0';
			return 0;
		}
	}
	return -EINVAL;
}
