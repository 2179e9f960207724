/* SPDX-License-Identifier: MIT */
/*
 * blkdev.c - the block device class (include/kernel/blkdev.h): the registry
 * of disks by name, checked I/O on them, dedication of a disk to one CPU, and
 * the application API of include/toro/blk.h.
 *
 * Drivers register from their probe (initcalls, CPU 0, before the schedulers
 * start); partitions from a thread of CPU 0 (partition.c). The table only
 * grows and is written by CPU 0 alone, so it needs no lock.
 *
 * Every request runs on its disk's owner CPU (dedication, Toro's
 * DedicateBlockDriver): a request made elsewhere travels there by xcall() -
 * the exchange slots, no lock - and the caller blocks until it is done. The
 * driver therefore only ever runs on one CPU, which also takes its interrupt.
 *
 * Moving a disk to another CPU (blkdev_dedicate()) runs on the old owner:
 * it holds new requests back ("moving"), waits until those in flight are
 * done, has the driver re-route its interrupt (ops->set_owner), then sets the
 * new owner. A request that reached the old owner too late is told so and
 * goes again to the new one. All that state is per disk and only touched on
 * its owner CPU; threads of one CPU are cooperative, so plain fields do.
 */
#define pr_fmt(fmt) "blk: " fmt
#include <toro/blk.h>
#include <toro/string.h>
#include <toro/stdlib.h>
#include <kernel/blkdev.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/initcall.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/xcall.h>

#define NAME_LETTERS 26	 /* vda .. vdz */
#define RETRY_ON_OWNER 1 /* internal result: the disk moved, send the request again */

enum blk_op { BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH };

/* What a registered whole disk needs for dedication; only its owner CPU touches it. */
struct disk_state {
	unsigned int in_flight; /* requests running in the driver */
	bool moving;		/* a dedication is waiting for in_flight to reach 0 */
	struct waitq drained;	/* that dedication */
	struct waitq moved;	/* requests held back until it ends */
	uint64_t forwarded;	/* requests run here for another CPU (blk_device_info) */
};

static struct blkdev *devices[BLKDEV_MAX];
static struct disk_state states[BLKDEV_MAX]; /* by the index in devices[] */
static unsigned int device_count;

struct blk_request {
	struct blkdev *disk; /* a whole disk */
	enum blk_op op;
	uint64_t sector;
	uint32_t count;
	void *buf;
	bool remote; /* made on another CPU than the one running it */
};

int blkdev_register(struct blkdev *dev)
{
	if (!dev->name[0] || !dev->sector_size || (dev->sector_size & (dev->sector_size - 1)) ||
	    (!dev->ops && !dev->parent)) {
		return -EINVAL;
	}
	if (blkdev_find(dev->name)) {
		return -EEXIST;
	}
	if (device_count == BLKDEV_MAX) {
		pr_err("%s: more than %d block devices\n", dev->name, BLKDEV_MAX);
		return -ENOSPC;
	}
	if (dev->parent) {
		dev->owner_cpu = blkdev_disk(dev)->owner_cpu;
	}
	devices[device_count++] = dev;
	pr_info("%s: %llu sectors of %u bytes (%llu MiB)%s\n", dev->name,
		(unsigned long long)dev->sector_count, dev->sector_size,
		(unsigned long long)((dev->sector_count * dev->sector_size) >> 20),
		dev->read_only ? ", read-only" : "");
	return 0;
}

struct blkdev *blkdev_find(const char *name)
{
	for (unsigned int i = 0; i < device_count; i++) {
		if (strcmp(devices[i]->name, name) == 0) {
			return devices[i];
		}
	}
	return NULL;
}

struct blkdev *blkdev_get(unsigned int index)
{
	return index < device_count ? devices[index] : NULL;
}

int blkdev_next_name(const char *prefix, char *name)
{
	size_t len = strlen(prefix);

	if (len + 2 > BLKDEV_NAME_MAX) {
		return -EINVAL;
	}
	memcpy(name, prefix, len);
	name[len + 1] = '\0';
	for (int i = 0; i < NAME_LETTERS; i++) {
		name[len] = 'a' + i;
		if (!blkdev_find(name)) {
			return 0;
		}
	}
	return -ENOSPC;
}

struct blkdev *blkdev_disk(struct blkdev *dev)
{
	while (dev->parent) {
		dev = dev->parent;
	}
	return dev;
}

