/* SPDX-License-Identifier: MIT */
/*
 * bcache.c - the block cache (include/kernel/bcache.h): a write-back cache of
 * one disk or partition, presented as a struct blkdev view that a file system
 * mounts instead of the device.
 *
 * Cache blocks are 4 KiB, or one sector when sectors are larger, aligned on
 * the device (block b holds sectors b * block_sectors ...; the last block of
 * a device whose size is not a multiple is short). Each cache holds at most
 * CONFIG_BCACHE_SIZE_KIB of blocks, allocated as they are first needed; past
 * that the least recently used block is reused, written back first if dirty.
 * Writes only dirty the cache; bcache_sync(), the view's flush op and
 * bcache_close() write the dirty blocks back in block order and flush the
 * disk, bcache_sync_all() runs at INITCALL_EXIT as a safety net.
 *
 * Transfers of whole aligned blocks adding up to at least BYPASS_BYTES_MIN
 * (64 KiB; the runs of file data ext2 moves), and any transfer of at least the
 * cache's size, bypass it: they go straight between the caller's buffer and
 * the device in one request, and the cached blocks they overlap are then
 * reconciled: a write copies the new data into them (a block written whole
 * becomes clean: the device has it), a read takes the newer data of dirty ones.
 * So nothing is written back or dropped for a bypass, and the cache never
 * holds anything older than the device.
 *
 * Errors: a failed read returns -EIO and caches nothing. A failed write-back
 * keeps the block dirty (nothing is dropped) and returns -EIO to whoever
 * needed it: sync retries it next time; eviction skips it and takes another
 * block, and when every block is dirty and unwritable the request that needed
 * room fails with -EIO. Only the last bcache_close() of a cache whose blocks
 * still cannot be written loses them, and says so in the log.
 *
 * Threads: a cache lives on its disk's owner CPU. Every entry point runs there
 * (the view's ops are called there, bcache_open/sync/close go there by
 * xcall()), and a kmutex keeps the threads of that CPU from interleaving while
 * one waits for the disk. Each CPU keeps the list of the caches it owns, so no
 * list is shared; blkdev_dedicate() refuses a disk with open views, so a cache
 * never changes CPU. Portable: host unit tests run it over an in-memory disk.
 */
#define pr_fmt(fmt) "bcache: " fmt
#include <toro/mem.h>
#include <toro/string.h>
#include <kernel/bcache.h>
#include <kernel/blkdev.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/initcall.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/xcall.h>

#define BLOCK_BYTES_MIN 4096
#define BLOCKS_MIN 4		     /* whatever the Kconfig size: room for a few blocks */
#define BYPASS_BYTES_MIN (64 * 1024) /* whole blocks: above a FAT cluster, below a file run */

struct cblock {
	uint64_t number; /* block number on the device */
	uint8_t *data;	 /* block_bytes, allocated on first use */
	bool valid;	 /* in the hash, data holds the block */
	uint64_t dirty;	 /* bit i: sector i of the block is newer than the device */
	struct cblock *hash_next;
	struct cblock *lru_prev; /* the LRU list: most recently used first */
	struct cblock *lru_next;
};

struct bcache {
	struct blkdev view; /* what the file system sees; priv points back here */
	struct blkdev *dev;
	struct blkdev *disk; /* the whole disk under dev */
	struct bcache *next; /* the caches of this CPU */
	unsigned int refs;
	uint32_t block_bytes;
	uint32_t block_sectors;
	unsigned int capacity; /* blocks */
	unsigned int used;     /* blocks[0, used) have data and are in the LRU list */
	unsigned int dirty;
	struct cblock *blocks;
	struct cblock **hash;
	struct cblock **sorted; /* scratch for write-back in block order */
	unsigned int hash_mask;
	struct cblock lru; /* list head */
	struct kmutex lock;
};

static struct bcache *caches[NR_CPUS];

static struct bcache *cache_of(struct blkdev *view)
{
	return view->priv;
}

