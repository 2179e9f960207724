// SPDX-License-Identifier: MIT
/*
 * blk_host.c - the kernel services drivers/block/ uses, on the host (see
 * blk_host.h): CPUs, xcall(), wait queues, kmutex, the log, the allocator.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk_host.h"
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/xcall.h>

unsigned int host_cpu;
unsigned int host_cpus = 1;
unsigned int host_xcalls;
unsigned int host_mutex_wrong;
int host_mutex_held;
char host_log[16384];
bool host_log_quiet;

void *toro_malloc(size_t n);
void *toro_calloc(size_t n, size_t size);
void toro_free(void *p);

size_t host_track_size;
unsigned int host_tracked_live, host_tracked_peak;
static void *tracked[4096];

void *toro_malloc(size_t n)
{
	void *p = malloc(n);

	if (p && n == host_track_size) {
		for (size_t i = 0; i < sizeof(tracked) / sizeof(tracked[0]); i++) {
			if (!tracked[i]) {
				tracked[i] = p;
				host_tracked_live++;
				break;
			}
		}
		if (host_tracked_live > host_tracked_peak) {
			host_tracked_peak = host_tracked_live;
		}
	}
	return p;
}

void *toro_calloc(size_t n, size_t size)
{
	return calloc(n, size);
}

void toro_free(void *p)
{
	for (size_t i = 0; p && i < sizeof(tracked) / sizeof(tracked[0]); i++) {
		if (tracked[i] == p) {
			tracked[i] = NULL;
			host_tracked_live--;
			break;
		}
	}
	free(p);
}

void host_log_clear(void)
{
	host_log[0] = '\0';
}

int printk(int level, const char *fmt, ...)
{
	size_t len = strlen(host_log);
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(host_log + len, sizeof(host_log) - len, fmt, ap);
	va_end(ap);
	if (!host_log_quiet) {
		printf("  log: %s", host_log + len);
	}
	return 0;
}

unsigned int cpu_id(void)
{
	return host_cpu;
}

unsigned int cpu_count(void)
{
	return host_cpus;
}

long xcall(unsigned int cpu, long (*fn)(void *arg), void *arg)
{
	unsigned int from = host_cpu;
	long r;

	if (cpu >= host_cpus) {
		fprintf(stderr, "xcall to cpu %u of %u\n", cpu, host_cpus);
		abort();
	}
	host_xcalls += cpu != from;
	host_cpu = cpu;
	r = fn(arg);
	host_cpu = from;
	return r;
}

/* One host thread: nothing else could ever wake a waiter. */
void waitq_wait(struct waitq *wq)
{
	(void)wq;
	fprintf(stderr, "waitq_wait() on one host thread would never return\n");
	abort();
}

void waitq_wake_all(struct waitq *wq)
{
	(void)wq;
}

void kmutex_init(struct kmutex *m, unsigned int cpu)
{
	memset(m, 0, sizeof(*m));
	m->cpu = cpu;
}

void kmutex_lock(struct kmutex *m)
{
	host_mutex_wrong += m->cpu != host_cpu;
	if (m->locked) {
		fprintf(stderr, "kmutex taken twice by one thread\n");
		abort();
	}
	m->locked = true;
	host_mutex_held++;
}

void kmutex_unlock(struct kmutex *m)
{
	m->locked = false;
	host_mutex_held--;
}

int cmdline_each(const char *name, void (*fn)(const char *value, void *arg), void *arg)
{
	(void)name;
	(void)fn;
	(void)arg;
	return 0;
}

/* --- the disk in memory ------------------------------------------------------------ */

static bool fails(const struct memdisk *m, bool failing, uint64_t sector, uint32_t count)
{
	if (!failing) {
		return false;
	}
	return !m->fail_one || (m->fail_sector >= sector && m->fail_sector < sector + count);
}

static int mem_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	struct memdisk *m = dev->priv;

	if (sector + count > dev->sector_count || count == 0) {
		fprintf(stderr, "memdisk: driver got a bad read %lu+%u\n", (unsigned long)sector,
			count);
		abort();
	}
	m->reads++;
	m->largest_request = count > m->largest_request ? count : m->largest_request;
	if (fails(m, m->fail_reads, sector, count)) {
		return -EIO;
	}
	memcpy(buf, m->data + sector * dev->sector_size, (size_t)count * dev->sector_size);
	return 0;
}

static int mem_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	struct memdisk *m = dev->priv;

	if (sector + count > dev->sector_count || count == 0) {
		fprintf(stderr, "memdisk: driver got a bad write %lu+%u\n", (unsigned long)sector,
			count);
		abort();
	}
	m->writes++;
	m->largest_request = count > m->largest_request ? count : m->largest_request;
	if (fails(m, m->fail_writes, sector, count)) {
		return -EIO;
	}
	memcpy(m->data + sector * dev->sector_size, buf, (size_t)count * dev->sector_size);
	return 0;
}

static int mem_flush(struct blkdev *dev)
{
	struct memdisk *m = dev->priv;

	m->flushes++;
	return 0;
}

static int mem_set_owner(struct blkdev *dev, unsigned int cpu)
{
	struct memdisk *m = dev->priv;

	(void)cpu;
	if (host_cpu != dev->owner_cpu) {
		fprintf(stderr, "set_owner() not on the old owner\n");
		abort();
	}
	m->set_owner_calls++;
	return m->set_owner_result;
}

static const struct blkdev_ops mem_ops = {
	.read = mem_read,
	.write = mem_write,
	.flush = mem_flush,
	.set_owner = mem_set_owner,
};

void memdisk_init(struct memdisk *m, const char *name, uint32_t size, uint64_t count, int fill)
{
	memset(m, 0, sizeof(*m));
	m->data = malloc(size * count);
	if (fill >= 0) {
		memset(m->data, fill, size * count);
	} else {
		for (size_t i = 0; i < size * count; i++) {
			m->data[i] = (uint8_t)(i * 7 + i / 4096);
		}
	}
	snprintf(m->dev.name, sizeof(m->dev.name), "%s", name);
	m->dev.sector_size = size;
	m->dev.sector_count = count;
	m->dev.ops = &mem_ops;
	m->dev.priv = m;
}

void memdisk_free(struct memdisk *m)
{
	free(m->data);
	m->data = NULL;
}
