// SPDX-License-Identifier: MIT
/*
 * vfs_host.c - the kernel services the VFS uses, for the host tests: xcall() is a direct
 * call (one CPU), a kmutex checks it is never taken twice (the VFS must not nest
 * operations of a mount), the block cache is the device itself (counting opens), and
 * the block registry holds the devices a test adds with vfs_host_add_dev().
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/bcache.h>
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/xcall.h>

#include "vfs_host.h"

#define HOST_DEVS 4

static struct blkdev *devs[HOST_DEVS];
int vfs_host_cache_opens;
int vfs_host_lock_errors;

long xcall(unsigned int cpu, long (*fn)(void *arg), void *arg)
{
	(void)cpu;
	return fn(arg);
}

void kmutex_init(struct kmutex *m, unsigned int cpu)
{
	memset(m, 0, sizeof(*m));
	m->cpu = cpu;
}

void kmutex_lock(struct kmutex *m)
{
	if (m->locked) {
		vfs_host_lock_errors++; /* on one host thread this would deadlock */
	}
	m->locked = true;
}

void kmutex_unlock(struct kmutex *m)
{
	if (!m->locked) {
		vfs_host_lock_errors++;
	}
	m->locked = false;
}

void thread_yield(void)
{
}

/* The FAT library grows directories with realloc(); ext2_image.c has the rest of malloc. */
void *toro_realloc(void *p, size_t size);
void *toro_realloc(void *p, size_t size)
{
	return realloc(p, size);
}

struct blkdev *bcache_open(struct blkdev *dev)
{
	vfs_host_cache_opens++;
	return dev;
}

int bcache_sync(struct blkdev *view)
{
	return view->ops->flush ? view->ops->flush(view) : 0;
}

int bcache_close(struct blkdev *view)
{
	vfs_host_cache_opens--;
	return bcache_sync(view);
}

void vfs_host_add_dev(struct blkdev *dev)
{
	for (int i = 0; i < HOST_DEVS; i++) {
		if (!devs[i] || devs[i] == dev) {
			devs[i] = dev;
			return;
		}
	}
	abort();
}

int vfs_blkdev_find(const char *name, struct blkdev **out, unsigned int *cpu)
{
	for (int i = 0; i < HOST_DEVS; i++) {
		if (devs[i] && strcmp(devs[i]->name, name) == 0) {
			*out = devs[i];
			*cpu = 0;
			return 0;
		}
	}
	return -ENOENT;
}

void vfs_console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}