static unsigned int hash_of(const struct bcache *c, uint64_t number)
{
	return (unsigned int)(number ^ (number >> 16)) & c->hash_mask;
}

/* Sectors in block @number: block_sectors, less for a short last block. */
static uint32_t sectors_in(const struct bcache *c, uint64_t number)
{
	uint64_t left = c->dev->sector_count - number * c->block_sectors;

	return left < c->block_sectors ? (uint32_t)left : c->block_sectors;
}

static void lru_unlink(struct cblock *b)
{
	b->lru_prev->lru_next = b->lru_next;
	b->lru_next->lru_prev = b->lru_prev;
}

static void lru_insert_after(struct cblock *at, struct cblock *b)
{
	b->lru_prev = at;
	b->lru_next = at->lru_next;
	at->lru_next->lru_prev = b;
	at->lru_next = b;
}

static struct cblock *lookup(struct bcache *c, uint64_t number)
{
	struct cblock *b = c->hash[hash_of(c, number)];

	while (b && b->number != number) {
		b = b->hash_next;
	}
	return b;
}

static void hash_remove(struct bcache *c, struct cblock *b)
{
	struct cblock **p = &c->hash[hash_of(c, b->number)];

	while (*p != b) {
		p = &(*p)->hash_next;
	}
	*p = b->hash_next;
	b->valid = false;
}

/* Bits @first .. @first + @n - 1: those sectors of a block. */
static uint64_t sector_mask(uint64_t first, uint64_t n)
{
	return (n >= 64 ? ~0ULL : (1ULL << n) - 1) << first;
}

/*
 * Write the dirty sectors of @b back, a run of consecutive ones per request:
 * only what changed reaches the device, so a block that shares sectors with
 * a region the device refuses to take (QEMU vvfat's boot sector) still goes.
 */
static int write_back(struct bcache *c, struct cblock *b)
{
	uint32_t size = c->view.sector_size, n = sectors_in(c, b->number);
	uint64_t base = b->number * c->block_sectors;

	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		int err;

		if (!(b->dirty & (1ULL << i))) {
			i++;
			continue;
		}
		while (j < n && (b->dirty & (1ULL << j))) {
			j++;
		}
		err = blkdev_write(c->dev, base + i, j - i, b->data + (size_t)i * size);
		if (err) {
			pr_err("%s: cannot write back sectors %llu-%llu (%d); they stay dirty\n",
			       c->view.name, (unsigned long long)(base + i),
			       (unsigned long long)(base + j - 1), err);
			return err;
		}
		b->dirty &= ~sector_mask(i, j - i);
		i = j;
	}
	c->dirty--;
	return 0;
}

/*
 * A block to (re)use: a new one while under capacity, else the least recently
 * used one that is invalid, clean, or can be written back. NULL and *@err
 * (-EIO, -ENOMEM) when none can be had.
 */
static struct cblock *take_block(struct bcache *c, int *err)
{
	struct cblock *b;

	*err = -ENOMEM;
	if (c->used < c->capacity) {
		b = &c->blocks[c->used];
		b->data = malloc(c->block_bytes);
		if (b->data) {
			c->used++;
			lru_insert_after(&c->lru, b);
			return b;
		}
	}
	for (b = c->lru.lru_prev; b != &c->lru; b = b->lru_prev) {
		if (b->dirty && (*err = write_back(c, b))) {
			continue; /* keep its data; try a colder one */
		}
		if (b->valid) {
			hash_remove(c, b);
		}
		return b;
	}
	return NULL;
}

/* Block @number, cached; read from the device unless @overwrite (all of it is about to be written). */
static struct cblock *get_block(struct bcache *c, uint64_t number, bool overwrite, int *err)
{
	struct cblock *b = lookup(c, number);

	if (!b) {
		b = take_block(c, err);
		if (!b) {
			return NULL;
		}
		if (!overwrite) {
			*err = blkdev_read(c->dev, number * c->block_sectors, sectors_in(c, number),
					   b->data);
			if (*err) {
				lru_unlink(b);
				lru_insert_after(c->lru.lru_prev, b);
				return NULL;
			}
		}
		b->number = number;
		b->valid = true;
		b->hash_next = c->hash[hash_of(c, number)];
		c->hash[hash_of(c, number)] = b;
	}
	lru_unlink(b);
	lru_insert_after(&c->lru, b); /* most recently used */
	return b;
}

