// SPDX-License-Identifier: MIT
/*
 * test_ata_identify.c - IDENTIFY DEVICE parsing (drivers/block/ata_identify.c):
 * data laid out as QEMU's IDE disk sends it gives the size from words 60-61 or,
 * with word 83 bit 10, from words 100-103 (a disk past 2^28 sectors), the flush
 * and DMA features and the model string without its padding; the integrity word
 * is checked when present; PACKET devices, devices without LBA, large logical
 * sectors and empty disks are refused with a reason; random data never crashes
 * and never yields a size a command could not reach.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../../../drivers/block/ata_identify.h"
#include <kernel/errno.h>

#define FUZZ_ROUNDS 20000

static void put_model(uint16_t *id, const char *model)
{
	char padded[ATA_ID_MODEL_WORDS * 2];

	memset(padded, ' ', sizeof(padded));
	memcpy(padded, model, strlen(model));
	for (int i = 0; i < ATA_ID_MODEL_WORDS; i++) {
		id[ATA_ID_MODEL + i] =
			(uint16_t)((uint8_t)padded[2 * i] << 8 | (uint8_t)padded[2 * i + 1]);
	}
}

static void put_lba48(uint16_t *id, uint64_t sectors)
{
	for (int i = 0; i < 4; i++) {
		id[ATA_ID_LBA48_SECTORS + i] = (uint16_t)(sectors >> (16 * i));
	}
}

/* A disk of @sectors as QEMU describes one (hw/ide/core.c ide_identify()). */
static void qemu_disk(uint16_t *id, uint64_t sectors)
{
	uint64_t lba28 = sectors < ATA_LBA28_LIMIT ? sectors : ATA_LBA28_LIMIT - 1;

	memset(id, 0, ATA_ID_WORDS * sizeof(*id));
	put_model(id, "QEMU HARDDISK");
	id[ATA_ID_CAPABILITIES] = ATA_ID_CAP_LBA | ATA_ID_CAP_DMA;
	id[ATA_ID_LBA28_SECTORS] = (uint16_t)lba28;
	id[ATA_ID_LBA28_SECTORS + 1] = (uint16_t)(lba28 >> 16);
	id[ATA_ID_COMMAND_SET_2] =
		ATA_ID_CMD2_VALID | ATA_ID_CMD2_LBA48 | ATA_ID_CMD2_FLUSH | ATA_ID_CMD2_FLUSH_EXT;
	put_lba48(id, sectors);
}

/* Word 255: signature A5h and the checksum byte that makes all 512 bytes sum to 0. */
static void seal(uint16_t *id)
{
	uint8_t sum = ATA_ID_INTEGRITY_SIGNATURE;

	for (int i = 0; i < ATA_ID_INTEGRITY; i++) {
		sum += (uint8_t)(id[i] + (id[i] >> 8));
	}
	id[ATA_ID_INTEGRITY] = (uint16_t)((uint8_t)-sum << 8 | ATA_ID_INTEGRITY_SIGNATURE);
}

static void test_small_disk(void)
{
	uint16_t id[ATA_ID_WORDS];
	struct ata_identity d;
	const char *why;

	qemu_disk(id, 8192);
	CHECK_EQ(ata_identify_parse(id, &d, &why), 0);
	CHECK_EQ(d.sectors, 8192);
	CHECK(d.lba48 && d.flush && d.flush_ext && d.dma);
	CHECK_STREQ(d.model, "QEMU HARDDISK");
}

static void test_past_lba28(void)
{
	uint16_t id[ATA_ID_WORDS];
	struct ata_identity d;
	const char *why;
	uint64_t sectors = 130ULL << 21; /* 130 GiB */

	qemu_disk(id, sectors);
	CHECK_EQ(ata_identify_parse(id, &d, &why), 0);
	CHECK_EQ(d.sectors, sectors);
	CHECK(d.lba48);
}

