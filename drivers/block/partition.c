/* SPDX-License-Identifier: MIT */
/*
 * partition.c - MBR partition tables: at INITCALL_THREAD (CPU 0's first
 * thread, disk I/O allowed) read sector 0 of every whole disk and register its
 * partitions as block devices of their own, named as Linux names them: vda1 ..
 * vda4 for the primary records, vda5, vda6 ... for the logical partitions in
 * the extended partition's chain of EBRs (mbr_reg.h). The extended partition
 * itself is only a container and is not registered.
 *
 * A table is used whole or not at all: every record must lie inside the disk
 * (logical ones inside their extended partition), none may overlap another,
 * the EBR chain may not loop and is bounded (PART_NUMBER_MAX). A corrupt table
 * is logged and gives no partitions; the disk itself stays usable. A GPT
 * disk's protective MBR (type 0xee) is reported as not supported.
 *
 * Portable (host unit-tested): it reads through blkdev_read() and registers
 * through blkdev_register(). Record fields are little-endian, as the CPU.
 */
#define pr_fmt(fmt) "part: " fmt
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include <kernel/blkdev.h>
#include <kernel/errno.h>
#include <kernel/initcall.h>
#include <kernel/printk.h>
#include "mbr_reg.h"
#include "partition.h"

#define LOG_LINE_MAX 256

struct parser {
	struct blkdev *disk;
	struct part_table *table;
	struct mbr *sector; /* one disk sector; the table is its first 512 bytes */
};

static bool is_extended(uint8_t type)
{
	return type == MBR_TYPE_EXTENDED_CHS || type == MBR_TYPE_EXTENDED_LBA ||
	       type == MBR_TYPE_EXTENDED_LINUX;
}

static bool is_used(const struct mbr_record *r)
{
	return r->os_type != MBR_TYPE_EMPTY && r->size_lba != 0;
}

static bool overlap(uint64_t a, uint64_t a_count, uint64_t b, uint64_t b_count)
{
	return a < b + b_count && b < a + a_count;
}

/* Read the table sector at @lba; *@signed_ok tells whether it ends in 0x55AA. 0 or -EIO (logged). */
static int read_table(struct parser *p, uint64_t lba, bool *signed_ok)
{
	int err = blkdev_read(p->disk, lba, 1, p->sector);

	if (err) {
		pr_err("%s: cannot read the partition table at sector %llu (%d)\n", p->disk->name,
		       (unsigned long long)lba, err);
		return -EIO;
	}
	*signed_ok = p->sector->signature == MBR_SIGNATURE;
	return 0;
}

static int corrupt(const struct parser *p, const char *why, unsigned int number)
{
	pr_err("%s: corrupt partition table: %s (partition %u); no partitions\n", p->disk->name,
	       why, number);
	return -EUCLEAN;
}

/* Add partition @number at [@start, @start + @count) if it fits in [@lo, @hi) and overlaps none. */
static int add(struct parser *p, unsigned int number, uint64_t start, uint64_t count, uint64_t lo,
	       uint64_t hi)
{
	struct part_table *t = p->table;

	if (start < lo || start >= hi || count > hi - start) {
		return corrupt(p, "outside its disk or extended partition", number);
	}
	for (unsigned int i = 0; i < t->count; i++) {
		const struct part_range *o = &t->parts[i];

		/* Logical partitions overlap their container by design. */
		if (number >= PART_LOGICAL_FIRST && o->number == t->extended) {
			continue;
		}
		if (overlap(start, count, o->start, o->count)) {
			return corrupt(p, "overlaps another partition", number);
		}
	}
	if (t->count == PART_NUMBER_MAX) {
		return corrupt(p, "too many partitions", number);
	}
	t->parts[t->count++] = (struct part_range){number, start, count};
	return 0;
}