/*
 * Makes cached block @b agree with the transfer of @count sectors at @sector that just
 * reached the device: a write updates the overlap in @b (a block written whole is now
 * clean); a read takes the overlap from @b when @b is dirty (newer than what came in).
 */
static void reconcile(struct bcache *c, struct cblock *b, uint64_t sector, uint32_t count,
		      uint8_t *buf, bool write)
{
	uint32_t size = c->view.sector_size;
	uint64_t start = b->number * c->block_sectors, end = start + sectors_in(c, b->number);
	uint64_t lo = MAX(start, sector), hi = MIN(end, sector + count);
	uint8_t *cached = b->data + (size_t)(lo - start) * size;
	uint8_t *data = buf + (size_t)(lo - sector) * size;

	uint64_t overlap = sector_mask(lo - start, hi - lo);

	if (write) {
		memcpy(cached, data, (size_t)(hi - lo) * size);
		if (b->dirty && !(b->dirty &= ~overlap)) {
			c->dirty--; /* the device has every sector that was newer */
		}
		return;
	}
	for (uint64_t s = lo; s < hi; s++) {
		if (b->dirty & (1ULL << (s - start))) {
			memcpy(data + (size_t)(s - lo) * size, cached + (size_t)(s - lo) * size,
			       size);
		}
	}
}

/*
 * A transfer straight between @buf and the device; then the cached blocks it overlaps
 * are reconciled with it, found by lookup when the range is shorter than the cache,
 * else by a walk over the cache. If the device fails, the cache is left as it was.
 */
static int bypass(struct bcache *c, uint64_t sector, uint32_t count, uint8_t *buf, bool write)
{
	uint64_t first = sector / c->block_sectors;
	uint64_t last = (sector + count - 1) / c->block_sectors;
	int err = write ? blkdev_write(c->dev, sector, count, buf)
			: blkdev_read(c->dev, sector, count, buf);

	if (err) {
		return err;
	}
	if (last - first < c->used) {
		for (uint64_t n = first; n <= last; n++) {
			struct cblock *b = lookup(c, n);

			if (b) {
				reconcile(c, b, sector, count, buf, write);
			}
		}
		return 0;
	}
	for (unsigned int i = 0; i < c->used; i++) {
		struct cblock *b = &c->blocks[i];

		if (b->valid && b->number >= first && b->number <= last) {
			reconcile(c, b, sector, count, buf, write);
		}
	}
	return 0;
}

static int cached_transfer(struct bcache *c, uint64_t sector, uint32_t count, uint8_t *buf,
			   bool write)
{
	uint32_t size = c->view.sector_size;
	int err = 0;

	while (count) {
		uint64_t number = sector / c->block_sectors;
		uint32_t offset = (uint32_t)(sector % c->block_sectors);
		uint32_t n = MIN(count, sectors_in(c, number) - offset);
		bool whole = offset == 0 && n == sectors_in(c, number);
		struct cblock *b = get_block(c, number, write && whole, &err);

		if (!b) {
			return err;
		}
		if (write) {
			memcpy(b->data + (size_t)offset * size, buf, (size_t)n * size);
			c->dirty += !b->dirty;
			b->dirty |= sector_mask(offset, n);
		} else {
			memcpy(buf, b->data + (size_t)offset * size, (size_t)n * size);
		}
		sector += n;
		count -= n;
		buf += (size_t)n * size;
	}
	return 0;
}

/*
 * Whether a transfer goes straight to the device: whole aligned cache blocks adding up to
 * BYPASS_BYTES_MIN (file data in runs: ext2 reads and writes them so), or anything of
 * at least the cache's size, which would only evict everything else.
 */