static void test_lba28_only(void)
{
	uint16_t id[ATA_ID_WORDS];
	struct ata_identity d;
	const char *why;

	qemu_disk(id, 100000);
	id[ATA_ID_COMMAND_SET_2] = ATA_ID_CMD2_VALID | ATA_ID_CMD2_FLUSH;
	put_lba48(id, 0);
	CHECK_EQ(ata_identify_parse(id, &d, &why), 0);
	CHECK_EQ(d.sectors, 100000);
	CHECK(!d.lba48 && d.flush && !d.flush_ext);

	/* Word 83 not valid (bits 15:14 not 01b): its bits mean nothing. */
	qemu_disk(id, 3ULL << 28);
	id[ATA_ID_COMMAND_SET_2] = 0xffff;
	CHECK_EQ(ata_identify_parse(id, &d, &why), 0);
	CHECK_EQ(d.sectors, ATA_LBA28_LIMIT - 1);
	CHECK(!d.lba48 && !d.flush);

	/* An LBA48 size no command can address: use the LBA28 one. */
	qemu_disk(id, 5000);
	put_lba48(id, UINT64_MAX);
	CHECK_EQ(ata_identify_parse(id, &d, &why), 0);
	CHECK_EQ(d.sectors, 5000);
	CHECK(!d.lba48 && !d.flush_ext);
}

static void test_integrity_word(void)
{
	uint16_t id[ATA_ID_WORDS];
	struct ata_identity d;
	const char *why;

	qemu_disk(id, 8192);
	seal(id);
	CHECK_EQ(ata_identify_parse(id, &d, &why), 0);
	id[ATA_ID_LBA28_SECTORS] ^= 1; /* one bit flipped in transit */
	CHECK_EQ(ata_identify_parse(id, &d, &why), -EOPNOTSUPP);
	CHECK(why && strstr(why, "checksum"));
	CHECK_STREQ(d.model, "QEMU HARDDISK");
}

static void test_refused(void)
{
	uint16_t id[ATA_ID_WORDS];
	struct ata_identity d;
	const char *why;

	qemu_disk(id, 8192);
	id[ATA_ID_CONFIG] = ATA_ID_CONFIG_NOT_ATA;
	CHECK_EQ(ata_identify_parse(id, &d, &why), -EOPNOTSUPP);
	CHECK(why && strstr(why, "not an ATA device"));

	qemu_disk(id, 8192);
	id[ATA_ID_CAPABILITIES] = 0;
	CHECK_EQ(ata_identify_parse(id, &d, &why), -EOPNOTSUPP);

	qemu_disk(id, 8192);
	id[ATA_ID_SECTOR_SIZE] = ATA_ID_SSIZE_VALID | ATA_ID_SSIZE_LARGE_LOGICAL;
	CHECK_EQ(ata_identify_parse(id, &d, &why), -EOPNOTSUPP);
	CHECK(why && strstr(why, "512"));

	qemu_disk(id, 0);
	CHECK_EQ(ata_identify_parse(id, &d, &why), -EOPNOTSUPP);

	qemu_disk(id, 8192);
	put_model(id, "");
	CHECK_EQ(ata_identify_parse(id, &d, &why), 0);
	CHECK_STREQ(d.model, "");
}

static void test_random_data(void)
{
	uint16_t id[ATA_ID_WORDS];
	struct ata_identity d;
	const char *why;
	bool sane = true;

	srand(1);
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		for (int i = 0; i < ATA_ID_WORDS; i++) {
			id[i] = (uint16_t)rand();
		}
		if (round & 1) {
			id[ATA_ID_INTEGRITY] = 0; /* no signature: get past the checksum */
		}
		if (ata_identify_parse(id, &d, &why) == 0) {
			sane &= d.sectors > 0 && d.sectors <= ATA_LBA48_LIMIT;
			sane &= d.lba48 || d.sectors <= ATA_LBA28_LIMIT;
			sane &= !d.flush_ext || d.lba48;
		} else {
			sane &= why != NULL;
		}
		sane &= strlen(d.model) <= ATA_ID_MODEL_WORDS * 2;
	}
	CHECK(sane);
}

int main(void)
{
	test_small_disk();
	test_past_lba28();
	test_lba28_only();
	test_integrity_word();
	test_refused();
	test_random_data();
	return harness_report();
}
