/* SPDX-License-Identifier: MIT */
/*
 * ata_identify.h - what the ATA driver takes from IDENTIFY DEVICE data
 * (ata_identify.c): portable, no hardware, unit-tested on the host
 * (tests/unit/drivers/block/test_ata_identify.c).
 */
#ifndef DRIVERS_BLOCK_ATA_IDENTIFY_H
#define DRIVERS_BLOCK_ATA_IDENTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "ata_reg.h"

struct ata_identity {
	uint64_t sectors; /* 512-byte sectors the commands the driver uses can reach */
	bool lba48;	  /* 48-bit Address feature set, and its size used */
	bool flush;	  /* FLUSH CACHE supported */
	bool flush_ext;	  /* FLUSH CACHE EXT supported */
	bool dma;	  /* DMA supported */
	char model[ATA_ID_MODEL_WORDS * 2 + 1]; /* trailing spaces removed */
};

/*
 * Parse the 256 words of IDENTIFY DEVICE data @id into @out. Returns 0, or
 * -EOPNOTSUPP for a device the driver cannot use, with the reason in *@why
 * (out->model is filled in either case).
 */
int ata_identify_parse(const uint16_t *id, struct ata_identity *out, const char **why);

#endif /* DRIVERS_BLOCK_ATA_IDENTIFY_H */