static bool bypasses(const struct bcache *c, uint64_t sector, uint32_t count)
{
	uint64_t bytes = (uint64_t)count * c->view.sector_size;

	if (bytes >= (uint64_t)c->capacity * c->block_bytes) {
		return true;
	}
	return bytes >= BYPASS_BYTES_MIN && sector % c->block_sectors == 0 &&
	       count % c->block_sectors == 0;
}

static int transfer(struct blkdev *view, uint64_t sector, uint32_t count, void *buf, bool write)
{
	struct bcache *c = cache_of(view);
	int err;

	if (sector > view->sector_count || count > view->sector_count - sector) {
		return -EINVAL;
	}
	if (count == 0) {
		return 0;
	}
	kmutex_lock(&c->lock);
	if (bypasses(c, sector, count)) {
		err = bypass(c, sector, count, buf, write);
	} else {
		err = cached_transfer(c, sector, count, buf, write);
	}
	kmutex_unlock(&c->lock);
	return err;
}

static int bcache_read(struct blkdev *view, uint64_t sector, uint32_t count, void *buf)
{
	return transfer(view, sector, count, buf, false);
}

static int bcache_write(struct blkdev *view, uint64_t sector, uint32_t count, const void *buf)
{
	if (view->read_only) {
		return -EROFS;
	}
	/* Only read from @buf: a write copies it into the cache or hands it to the device. */
	return transfer(view, sector, count, (void *)buf, true);
}

/* Write every dirty block back, in block order; the first error, after trying them all. */
static int write_back_all(struct bcache *c)
{
	unsigned int n = 0;
	int err = 0;

	for (unsigned int i = 0; i < c->used; i++) {
		struct cblock *b = &c->blocks[i];
		unsigned int j = n++;

		if (!b->dirty) {
			n--;
			continue;
		}
		/* Insertion sort: at most capacity blocks, already mostly in order. */
		for (; j > 0 && c->sorted[j - 1]->number > b->number; j--) {
			c->sorted[j] = c->sorted[j - 1];
		}
		c->sorted[j] = b;
	}
	for (unsigned int i = 0; i < n; i++) {
		int e = write_back(c, c->sorted[i]);

		err = err ? err : e;
	}
	return err;
}

/* Under the lock: write back, then make it durable. 0 or the first error. */
static int sync_locked(struct bcache *c)
{
	int err = write_back_all(c);
	int flush_err = blkdev_flush(c->dev);

	return err ? err : flush_err;
}

static int bcache_flush(struct blkdev *view)
{
	struct bcache *c = cache_of(view);
	int err;

	kmutex_lock(&c->lock);
	err = sync_locked(c);
	kmutex_unlock(&c->lock);
	return err;
}

static const struct blkdev_ops bcache_ops = {
	.read = bcache_read,
	.write = bcache_write,
	.flush = bcache_flush,
};

static void cache_free(struct bcache *c)
{
	for (unsigned int i = 0; i < c->used; i++) {
		free(c->blocks[i].data);
	}
	free(c->blocks);
	free(c->hash);
	free(c->sorted);
	free(c);
}

static struct bcache *cache_new(struct blkdev *dev)
{
	struct bcache *c = calloc(1, sizeof(*c));
	uint64_t bytes = (uint64_t)CONFIG_BCACHE_SIZE_KIB * 1024;
	unsigned int buckets = 1;

	if (!c) {
		return NULL;
	}
	c->dev = dev;
	c->disk = blkdev_disk(dev);
	c->block_bytes = MAX(dev->sector_size, (uint32_t)BLOCK_BYTES_MIN);
	c->block_sectors = c->block_bytes / dev->sector_size;
	c->capacity = (unsigned int)MAX(bytes / c->block_bytes, (uint64_t)BLOCKS_MIN);
	while (buckets < c->capacity) {
		buckets <<= 1;
	}
	c->hash_mask = buckets - 1;
	c->blocks = calloc(c->capacity, sizeof(*c->blocks));
	c->hash = calloc(buckets, sizeof(*c->hash));
	c->sorted = calloc(c->capacity, sizeof(*c->sorted));
	if (!c->blocks || !c->hash || !c->sorted) {
		cache_free(c);
		return NULL;
	}
	c->lru.lru_next = c->lru.lru_prev = &c->lru;
	strlcpy(c->view.name, dev->name, sizeof(c->view.name));
	c->view.sector_size = dev->sector_size;
	c->view.sector_count = dev->sector_count;
	c->view.read_only = dev->read_only;
	c->view.owner_cpu = c->disk->owner_cpu;
	c->view.ops = &bcache_ops;
	c->view.priv = c;
	kmutex_init(&c->lock, c->disk->owner_cpu);
	return c;
}

