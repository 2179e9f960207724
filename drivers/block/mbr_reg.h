/* SPDX-License-Identifier: MIT */
/*
 * mbr_reg.h - the PC partition table ("MBR", "DOS" or "msdos" label): sector 0
 * of a disk, and the extended boot records (EBRs) that chain the logical
 * partitions inside an extended partition. Layout as UEFI 2.10 §5.2.1
 * (Legacy Master Boot Record) describes it; LBAs and sizes count the disk's
 * logical sectors (so 4 KiB on a 4Kn disk), little-endian.
 */
#ifndef DRIVERS_BLOCK_MBR_REG_H
#define DRIVERS_BLOCK_MBR_REG_H

#include <stddef.h>
#include <stdint.h>

#define MBR_ENTRIES 4	       /* UEFI 2.10 §5.2.1 Table 5-1: PartitionRecord[4] */
#define MBR_SIGNATURE 0xaa55   /* little-endian 0x55, 0xaa at bytes 510-511 */
#define MBR_BOOT_INACTIVE 0x00 /* BootIndicator values (§5.2.1 Table 5-2) */
#define MBR_BOOT_ACTIVE 0x80
#define MBR_TYPE_EMPTY 0x00
#define MBR_TYPE_EXTENDED_CHS 0x05 /* extended partition (CHS era) */
#define MBR_TYPE_EXTENDED_LBA 0x0f /* extended partition (LBA) */
#define MBR_TYPE_EXTENDED_LINUX 0x85
#define MBR_TYPE_GPT_PROTECTIVE 0xee /* §5.2.3: a GPT disk's protective MBR */

/*
 * In an EBR only the first two records are used: [0] the logical partition,
 * its start relative to this EBR; [1] the next EBR (an extended type), its
 * start relative to the first sector of the primary extended partition.
 */
#define EBR_LOGICAL 0
#define EBR_NEXT 1

struct mbr_record {
	uint8_t boot_indicator;
	uint8_t start_chs[3];
	uint8_t os_type;
	uint8_t end_chs[3];
	uint32_t start_lba;
	uint32_t size_lba;
} __attribute__((packed));
_Static_assert(sizeof(struct mbr_record) == 16, "UEFI 2.10 §5.2.1 Table 5-2");

struct mbr {
	uint8_t boot_code[440];
	uint32_t disk_signature;
	uint16_t unknown;
	struct mbr_record records[MBR_ENTRIES];
	uint16_t signature;
} __attribute__((packed));
_Static_assert(sizeof(struct mbr) == 512, "UEFI 2.10 §5.2.1 Table 5-1");
_Static_assert(offsetof(struct mbr, records) == 446, "UEFI 2.10 §5.2.1 Table 5-1");

#endif /* DRIVERS_BLOCK_MBR_REG_H */
