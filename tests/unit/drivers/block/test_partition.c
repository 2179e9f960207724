// SPDX-License-Identifier: MIT
/*
 * test_partition.c - MBR partition tables (drivers/block/partition.c): tables made
 * by the host's sfdisk (util-linux) with primary, extended and logical partitions,
 * GPT, and a FAT boot sector from mkfs.fat are parsed and registered as vda1,
 * vda5 ... with the sizes and offsets sfdisk chose, and I/O through a partition
 * lands at its offset and nowhere else. Corrupt tables (records past the disk,
 * overlaps, loops and runaway chains of EBRs, a missing EBR signature, a second
 * extended partition, read errors) give an error, a log line and no partitions;
 * random byte flips of the records never crash and never yield a partition outside
 * the disk or overlapping another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "blk_host.h"
#include "../../../../drivers/block/mbr_reg.h"
#include "../../../../drivers/block/partition.h"
#include <kernel/blkdev.h>
#include <kernel/errno.h>

#define SECTOR 512
#define DISK_SECTORS 16384 /* 8 MiB */
#define FUZZ_ROUNDS 4000

static char tmpdir[] = "/tmp/toro-part-XXXXXX";

/* The layout test images use (sfdisk script), and where sfdisk puts the EBRs. */
static const char *const layout = "label: dos\n"
				  "start=2048, size=4096, type=83\n"
				  "start=6144, type=5\n"
				  "start=8192, size=2048, type=83\n"
				  "start=12288, size=2048, type=c\n";
#define EBR1 6144
#define EBR2 10240

/* Run sfdisk or mkfs.fat on a new 8 MiB image and load it into @m. */
static bool make_image(struct memdisk *m, const char *name, const char *tool, const char *script)
{
	char path[128], cmd[512];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s.img", tmpdir, name);
	snprintf(cmd, sizeof(cmd), "rm -f %s && truncate -s %d %s && %s %s >/dev/null 2>&1", path,
		 DISK_SECTORS * SECTOR, path, tool, path);
	f = popen(cmd, "w");
	if (!f) {
		return false;
	}
	fputs(script, f);
	ok = pclose(f) == 0;
	CHECK_MSG(ok, "%s failed (is util-linux's fdisk / dosfstools installed?)", cmd);
	memdisk_init(m, name, SECTOR, DISK_SECTORS, 0);
	f = fopen(path, "rb");
	if (!f || fread(m->data, SECTOR, DISK_SECTORS, f) != DISK_SECTORS) {
		ok = false;
	}
	if (f) {
		fclose(f);
	}
	return ok;
}