struct open_call {
	struct blkdev *dev;
	struct bcache *cache;
	bool moved; /* the disk changed owner before the call got there */
};

static long open_on_owner(void *arg)
{
	struct open_call *call = arg;
	struct blkdev *disk = blkdev_disk(call->dev);
	struct bcache *c;

	if (cpu_id() != disk->owner_cpu) {
		call->moved = true;
		return 0;
	}
	for (c = caches[cpu_id()]; c && c->dev != call->dev; c = c->next) {
	}
	if (!c) {
		c = cache_new(call->dev);
		if (!c) {
			return -ENOMEM;
		}
		c->next = caches[cpu_id()];
		caches[cpu_id()] = c;
		disk->cache_views++; /* blkdev_dedicate() leaves the disk here now */
	}
	c->refs++;
	call->cache = c;
	return 0;
}

struct blkdev *bcache_open(struct blkdev *dev)
{
	struct open_call call = {.dev = dev};

	do {
		call.moved = false;
		/* Where the disk is now; the call finds out if it moved meanwhile. */
		xcall(__atomic_load_n(&blkdev_disk(dev)->owner_cpu, __ATOMIC_ACQUIRE),
		      open_on_owner, &call);
	} while (call.moved);
	if (!call.cache) {
		pr_err("%s: no memory for a block cache\n", dev->name);
		return NULL;
	}
	return &call.cache->view;
}

static long sync_on_owner(void *arg)
{
	return bcache_flush(&((struct bcache *)arg)->view);
}

int bcache_sync(struct blkdev *view)
{
	return (int)xcall(view->owner_cpu, sync_on_owner, cache_of(view));
}

static long close_on_owner(void *arg)
{
	struct bcache *c = arg;
	struct bcache **p = &caches[cpu_id()];
	int err;

	kmutex_lock(&c->lock);
	err = sync_locked(c);
	kmutex_unlock(&c->lock);
	if (--c->refs) {
		return err;
	}
	if (c->dirty) {
		pr_err("%s: closed with %u blocks that could not be written: their data is lost\n",
		       c->view.name, c->dirty);
	}
	while (*p != c) {
		p = &(*p)->next;
	}
	*p = c->next;
	c->disk->cache_views--;
	cache_free(c);
	return err;
}

int bcache_close(struct blkdev *view)
{
	return (int)xcall(view->owner_cpu, close_on_owner, cache_of(view));
}

static long sync_cpu_caches(void *unused)
{
	int err = 0;

	(void)unused;
	for (struct bcache *c = caches[cpu_id()]; c; c = c->next) {
		int e = bcache_flush(&c->view);

		err = err ? err : e;
	}
	return err;
}

int bcache_sync_all(void)
{
	int err = 0;

	for (unsigned int cpu = 0; cpu < cpu_count(); cpu++) {
		int e;

		/* Read across CPUs only to skip those without caches (and their call worker). */
		if (!*(struct bcache *volatile *)&caches[cpu]) {
			continue;
		}
		e = (int)xcall(cpu, sync_cpu_caches, NULL);
		err = err ? err : e;
	}
	return err;
}

/* After main() returns: whatever a file system did not sync reaches the disk. */
static int bcache_exit(void)
{
	int err = bcache_sync_all();

	if (err) {
		pr_err("sync at exit failed (%d)\n", err);
	}
	return 0;
}
initcall(bcache_exit, INITCALL_EXIT);
