/* SPDX-License-Identifier: MIT */
/* vfs_host.h - what tests/unit/fs/vfs/vfs_host.c gives the VFS tests. */
#ifndef TESTS_UNIT_FS_VFS_HOST_H
#define TESTS_UNIT_FS_VFS_HOST_H

#include <kernel/blkdev.h>

/* Block caches open (bcache_open() minus bcache_close()); kmutex misuse seen. */
extern int vfs_host_cache_opens;
extern int vfs_host_lock_errors;

/* Makes @dev findable by its name for mount(). */
void vfs_host_add_dev(struct blkdev *dev);

#endif