/* The dedication state of @disk, or NULL for a disk outside the registry (a cache view). */
static struct disk_state *state_of(const struct blkdev *disk)
{
	for (unsigned int i = 0; i < device_count; i++) {
		if (devices[i] == disk) {
			return &states[i];
		}
	}
	return NULL;
}

static int driver_call(const struct blk_request *rq)
{
	struct blkdev *disk = rq->disk;

	switch (rq->op) {
	case BLK_OP_READ:
		return disk->ops->read(disk, rq->sector, rq->count, rq->buf);
	case BLK_OP_WRITE:
		return disk->ops->write(disk, rq->sector, rq->count, rq->buf);
	default:
		return disk->ops->flush ? disk->ops->flush(disk) : 0;
	}
}

/*
 * The owner of @disk, read on any CPU. Pairs with the release store of a
 * dedication: a CPU that sees itself as the new owner also sees the driver
 * state the old owner left.
 */
static unsigned int owner_of(const struct blkdev *disk)
{
	return __atomic_load_n(&disk->owner_cpu, __ATOMIC_ACQUIRE);
}

/* Runs on the CPU the caller believed to be the owner (xcall, or directly). */
static long run_on_owner(void *arg)
{
	struct blk_request *rq = arg;
	struct disk_state *st = state_of(rq->disk);
	int err;

	if (cpu_id() != owner_of(rq->disk)) {
		return RETRY_ON_OWNER;
	}
	if (st && st->moving) {
		waitq_wait(&st->moved); /* a dedication under way: see where it went */
		return RETRY_ON_OWNER;
	}
	if (st) {
		st->in_flight++;
		st->forwarded += rq->remote;
	}
	err = driver_call(rq);
	if (st && --st->in_flight == 0 && st->moving) {
		waitq_wake_all(&st->drained);
	}
	return err;
}

/*
 * Send @rq to its disk's owner and wait. A stale owner only sends the request
 * to the old owner, which answers RETRY_ON_OWNER once it has published the new.
 */
static int submit(struct blk_request *rq)
{
	long err;

	do {
		unsigned int owner = owner_of(rq->disk);

		rq->remote = owner != cpu_id();
		err = xcall(owner, run_on_owner, rq);
	} while (err == RETRY_ON_OWNER);
	return (int)err;
}

/* The range check every request passes; @count 0 is a valid empty request. */
static bool in_range(const struct blkdev *dev, uint64_t sector, uint32_t count)
{
	return sector <= dev->sector_count && count <= dev->sector_count - sector;
}

/* Check @rq against @dev and every disk under it, and make it a request on the whole disk. */
static int resolve(struct blkdev *dev, struct blk_request *rq)
{
	for (;;) {
		if (!in_range(dev, rq->sector, rq->count)) {
			return -EINVAL;
		}
		if (rq->op == BLK_OP_WRITE && dev->read_only) {
			return -EROFS;
		}
		if (!dev->parent) {
			break;
		}
		rq->sector += dev->first_sector;
		dev = dev->parent;
	}
	rq->disk = dev;
	return 0;
}

static int transfer(struct blkdev *dev, enum blk_op op, uint64_t sector, uint32_t count, void *buf)
{
	struct blk_request rq = {.op = op, .sector = sector, .count = count, .buf = buf};
	int err = resolve(dev, &rq);

	if (err || count == 0) {
		return err;
	}
	return submit(&rq);
}

int blkdev_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	return transfer(dev, BLK_OP_READ, sector, count, buf);
}

int blkdev_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	/* The driver only reads @buf for a write. */
	return transfer(dev, BLK_OP_WRITE, sector, count, (void *)buf);
}

int blkdev_flush(struct blkdev *dev)
{
	struct blk_request rq = {.disk = blkdev_disk(dev), .op = BLK_OP_FLUSH};

	return submit(&rq);
}

struct move {
	struct blkdev *disk;
	unsigned int cpu;
};

static void set_owner_cpu(struct blkdev *disk, unsigned int cpu)
{
	for (unsigned int i = 0; i < device_count; i++) {
		if (blkdev_disk(devices[i]) == disk) {
			__atomic_store_n(&devices[i]->owner_cpu, cpu, __ATOMIC_RELEASE);
		}
	}
}

