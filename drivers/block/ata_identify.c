/* SPDX-License-Identifier: MIT */
/*
 * ata_identify.c - the size, features and model of an ATA device from its
 * IDENTIFY DEVICE data (ATA8-ACS, IDENTIFY DEVICE data table): LBA28 size
 * in words 60-61, LBA48 size in words 100-103 when word 83 bit 10 says the
 * 48-bit Address feature set is supported, FLUSH CACHE (EXT) in word 83,
 * DMA in word 49, the model string in words 27-46, the integrity word 255.
 * Portable: ata_probe.c calls it with the words the device sent.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/errno.h>
#include "ata_identify.h"

#define INTEGRITY_SIGNATURE_MASK 0xff

/* Word 255: with signature A5h in bits 7:0, the 512 bytes sum to 0 modulo 256. */
static bool integrity_ok(const uint16_t *id)
{
	uint8_t sum = 0;

	if ((id[ATA_ID_INTEGRITY] & INTEGRITY_SIGNATURE_MASK) != ATA_ID_INTEGRITY_SIGNATURE) {
		return true; /* not provided */
	}
	for (unsigned int i = 0; i < ATA_ID_WORDS; i++) {
		sum += (uint8_t)(id[i] + (id[i] >> 8));
	}
	return sum == 0;
}

/* Words 27-46: the model number, two characters a word, the first in the high byte. */
static void model_string(const uint16_t *id, char *out)
{
	int len = ATA_ID_MODEL_WORDS * 2;

	for (int i = 0; i < ATA_ID_MODEL_WORDS; i++) {
		out[2 * i] = (char)(id[ATA_ID_MODEL + i] >> 8);
		out[2 * i + 1] = (char)id[ATA_ID_MODEL + i];
	}
	while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\0')) {
		len--;
	}
	out[len] = '\0';
}

static uint64_t lba48_size(const uint16_t *id)
{
	uint64_t sectors = 0;

	for (int i = 3; i >= 0; i--) {
		sectors = sectors << 16 | id[ATA_ID_LBA48_SECTORS + i];
	}
	return sectors;
}

int ata_identify_parse(const uint16_t *id, struct ata_identity *out, const char **why)
{
	uint16_t cmd2 = id[ATA_ID_COMMAND_SET_2];
	bool cmd2_valid = (cmd2 & ATA_ID_CMD2_VALID_MASK) == ATA_ID_CMD2_VALID;
	uint16_t ssize = id[ATA_ID_SECTOR_SIZE];
	uint64_t sectors48 = 0;

	*out = (struct ata_identity){0};
	model_string(id, out->model);
	*why = NULL;
	if (!integrity_ok(id)) {
		*why = "IDENTIFY DEVICE data fails its checksum";
	} else if ((id[ATA_ID_CONFIG] & ATA_ID_CONFIG_NOT_ATA) ||
		   !(id[ATA_ID_CAPABILITIES] & ATA_ID_CAP_LBA)) {
		*why = "not an ATA device with LBA";
	} else if ((ssize & ATA_ID_SSIZE_VALID_MASK) == ATA_ID_SSIZE_VALID &&
		   (ssize & ATA_ID_SSIZE_LARGE_LOGICAL)) {
		*why = "logical sectors larger than 512 bytes";
	}
	if (*why) {
		return -EOPNOTSUPP;
	}
	out->sectors = id[ATA_ID_LBA28_SECTORS] | (uint32_t)id[ATA_ID_LBA28_SECTORS + 1] << 16;
	if (cmd2_valid && (cmd2 & ATA_ID_CMD2_LBA48)) {
		sectors48 = lba48_size(id);
	}
	out->lba48 = sectors48 != 0 && sectors48 <= ATA_LBA48_LIMIT;
	if (out->lba48) {
		out->sectors = sectors48;
	} else if (out->sectors > ATA_LBA28_LIMIT) {
		out->sectors = ATA_LBA28_LIMIT;
	}
	out->flush = cmd2_valid && (cmd2 & ATA_ID_CMD2_FLUSH);
	out->flush_ext = out->lba48 && cmd2_valid && (cmd2 & ATA_ID_CMD2_FLUSH_EXT);
	out->dma = id[ATA_ID_CAPABILITIES] & ATA_ID_CAP_DMA;
	if (!out->sectors) {
		*why = "no user addressable sectors";
		return -EOPNOTSUPP;
	}
	return 0;
}
