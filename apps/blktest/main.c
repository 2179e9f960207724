/* SPDX-License-Identifier: MIT */
/*
 * blktest - block device check (tests/boot/test_virtio_blk.py): lists every
 * block device, prints an FNV-1a checksum of its first sectors (read in one
 * call, which the driver splits into several requests when it is large),
 * writes a pattern to a sector range of each writable device and reads it
 * back, and checks that a read-only device refuses writes with EROFS and
 * that bad ranges and names are refused.
 *
 * Arguments (after `--`): sum=N (bytes to checksum, default 3 MiB, cut to the
 * device), write=FIRST:COUNT (sectors, default 64:40), dev=NAME (check only
 * that device), dedicate=NAME:CPU (blk_dedicate() first), cpus (also run the
 * write check from a thread on every CPU, CPU c at FIRST + c * COUNT; then
 * print each disk's owner CPU and how many requests came from other CPUs,
 * tests/boot/test_blk_layer.py). Prints "blktest: read/write ok" and returns
 * 0 when every check holds.
 */
#include <toro/blk.h>
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/stdlib.h>
#include <toro/string.h>
#include <toro/thread.h>

/* Linux errno values (toro/blk.h) */
#define EINVAL 22
#define ENODEV 19
#define EROFS 30

#define FNV_OFFSET 0xcbf29ce484222325ULL /* FNV-1a 64-bit parameters */
#define FNV_PRIME 0x100000001b3ULL
#define PATTERN_SECTOR_MUL 31

struct options {
	uint64_t sum_bytes;
	uint64_t write_first;
	uint32_t write_count;
	const char *only;     /* dev=NAME */
	const char *dedicate; /* dedicate=NAME:CPU */
	int per_cpu;	      /* cpus */
};

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = FNV_OFFSET;

	for (size_t i = 0; i < n; i++) {
		h = (h ^ p[i]) * FNV_PRIME;
	}
	return h;
}

/* The byte the test writes at @offset of sector @sector (the host test computes the same). */
static unsigned char pattern(uint64_t sector, size_t offset)
{
	return (unsigned char)((sector * PATTERN_SECTOR_MUL + offset) ^ (offset >> 8));
}

static int checksum(const struct blk_info *d, const struct options *o)
{
	uint64_t bytes = o->sum_bytes;
	uint32_t count;
	unsigned char *buf;
	int err;

	if (bytes > d->sector_count * d->sector_size) {
		bytes = d->sector_count * d->sector_size;
	}
	count = bytes / d->sector_size;
	buf = malloc((size_t)count * d->sector_size + 1);
	if (!buf) {
		printf("blktest: %s: no memory\n", d->name);
		return -1;
	}
	err = blk_read(d->name, 0, count, buf);
	if (err) {
		printf("blktest: %s: read failed (%d)\n", d->name, err);
	} else {
		printf("blktest: %s sum %u sectors %016llx\n", d->name, count,
		       (unsigned long long)fnv1a(buf, (size_t)count * d->sector_size));
	}
	free(buf);
	return err ? -1 : 0;
}

static int write_readonly(const struct blk_info *d, unsigned char *buf)
{
	int err = blk_write(d->name, 0, 1, buf);

	printf("blktest: %s write: %s (%d)\n", d->name, err == -EROFS ? "EROFS" : "unexpected",
	       err);
	return err == -EROFS ? 0 : -1;
}

static int write_and_verify(const struct blk_info *d, const struct options *o)
{
	size_t bytes = (size_t)o->write_count * d->sector_size;
	unsigned char *buf = malloc(bytes), *back = malloc(bytes);
	int err = -1;

	if (!buf || !back) {
		printf("blktest: %s: no memory\n", d->name);
		goto out_free;
	}
	for (size_t i = 0; i < bytes; i++) {
		buf[i] = pattern(o->write_first + i / d->sector_size, i % d->sector_size);
	}
	if (d->read_only) {
		err = write_readonly(d, buf);
		goto out_free;
	}
	err = blk_write(d->name, o->write_first, o->write_count, buf);
	if (!err) {
		err = blk_flush(d->name);
	}
	if (!err) {
		memset(back, 0, bytes);
		err = blk_read(d->name, o->write_first, o->write_count, back);
	}
	if (!err && memcmp(buf, back, bytes) != 0) {
		err = -1;
	}
	printf("blktest: %s write %llu+%u: %s (%d)\n", d->name, (unsigned long long)o->write_first,
	       o->write_count, err ? "FAILED" : "ok", err);
out_free:
	free(buf);
	free(back);
	return err ? -1 : 0;
}

