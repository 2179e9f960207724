/* SPDX-License-Identifier: MIT */
/*
 * partition.h - the MBR parser of partition.c, apart from the registration so
 * host unit tests (tests/unit/drivers/block/test_partition.c) can check it.
 */
#ifndef DRIVERS_BLOCK_PARTITION_H
#define DRIVERS_BLOCK_PARTITION_H

#include <kernel/blkdev.h>

#define PART_PRIMARY_MAX 4   /* numbers 1-4 */
#define PART_LOGICAL_FIRST 5 /* logical partitions are 5, 6 ... as in Linux */
#define PART_NUMBER_MAX 32   /* the bound on a table: 4 primaries, 28 logicals */

struct part_range {
	unsigned int number; /* 1-4 primary, 5.. logical */
	uint64_t start;	     /* first sector on the disk */
	uint64_t count;	     /* sectors */
};

struct part_table {
	struct part_range parts[PART_NUMBER_MAX]; /* in number order */
	unsigned int count;
	unsigned int extended; /* the extended partition's number, 0 without one */
};

/*
 * Read and check @disk's partition table into @t. Returns 0 (t->count may be
 * 0: no table, or an empty one), -EUCLEAN for a corrupt table, -EOPNOTSUPP for
 * a GPT disk, -EIO when it cannot be read, -ENOMEM. Logs why it failed.
 */
int mbr_parse(struct blkdev *disk, struct part_table *t);

#endif /* DRIVERS_BLOCK_PARTITION_H */
