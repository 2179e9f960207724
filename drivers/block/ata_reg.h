/* SPDX-License-Identifier: MIT */
/*
 * ata_reg.h - the legacy (ISA-compatible) IDE channel as ATA/ATAPI-8 sees it:
 * command block and control block registers, status bits, the commands the
 * driver issues and the IDENTIFY DEVICE words it reads.
 *
 * References: ATA/ATAPI-8 Parallel Transport (ATA8-APT) for the registers
 * and protocols, ATA/ATAPI-8 Command Set (ATA8-ACS) for the commands and
 * the IDENTIFY DEVICE data (cited by clause name; the same layouts are in
 * ATA/ATAPI-6, which both continue).
 */
#ifndef DRIVERS_BLOCK_ATA_REG_H
#define DRIVERS_BLOCK_ATA_REG_H

#include <stdint.h>

/*
 * Compatibility-mode I/O and IRQs of a PC's two channels (the PCI IDE
 * controller specification's "legacy mode"; PIIX3/PIIX4 default to it).
 */
#define ATA_PRIMARY_CMD 0x1f0
#define ATA_PRIMARY_CTRL 0x3f6
#define ATA_PRIMARY_IRQ 14
#define ATA_SECONDARY_CMD 0x170
#define ATA_SECONDARY_CTRL 0x376
#define ATA_SECONDARY_IRQ 15

/* Command block registers, offsets from the channel's command base (ATA8-APT, registers). */
#define ATA_REG_DATA 0	   /* 16-bit PIO data */
#define ATA_REG_ERROR 1	   /* read */
#define ATA_REG_FEATURES 1 /* write */
#define ATA_REG_COUNT 2
#define ATA_REG_LBA_LOW 3
#define ATA_REG_LBA_MID 4
#define ATA_REG_LBA_HIGH 5
#define ATA_REG_DEVICE 6
#define ATA_REG_STATUS 7  /* read: also clears a pending INTRQ */
#define ATA_REG_COMMAND 7 /* write */

/*
 * Control block: one register at the control base; Alternate Status on
 * read (does not clear INTRQ), Device Control on write (ATA8-APT).
 */
#define ATA_CTRL_NIEN 0x02 /* interrupts from the selected device disabled */
#define ATA_CTRL_SRST 0x04 /* software reset of both devices */
#define ATA_CTRL_HOB 0x80  /* read back the previous (high-order) LBA48 bytes */

/* Status bits (ATA8-ACS, Status field). */
#define ATA_STATUS_ERR 0x01
#define ATA_STATUS_DRQ 0x08
#define ATA_STATUS_DF 0x20 /* device fault */
#define ATA_STATUS_DRDY 0x40
#define ATA_STATUS_BSY 0x80

/* Error bits (ATA8-ACS, Error field). */
#define ATA_ERROR_ABRT 0x04

/*
 * Device register: bit 6 selects LBA addressing, bit 4 the device (0
 * master/device 0, 1 slave/device 1); bits 7 and 5 are obsolete and set
 * to one for old devices that still expect it. In LBA28 commands bits 3:0
 * carry LBA bits 27:24 (ATA8-ACS, READ SECTORS inputs).
 */
#define ATA_DEVICE_OBSOLETE 0xa0
#define ATA_DEVICE_LBA 0x40
#define ATA_DEVICE_DEV1 0x10
#define ATA_DEVICE_LBA28_HIGH_MASK 0x0f

/* Commands (ATA8-ACS clause 7, one sub-clause each; opcodes in its annex B). */
#define ATA_CMD_READ_SECTORS 0x20      /* LBA28, PIO data-in */
#define ATA_CMD_READ_SECTORS_EXT 0x24  /* LBA48, PIO data-in */
#define ATA_CMD_WRITE_SECTORS 0x30     /* LBA28, PIO data-out */
#define ATA_CMD_WRITE_SECTORS_EXT 0x34 /* LBA48, PIO data-out */
#define ATA_CMD_FLUSH_CACHE 0xe7       /* non-data */
#define ATA_CMD_FLUSH_CACHE_EXT 0xea   /* non-data, LBA48 feature set */
#define ATA_CMD_IDENTIFY_DEVICE 0xec   /* PIO data-in, 512 bytes */

/*
 * Transfer limits: a Count of 0 means 256 sectors for LBA28 commands and
 * 65536 for LBA48 ones (ATA8-ACS, READ SECTORS (EXT) inputs); an LBA28 address has
 * 28 bits.
 */
#define ATA_LBA28_MAX_COUNT 256
#define ATA_LBA48_MAX_COUNT 65536
#define ATA_LBA28_LIMIT (1ULL << 28) /* first sector LBA28 cannot address */
#define ATA_LBA48_LIMIT (1ULL << 48)

/* The unit of a PIO DRQ data block for these commands: one 512-byte sector. */
#define ATA_SECTOR_SIZE 512
#define ATA_SECTOR_WORDS (ATA_SECTOR_SIZE / 2)