/* The four primary records. Sector 0 holds the table itself, so nothing may start there. */
static int parse_primary(struct parser *p)
{
	const struct mbr_record *r = p->sector->records;
	int err;

	for (unsigned int i = 0; i < MBR_ENTRIES; i++) {
		if (r[i].os_type == MBR_TYPE_GPT_PROTECTIVE) {
			pr_warn("%s: GPT not supported (protective MBR); no partitions\n",
				p->disk->name);
			return -EOPNOTSUPP;
		}
	}
	for (unsigned int i = 0; i < MBR_ENTRIES; i++) {
		if (!is_used(&r[i])) {
			continue;
		}
		if (is_extended(r[i].os_type)) {
			if (p->table->extended) {
				return corrupt(p, "a second extended partition", i + 1);
			}
			p->table->extended = i + 1;
		}
		err = add(p, i + 1, r[i].start_lba, r[i].size_lba, 1, p->disk->sector_count);
		if (err) {
			return err;
		}
	}
	return 0;
}

static const struct part_range *find(const struct part_table *t, unsigned int number)
{
	for (unsigned int i = 0; i < t->count; i++) {
		if (t->parts[i].number == number) {
			return &t->parts[i];
		}
	}
	return NULL;
}

/*
 * Walk the EBR chain of the extended partition: each EBR describes one
 * logical partition (relative to the EBR) and the next EBR (relative to the
 * extended partition). Every EBR must lie in the extended partition, outside
 * the logical partitions found so far; visiting one twice is a loop.
 */
static int parse_logical(struct parser *p)
{
	const struct part_range ext = *find(p->table, p->table->extended);
	uint64_t visited[PART_NUMBER_MAX];
	uint64_t ebr = ext.start, end = ext.start + ext.count;
	unsigned int number = PART_LOGICAL_FIRST, steps;
	bool signed_ok;
	int err;

	for (steps = 0; steps < PART_NUMBER_MAX; steps++) {
		const struct mbr_record *r = p->sector->records;

		for (unsigned int i = 0; i < steps; i++) {
			if (visited[i] == ebr) {
				return corrupt(p, "loop in the extended partition chain", number);
			}
		}
		visited[steps] = ebr;
		err = read_table(p, ebr, &signed_ok);
		if (err) {
			return err;
		}
		if (!signed_ok) {
			return corrupt(p, "extended boot record without signature", number);
		}
		if (is_used(&r[EBR_LOGICAL])) {
			/* The EBR sector itself is not part of the partition it describes. */
			err = add(p, number, ebr + r[EBR_LOGICAL].start_lba,
				  r[EBR_LOGICAL].size_lba, ebr + 1, end);
			if (err) {
				return err;
			}
			number++;
		}
		if (!is_used(&r[EBR_NEXT]) || !is_extended(r[EBR_NEXT].os_type)) {
			return 0;
		}
		ebr = ext.start + r[EBR_NEXT].start_lba;
		if (ebr >= end) {
			return corrupt(p,
				       "next extended boot record outside the extended partition",
				       number);
		}
		for (unsigned int i = 0; i < p->table->count; i++) {
			const struct part_range *o = &p->table->parts[i];

			if (o->number >= PART_LOGICAL_FIRST &&
			    overlap(ebr, 1, o->start, o->count)) {
				return corrupt(p, "extended boot record inside a partition",
					       number);
			}
		}
	}
	return corrupt(p, "too many logical partitions", number);
}

/* Mkfs tools leave a boot sector (FAT's has the signature too) where the table would be. */
static bool looks_like_table(const struct mbr *m)
{
	for (unsigned int i = 0; i < MBR_ENTRIES; i++) {
		uint8_t b = m->records[i].boot_indicator;

		if (b != MBR_BOOT_INACTIVE && b != MBR_BOOT_ACTIVE) {
			return false;
		}
	}
	return m->signature == MBR_SIGNATURE;
}