/* Requests the class must refuse: past the end, an unknown device. */
static int bad_requests(const struct blk_info *d)
{
	unsigned char buf[2 * 4096];
	int past = blk_read(d->name, d->sector_count - 1, 2, buf);
	int unknown = blk_read("nodev", 0, 1, buf);

	printf("blktest: %s past end: %d, unknown device: %d\n", d->name, past, unknown);
	return past == -EINVAL && unknown == -ENODEV ? 0 : -1;
}

static void parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){.sum_bytes = 3 * 1024 * 1024, .write_first = 64, .write_count = 40};
	for (int i = 1; i < argc; i++) {
		char *end;

		if (strncmp(argv[i], "sum=", 4) == 0) {
			o->sum_bytes = strtoull(argv[i] + 4, NULL, 0);
		} else if (strncmp(argv[i], "dev=", 4) == 0) {
			o->only = argv[i] + 4;
		} else if (strncmp(argv[i], "dedicate=", 9) == 0) {
			o->dedicate = argv[i] + 9;
		} else if (strcmp(argv[i], "cpus") == 0) {
			o->per_cpu = 1;
		} else if (strncmp(argv[i], "write=", 6) == 0) {
			o->write_first = strtoull(argv[i] + 6, &end, 0);
			if (*end == ':') {
				o->write_count = strtoul(end + 1, NULL, 0);
			}
		}
	}
}

struct cpu_check {
	struct blk_info d;
	struct options o;
	int failed;
};

static void *cpu_check_thread(void *arg)
{
	struct cpu_check *c = arg;

	c->failed = write_and_verify(&c->d, &c->o);
	printf("blktest: %s write from cpu %u: %s\n", c->d.name, cpu_id(),
	       c->failed ? "FAILED" : "ok");
	return NULL;
}

/* The write check from every CPU in turn, each on its own range; then who owns each disk. */
static int check_from_every_cpu(const struct blk_info *d, const struct options *o)
{
	struct cpu_check c = {.d = *d, .o = *o};
	int failed = 0;

	for (unsigned int cpu = 0; cpu < cpu_count(); cpu++) {
		thread_t t;

		c.o.write_first = o->write_first + (uint64_t)cpu * o->write_count;
		t = thread_create(cpu, cpu_check_thread, &c, THREAD_STACK_DEFAULT);
		if (!t || thread_join(t, NULL) != 0) {
			printf("blktest: cpu %u: no thread\n", cpu);
			return -1;
		}
		failed |= c.failed;
	}
	return failed;
}

static void print_owners(void)
{
	struct blk_info d;

	for (unsigned int i = 0; blk_device_info(i, &d) == 0; i++) {
		printf("blktest: %s owner cpu %u first %llu forwarded %llu\n", d.name, d.owner_cpu,
		       (unsigned long long)d.first_sector, (unsigned long long)d.forwarded);
	}
}

static int dedicate(const char *arg)
{
	char name[BLK_NAME_MAX] = "";
	const char *colon = strchr(arg, ':');
	int err = -EINVAL;

	if (colon && (size_t)(colon - arg) < sizeof(name)) {
		memcpy(name, arg, colon - arg);
		name[colon - arg] = '\0';
		err = blk_dedicate(name, strtoul(colon + 1, NULL, 10));
	}
	printf("blktest: dedicate %s: %d\n", arg, err);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct blk_info d;
	unsigned int n;
	int failed = 0;

	parse_args(argc, argv, &o);
	if (o.dedicate) {
		failed |= dedicate(o.dedicate);
	}
	for (n = 0; blk_device_info(n, &d) == 0; n++) {
		printf("blktest: %s sectors %llu size %u ro %d\n", d.name,
		       (unsigned long long)d.sector_count, d.sector_size, d.read_only);
	}
	if (n == 0) {
		printf("blktest: no block devices\n");
		return 1;
	}
	for (unsigned int i = 0; i < n; i++) {
		blk_device_info(i, &d);
		if (o.only && strcmp(o.only, d.name) != 0) {
			continue;
		}
		failed |= checksum(&d, &o);
		if (o.write_first + o.write_count <= d.sector_count) {
			failed |= write_and_verify(&d, &o);
		}
		failed |= bad_requests(&d);
		if (o.per_cpu && !d.read_only) {
			failed |= check_from_every_cpu(&d, &o);
		}
	}
	if (o.per_cpu) {
		print_owners();
	}
	printf("blktest: read/write %s\n", failed ? "FAILED" : "ok");
	return failed ? 1 : 0;
}