/*
 * The signature a PACKET device leaves in LBA Mid/High after it aborts
 * IDENTIFY DEVICE (ATA8-ACS, IDENTIFY DEVICE and its signature table); SATA
 * bridges' ATA devices show 00h/00h, some 3Ch/C3h.
 */
#define ATA_SIG_PACKET_MID 0x14
#define ATA_SIG_PACKET_HIGH 0xeb

/* IDENTIFY DEVICE data, 256 words (ATA8-ACS, IDENTIFY DEVICE data table). */
#define ATA_ID_WORDS 256
#define ATA_ID_CONFIG 0 /* bit 15: 1 = not an ATA device */
#define ATA_ID_CONFIG_NOT_ATA 0x8000
#define ATA_ID_MODEL 27 /* words 27-46: 40 ASCII characters, two per word */
#define ATA_ID_MODEL_WORDS 20
#define ATA_ID_CAPABILITIES 49
#define ATA_ID_CAP_LBA 0x0200	/* bit 9: LBA supported */
#define ATA_ID_LBA28_SECTORS 60 /* words 60-61: user addressable sectors, LBA28 */
#define ATA_ID_COMMAND_SET_2 83
#define ATA_ID_CMD2_LBA48 0x0400      /* bit 10: 48-bit Address feature set */
#define ATA_ID_CMD2_FLUSH 0x1000      /* bit 12: FLUSH CACHE supported */
#define ATA_ID_CMD2_FLUSH_EXT 0x2000  /* bit 13: FLUSH CACHE EXT supported */
#define ATA_ID_CMD2_VALID_MASK 0xc000 /* bits 15:14 = 01b: the word is valid */
#define ATA_ID_CMD2_VALID 0x4000
#define ATA_ID_LBA48_SECTORS 100       /* words 100-103: max user LBA + 1 for LBA48 */
#define ATA_ID_SECTOR_SIZE 106	       /* physical/logical sector size */
#define ATA_ID_SSIZE_VALID_MASK 0xc000 /* bits 15:14 = 01b: the word is valid */
#define ATA_ID_SSIZE_VALID 0x4000
#define ATA_ID_SSIZE_LARGE_LOGICAL 0x1000 /* bit 12: logical sector > 256 words */
#define ATA_ID_INTEGRITY 255		  /* 7:0 A5h signature, 15:8 checksum */
#define ATA_ID_INTEGRITY_SIGNATURE 0xa5

/* DMA commands (ATA8-ACS; DMA data transfer protocol of ATA8-APT). */
#define ATA_CMD_READ_DMA 0xc8	   /* LBA28 */
#define ATA_CMD_READ_DMA_EXT 0x25  /* LBA48 */
#define ATA_CMD_WRITE_DMA 0xca	   /* LBA28 */
#define ATA_CMD_WRITE_DMA_EXT 0x35 /* LBA48 */
#define ATA_ID_CAP_DMA 0x0100	   /* IDENTIFY word 49 bit 8: DMA supported */

/*
 * Bus Master IDE (SFF-8038i, "Programming Interface for Bus Master IDE
 * Controller" rev 1.0): a PCI IDE function of class 01h/01h whose
 * programming interface has bit 7 set has, in BAR4, 16 I/O ports: eight
 * per channel (primary first), command, status, and the physical address
 * of the Physical Region Descriptor table (§2.1).
 */
#define PCI_CLASS_STORAGE 0x01
#define PCI_SUBCLASS_IDE 0x01
#define PCI_IDE_PRIMARY_NATIVE 0x01   /* prog-if bit 0: primary in native (PCI) mode */
#define PCI_IDE_SECONDARY_NATIVE 0x04 /* prog-if bit 2 */
#define PCI_IDE_BUS_MASTER 0x80	      /* prog-if bit 7 */
#define PCI_IDE_BM_BAR 4
#define BM_CHANNEL_STRIDE 8
#define BM_REG_COMMAND 0
#define BM_REG_STATUS 2
#define BM_REG_PRDT 4
#define BM_CMD_START 0x01     /* start/stop the bus master */
#define BM_CMD_TO_MEMORY 0x08 /* direction: 1 = the controller writes memory (a read) */
#define BM_STATUS_ACTIVE 0x01
#define BM_STATUS_ERROR 0x02	 /* write 1 to clear */
#define BM_STATUS_INTERRUPT 0x04 /* write 1 to clear */

/*
 * A Physical Region Descriptor (§1.2): a word-aligned region that does not
 * cross a 64 KiB boundary, byte count 0 meaning 64 KiB; the table itself
 * is dword-aligned and does not cross a 64 KiB boundary either.
 */
struct ata_prd {
	uint32_t addr;
	uint16_t bytes;
	uint16_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct ata_prd) == 8, "PRD entry is 8 bytes");
#define ATA_PRD_EOT 0x8000 /* the table's last entry */
#define ATA_PRD_BOUNDARY 0x10000ULL

#endif /* DRIVERS_BLOCK_ATA_REG_H */