static struct mbr_record *record(struct memdisk *m, uint64_t sector, unsigned int i)
{
	return &((struct mbr *)(m->data + sector * SECTOR))->records[i];
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

static void check_range(const struct part_table *t, unsigned int number, uint64_t start,
			uint64_t count)
{
	const struct part_range *r = find(t, number);

	CHECK_MSG(r && r->start == start && r->count == count, "partition %u: want %llu+%llu",
		  number, (unsigned long long)start, (unsigned long long)count);
}

/* sfdisk's table: two primaries (one extended), two logicals; registered and usable. */
static void sfdisk_table(void)
{
	static struct memdisk m; /* registered: stays in the registry */
	struct part_table t;
	struct blkdev *p5;
	uint8_t *expect, sec[SECTOR];

	if (!make_image(&m, "vda", "/usr/sbin/sfdisk", layout)) {
		return;
	}
	CHECK_EQ(mbr_parse(&m.dev, &t), 0);
	CHECK_EQ(t.count, 4u);
	CHECK_EQ(t.extended, 2u);
	check_range(&t, 1, 2048, 4096);
	check_range(&t, 2, 6144, DISK_SECTORS - 6144);
	check_range(&t, 5, 8192, 2048);
	check_range(&t, 6, 12288, 2048);

	CHECK_EQ(blkdev_register(&m.dev), 0);
	host_log_clear();
	CHECK_EQ(blkdev_scan_partitions(&m.dev), 3);
	CHECK(strstr(host_log, "part: vda: vda1 < vda5 vda6 >\n") != NULL);
	CHECK(blkdev_find("vda2") == NULL); /* the extended container is not a device */
	p5 = blkdev_find("vda5");
	CHECK(p5 && p5->parent == &m.dev && p5->first_sector == 8192 && p5->sector_count == 2048);
	CHECK(blkdev_find("vda1") && blkdev_find("vda1")->sector_count == 4096);
	CHECK(blkdev_find("vda6") && blkdev_find("vda6")->first_sector == 12288);
	if (!p5) {
		return;
	}
	/* A write to vda5 lands at its offset and nowhere else; its end is its end. */
	expect = malloc((size_t)DISK_SECTORS * SECTOR);
	memcpy(expect, m.data, (size_t)DISK_SECTORS * SECTOR);
	memset(sec, 0xa5, sizeof(sec));
	CHECK_EQ(blkdev_write(p5, 3, 1, sec), 0);
	memset(expect + (8192 + 3) * SECTOR, 0xa5, SECTOR);
	CHECK(memcmp(m.data, expect, (size_t)DISK_SECTORS * SECTOR) == 0);
	CHECK_EQ(blkdev_write(p5, 2048, 1, sec), -EINVAL);
	CHECK_EQ(blkdev_read(p5, 2047, 2, sec), -EINVAL);
	CHECK_EQ(blkdev_read(p5, 2047, 1, sec), 0);
	free(expect);
	/* The disk stays registered (and its data with it) for the rest of the run. */
}

static void expect_parse(struct memdisk *m, int err, const char *log, const char *what)
{
	struct part_table t;
	int got;

	host_log_clear();
	got = mbr_parse(&m->dev, &t);
	CHECK_MSG(got == err, "%s: mbr_parse() = %d, want %d", what, got, err);
	CHECK_MSG(!log || strstr(host_log, log), "%s: log has no \"%s\": %s", what, log, host_log);
	CHECK_MSG(t.count == 0, "%s: %u partitions", what, t.count);
}

/* Corrupt tables: each gives an error naming the problem and no partitions. */
static void corrupt_tables(void)
{
	struct memdisk base, m;
	const size_t bytes = (size_t)DISK_SECTORS * SECTOR;

	if (!make_image(&base, "vdc", "/usr/sbin/sfdisk", layout)) {
		return;
	}
	memdisk_init(&m, "vdc", SECTOR, DISK_SECTORS, 0);
	host_log_quiet = true;
#define FRESH() memcpy(m.data, base.data, bytes)

	FRESH();
	record(&m, 0, 0)->size_lba = DISK_SECTORS;
	expect_parse(&m, -EUCLEAN, "outside its disk", "primary past the end");
	FRESH();
	record(&m, 0, 0)->size_lba = 5000;
	expect_parse(&m, -EUCLEAN, "overlaps another partition", "primaries overlap");
	FRESH();
	record(&m, 0, 0)->start_lba = 0;
	expect_parse(&m, -EUCLEAN, "outside its disk", "a partition over the MBR");
	FRESH();
	*record(&m, 0, 2) = *record(&m, 0, 1);
	record(&m, 0, 2)->start_lba = 14000;
	record(&m, 0, 2)->size_lba = 100;
	record(&m, 0, 1)->size_lba = 7000;
	expect_parse(&m, -EUCLEAN, "a second extended partition", "two extended partitions");
	FRESH();
	record(&m, EBR2, EBR_NEXT)->os_type = MBR_TYPE_EXTENDED_CHS;
	record(&m, EBR2, EBR_NEXT)->start_lba = 0; /* back to the first EBR */
	record(&m, EBR2, EBR_NEXT)->size_lba = 1;
	expect_parse(&m, -EUCLEAN, "loop in the extended partition chain", "EBR loop");
	FRESH();
	record(&m, EBR2, EBR_NEXT)->os_type = MBR_TYPE_EXTENDED_LBA;
	record(&m, EBR2, EBR_NEXT)->start_lba = EBR2 - EBR1; /* itself */
	record(&m, EBR2, EBR_NEXT)->size_lba = 1;
	expect_parse(&m, -EUCLEAN, "loop in the extended partition chain", "EBR self-loop");
	FRESH();
	record(&m, EBR1, EBR_LOGICAL)->size_lba = DISK_SECTORS;
	expect_parse(&m, -EUCLEAN, "outside its disk or extended partition", "logical too big");
	FRESH();
	record(&m, EBR1, EBR_LOGICAL)->size_lba = 4097; /* over the next EBR */
	expect_parse(&m, -EUCLEAN, "extended boot record inside a partition", "logical over EBR");
	FRESH();
	record(&m, EBR1, EBR_NEXT)->start_lba = 2048 + 5; /* inside vda5 */
	expect_parse(&m, -EUCLEAN, "extended boot record inside a partition", "EBR in a logical");
	FRESH();
	m.data[EBR2 * SECTOR + 510] = 0;
	expect_parse(&m, -EUCLEAN, "extended boot record without signature", "EBR signature");
	FRESH();
	record(&m, EBR1, EBR_NEXT)->start_lba = DISK_SECTORS;
	expect_parse(&m, -EUCLEAN, "outside the extended partition", "next EBR past the end");

	/* A chain longer than the bound: 40 EBRs, one sector apart, each with a 1-sector logical. */
	FRESH();
	for (unsigned int i = 0; i < 40; i++) {
		uint64_t ebr = EBR1 + 2 * i;

		memset(m.data + ebr * SECTOR, 0, SECTOR);
		((struct mbr *)(m.data + ebr * SECTOR))->signature = MBR_SIGNATURE;
		*record(&m, ebr, EBR_LOGICAL) =
			(struct mbr_record){.os_type = 0x83, .start_lba = 1, .size_lba = 1};
		*record(&m, ebr, EBR_NEXT) = (struct mbr_record){
			.os_type = MBR_TYPE_EXTENDED_CHS, .start_lba = 2 * (i + 1), .size_lba = 2};
	}
	expect_parse(&m, -EUCLEAN, "too many", "runaway EBR chain");

	/* Read errors: the table sector, then an EBR. */
	FRESH();
	m.fail_reads = true;
	m.fail_one = true;
	m.fail_sector = 0;
	expect_parse(&m, -EIO, "cannot read the partition table at sector 0", "MBR unreadable");
	m.fail_sector = EBR2;
	expect_parse(&m, -EIO, "cannot read the partition table at sector 10240", "EBR unreadable");
	m.fail_reads = false;

	/* Not a table at all: no signature, a boot indicator no table has. Not an error. */
	FRESH();
	m.data[511] = 0;
	expect_parse(&m, 0, "vdc: no partition table", "no signature");
	FRESH();
	record(&m, 0, 3)->boot_indicator = 0x7f;
	expect_parse(&m, 0, "vdc: no partition table", "boot code where the records are");
#undef FRESH
	host_log_quiet = false;
	memdisk_free(&m);
	memdisk_free(&base);
}

/* GPT's protective MBR, and a FAT file system without partitions (its boot sector is signed). */
static void other_labels(void)
{
	static struct memdisk m, gpt; /* gpt is registered */

	if (make_image(&gpt, "vdg", "/usr/sbin/sfdisk", "label: gpt\nsize=1M\n")) {
		expect_parse(&gpt, -EOPNOTSUPP, "vdg: GPT not supported", "GPT");
		CHECK_EQ(blkdev_register(&gpt.dev), 0);
		CHECK_EQ(blkdev_scan_partitions(&gpt.dev), -EOPNOTSUPP);
		CHECK(blkdev_find("vdg1") == NULL);
	}
	if (make_image(&m, "vdf", "/usr/sbin/mkfs.fat -F 16 -s 1", "")) {
		/* The trap: a signed sector 0. */
		CHECK_EQ(m.data[510], 0x55);
		expect_parse(&m, 0, NULL, "FAT superfloppy"); /* no records: no partitions */
		memdisk_free(&m);
	}
}

/* A 4 KiB-sector disk: LBAs count 4 KiB sectors; the table is the first 512 bytes. */
static void big_sectors(void)
{
	struct memdisk m;
	struct part_table t;

	memdisk_init(&m, "vdk", 4096, 256, 0);
	((struct mbr *)m.data)->signature = MBR_SIGNATURE;
	*record(&m, 0, 0) = (struct mbr_record){.os_type = 0x83, .start_lba = 1, .size_lba = 100};
	*record(&m, 0, 3) = (struct mbr_record){.os_type = 0x83, .start_lba = 101, .size_lba = 155};
	CHECK_EQ(mbr_parse(&m.dev, &t), 0);
	CHECK_EQ(t.count, 2u);
	check_range(&t, 1, 1, 100);
	check_range(&t, 4, 101, 155);
	record(&m, 0, 3)->size_lba = 156;
	expect_parse(&m, -EUCLEAN, "outside its disk", "4Kn past the end");
	memdisk_free(&m);
}

/* Random byte flips in the MBR and both EBRs: an answer, never a bad partition. */
static void fuzz(void)
{
	struct memdisk base, m;
	const size_t bytes = (size_t)DISK_SECTORS * SECTOR;
	const uint64_t tables[] = {0, EBR1, EBR2};
	unsigned long bad = 0, accepted = 0;
	uint64_t seed = 88172645463325252ULL;

	if (!make_image(&base, "vdz", "/usr/sbin/sfdisk", layout)) {
		return;
	}
	memdisk_init(&m, "vdz", SECTOR, DISK_SECTORS, 0);
	host_log_quiet = true;
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		struct part_table t;
		int err;

		memcpy(m.data, base.data, bytes);
		for (int flips = 1 + round % 4; flips > 0; flips--) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			m.data[tables[seed % 3] * SECTOR + 446 + (seed >> 8) % 66] ^=
				(uint8_t)(1u << ((seed >> 20) % 8));
		}
		host_log_clear();
		err = mbr_parse(&m.dev, &t);
		if (err) {
			bad += err != -EUCLEAN && err != -EOPNOTSUPP;
			continue;
		}
		accepted++;
		for (unsigned int i = 0; i < t.count; i++) {
			const struct part_range *a = &t.parts[i];

			bad += a->start == 0 || a->count == 0 || a->start + a->count > DISK_SECTORS;
			for (unsigned int j = 0; j < i; j++) {
				const struct part_range *b = &t.parts[j];
				bool nested = b->number == t.extended && a->number >= 5;

				bad += !nested && a->start < b->start + b->count &&
				       b->start < a->start + a->count;
			}
		}
	}
	host_log_quiet = false;
	CHECK_EQ(bad, 0UL);
	CHECK(accepted > 0);
	memdisk_free(&m);
	memdisk_free(&base);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	sfdisk_table();
	corrupt_tables();
	other_labels();
	big_sectors();
	fuzz();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	CHECK_EQ(system(cmd), 0);
	return harness_report();
}