/* On the old owner: drain, re-route the interrupt, publish the new owner. */
static long move_on_owner(void *arg)
{
	struct move *mv = arg;
	struct blkdev *disk = mv->disk;
	struct disk_state *st = state_of(disk);
	int err = 0;

	if (cpu_id() != owner_of(disk)) {
		return RETRY_ON_OWNER;
	}
	if (st->moving) {
		waitq_wait(&st->moved); /* another dedication: see where it went */
		return RETRY_ON_OWNER;
	}
	if (disk->cache_views) {
		return -EBUSY; /* the views are bound to this CPU (bcache.h) */
	}
	if (mv->cpu == disk->owner_cpu) {
		return 0;
	}
	st->moving = true;
	while (st->in_flight) {
		waitq_wait(&st->drained);
	}
	if (disk->ops->set_owner) {
		err = disk->ops->set_owner(disk, mv->cpu);
	}
	if (!err) {
		set_owner_cpu(disk, mv->cpu);
	}
	st->moving = false;
	waitq_wake_all(&st->moved);
	return err;
}

int blkdev_dedicate(struct blkdev *dev, unsigned int cpu)
{
	struct move mv = {.disk = blkdev_disk(dev), .cpu = cpu};
	long err;

	if (cpu >= cpu_count()) {
		return -EINVAL;
	}
	if (!state_of(mv.disk)) {
		return -ENODEV;
	}
	do {
		err = xcall(owner_of(mv.disk), move_on_owner, &mv);
	} while (err == RETRY_ON_OWNER);
	if (err) {
		pr_err("%s: cannot dedicate to cpu %u (%ld)\n", mv.disk->name, cpu, err);
	} else {
		pr_info("%s: dedicated to cpu %u\n", mv.disk->name, cpu);
	}
	return (int)err;
}

/* blk.dedicate=NAME:CPU on the kernel command line. */
static void dedicate_word(const char *value, void *unused)
{
	char name[BLKDEV_NAME_MAX];
	const char *colon = strrchr(value, ':');
	struct blkdev *dev;
	char *end;
	unsigned long cpu;

	(void)unused;
	if (!colon || colon == value || (size_t)(colon - value) >= sizeof(name) || !colon[1]) {
		pr_err("cannot parse blk.dedicate=%s (want NAME:CPU)\n", value);
		return;
	}
	cpu = strtoul(colon + 1, &end, 10);
	if (*end) {
		pr_err("cannot parse blk.dedicate=%s (want NAME:CPU)\n", value);
		return;
	}
	memcpy(name, value, colon - value);
	name[colon - value] = '\0';
	dev = blkdev_find(name);
	if (!dev) {
		pr_err("blk.dedicate=%s: no device %s\n", value, name);
		return;
	}
	if (cpu >= cpu_count()) {
		pr_err("blk.dedicate=%s: no cpu %lu (%u cpus)\n", value, cpu, cpu_count());
		return;
	}
	blkdev_dedicate(dev, (unsigned int)cpu);
}

static int dedicate_from_cmdline(void)
{
	cmdline_each("blk.dedicate", dedicate_word, NULL);
	return 0;
}
initcall(dedicate_from_cmdline, INITCALL_THREAD);

int blk_device_info(unsigned int index, struct blk_info *info)
{
	struct blkdev *dev = blkdev_get(index);

	if (!dev) {
		return -ENODEV;
	}
	strlcpy(info->name, dev->name, sizeof(info->name));
	info->sector_size = dev->sector_size;
	info->sector_count = dev->sector_count;
	info->read_only = dev->read_only;
	info->owner_cpu = dev->owner_cpu;
	info->first_sector = dev->first_sector;
	info->forwarded = dev->parent ? 0 : states[index].forwarded;
	return 0;
}

int blk_read(const char *name, uint64_t sector, uint32_t count, void *buf)
{
	struct blkdev *dev = blkdev_find(name);

	return dev ? blkdev_read(dev, sector, count, buf) : -ENODEV;
}

int blk_write(const char *name, uint64_t sector, uint32_t count, const void *buf)
{
	struct blkdev *dev = blkdev_find(name);

	return dev ? blkdev_write(dev, sector, count, buf) : -ENODEV;
}

int blk_flush(const char *name)
{
	struct blkdev *dev = blkdev_find(name);

	return dev ? blkdev_flush(dev) : -ENODEV;
}

int blk_dedicate(const char *name, unsigned int cpu)
{
	struct blkdev *dev = blkdev_find(name);

	return dev ? blkdev_dedicate(dev, cpu) : -ENODEV;
}