int mbr_parse(struct blkdev *disk, struct part_table *t)
{
	size_t bytes =
		disk->sector_size < sizeof(struct mbr) ? sizeof(struct mbr) : disk->sector_size;
	struct parser p = {.disk = disk, .table = t, .sector = malloc(bytes)};
	bool signed_ok;
	int err;

	memset(t, 0, sizeof(*t));
	if (!p.sector) {
		return -ENOMEM;
	}
	if (disk->sector_size < sizeof(struct mbr) || disk->sector_count < 2) {
		err = 0; /* too small to hold a table and a partition */
		goto out_free;
	}
	err = read_table(&p, 0, &signed_ok);
	if (err) {
		goto out_free;
	}
	if (!looks_like_table(p.sector)) {
		pr_info("%s: no partition table\n", disk->name);
		goto out_free;
	}
	err = parse_primary(&p);
	if (!err && t->extended) {
		err = parse_logical(&p);
	}
out_free:
	free(p.sector);
	if (err) {
		t->count = 0;
	}
	return err;
}

/* "vda" + 1 -> "vda1"; a name ending in a digit gets a 'p' first, as Linux does (nvme0n1p1). */
static int part_name(char *name, const char *disk, unsigned int number)
{
	size_t len = strlen(disk);
	bool digit = len && disk[len - 1] >= '0' && disk[len - 1] <= '9';
	int n = snprintf(name, BLKDEV_NAME_MAX, "%s%s%u", disk, digit ? "p" : "", number);

	return n > 0 && n < BLKDEV_NAME_MAX ? 0 : -ENAMETOOLONG;
}

/* Register partition @r of @disk; its name into @name (BLKDEV_NAME_MAX bytes). */
static int register_one(struct blkdev *disk, const struct part_range *r, char *name)
{
	struct blkdev *dev = calloc(1, sizeof(*dev));
	int err;

	if (!dev) {
		return -ENOMEM;
	}
	err = part_name(dev->name, disk->name, r->number);
	if (!err) {
		dev->sector_size = disk->sector_size;
		dev->sector_count = r->count;
		dev->read_only = disk->read_only;
		dev->owner_cpu = disk->owner_cpu;
		dev->parent = disk;
		dev->first_sector = r->start;
		err = blkdev_register(dev);
		strlcpy(name, dev->name, BLKDEV_NAME_MAX);
	}
	if (err) {
		pr_err("%s: cannot add partition %u (%d)\n", disk->name, r->number, err);
		free(dev);
	}
	return err;
}

int blkdev_scan_partitions(struct blkdev *disk)
{
	struct part_table *t = malloc(sizeof(*t));
	char line[LOG_LINE_MAX];
	size_t len;
	int err, added = 0, logicals = 0;

	if (!t) {
		return -ENOMEM;
	}
	err = mbr_parse(disk, t);
	if (err || t->count == 0) {
		free(t);
		return err;
	}
	/* Linux's form: "vda: vda1 vda3 < vda5 vda6 >", the logical ones in brackets. */
	len = snprintf(line, sizeof(line), "%s:", disk->name);
	for (unsigned int i = 0; i < t->count; i++) {
		const struct part_range *r = &t->parts[i];
		bool logical = r->number >= PART_LOGICAL_FIRST;
		char name[BLKDEV_NAME_MAX];

		if (r->number == t->extended || register_one(disk, r, name)) {
			continue;
		}
		if (len < sizeof(line)) {
			len += snprintf(line + len, sizeof(line) - len, "%s %s",
					logical && !logicals ? " <" : "", name);
		}
		added++;
		logicals += logical;
	}
	if (logicals && len < sizeof(line)) {
		snprintf(line + len, sizeof(line) - len, " >");
	}
	pr_info("%s\n", line);
	free(t);
	return added;
}

/* Every whole disk registered by the drivers; partitions do not nest. */
static int partition_init(void)
{
	struct blkdev *dev;
	unsigned int disks = 0;

	while (blkdev_get(disks)) {
		disks++;
	}
	for (unsigned int i = 0; i < disks; i++) {
		dev = blkdev_get(i);
		if (!dev->parent) {
			blkdev_scan_partitions(dev);
		}
	}
	return 0;
}
initcall(partition_init, INITCALL_THREAD);
