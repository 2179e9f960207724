/* SPDX-License-Identifier: MIT */
/*
 * fat_reg.h - FAT on-disk layouts: the BPB, the FAT12/16 boot sector, 8.3 directory
 * entries and long-file-name entries, with the constants the FAT code relies on.
 *
 * Source: Microsoft "FAT: General Overview of On-Disk Format", version 1.03 (fatgen103),
 * cited by its section titles. All fields are little-endian; Toro runs on x86_64 only,
 * so they are read in place (checked below).
 */
#ifndef FS_FAT_FAT_REG_H
#define FS_FAT_FAT_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "FAT fields are read in place");

/* fatgen103 "Boot Sector and BPB": the BPB fields common to FAT12, FAT16 and FAT32. */
struct fat_bpb {
	uint8_t jump[3];	     /* BS_jmpBoot: EB xx 90 or E9 xx xx */
	char oem_name[8];	     /* BS_OEMName */
	uint16_t bytes_per_sector;   /* BPB_BytsPerSec: 512, 1024, 2048 or 4096 */
	uint8_t sectors_per_cluster; /* BPB_SecPerClus: a power of two, 1..128 */
	uint16_t reserved_sectors;   /* BPB_RsvdSecCnt: never 0 */
	uint8_t fat_count;	     /* BPB_NumFATs: usually 2 */
	uint16_t root_entries;	     /* BPB_RootEntCnt: 32-byte entries of the FAT12/16 root */
	uint16_t total_sectors16;    /* BPB_TotSec16: 0 means see total_sectors32 */
	uint8_t media;		     /* BPB_Media: 0xF0, 0xF8..0xFF; also in FAT[0] */
	uint16_t fat_size16;	     /* BPB_FATSz16: sectors per FAT (FAT12/16) */
	uint16_t sectors_per_track;  /* BPB_SecPerTrk */
	uint16_t heads;		     /* BPB_NumHeads */
	uint32_t hidden_sectors;     /* BPB_HiddSec: sectors before this partition */
	uint32_t total_sectors32;    /* BPB_TotSec32 */
} __packed;
_Static_assert(sizeof(struct fat_bpb) == 36, "fatgen103 BPB is 36 bytes");

/* fatgen103 "Boot Sector and BPB": the fields from offset 36 on FAT12 and FAT16 volumes. */
struct fat16_ext_bpb {
	uint8_t drive_number;  /* BS_DrvNum */
	uint8_t reserved1;     /* BS_Reserved1 */
	uint8_t boot_sig;      /* BS_BootSig: 0x29 when the next three fields exist */
	uint32_t volume_id;    /* BS_VolID */
	char volume_label[11]; /* BS_VolLab */
	char fs_type[8];       /* BS_FilSysType: informational only, never used to decide */
} __packed;
_Static_assert(sizeof(struct fat16_ext_bpb) == 26, "fatgen103 FAT12/16 BPB tail is 26 bytes");

struct fat16_boot_sector {
	struct fat_bpb bpb;
	struct fat16_ext_bpb ext;
} __packed;
_Static_assert(sizeof(struct fat16_boot_sector) == 62, "FAT16 boot sector header");

/* fatgen103 "Boot Sector and BPB": BPB_FATSz32, the FAT size of FAT32 volumes only. */
#define FAT32_FAT_SIZE_OFFSET 36

/* fatgen103 "Boot Sector and BPB": bytes 510 and 511 of sector 0 are 0x55 0xAA. */
#define FAT_BOOT_SIG_OFFSET 510
#define FAT_BOOT_SIG_BYTE0 0x55
#define FAT_BOOT_SIG_BYTE1 0xAA
#define FAT_JUMP_SHORT 0xEB /* EB xx 90 */
#define FAT_JUMP_NEAR 0xE9
#define FAT_SECTOR_SIZE_MIN 512
#define FAT_SECTOR_SIZE_MAX 4096
#define FAT_SECTORS_PER_CLUSTER_MAX 128
#define FAT_MEDIA_MIN 0xF8 /* 0xF0 is the other legal value */
#define FAT_MEDIA_FLOPPY 0xF0

/*
 * fatgen103 "FAT Type Determination": the type follows from the count of data
 * clusters alone, never from BS_FilSysType.
 */
#define FAT12_CLUSTERS_MAX 4084	 /* fewer than 4085 clusters: FAT12 */
#define FAT16_CLUSTERS_MAX 65524 /* fewer than 65525: FAT16; more: FAT32 */

/* fatgen103 "FAT Data Structure": FAT16 entry values. */
#define FAT_FIRST_CLUSTER 2 /* entries 0 and 1 are reserved */
#define FAT16_ENTRY_SIZE 2
#define FAT16_FREE 0x0000
#define FAT16_BAD 0xFFF7
#define FAT16_EOC_MIN 0xFFF8 /* any value >= this ends a chain */
#define FAT16_EOC 0xFFFF     /* what we write to end a chain */

/* fatgen103 "FAT Directory Structure": the 32-byte short (8.3) directory entry. */
struct fat_dirent {
	uint8_t name[11];	     /* DIR_Name: 8 base + 3 extension, space padded */
	uint8_t attr;		     /* DIR_Attr */
	uint8_t nt_case;	     /* DIR_NTRes: Windows NT lower-case flags, below */
	uint8_t ctime_tenth;	     /* DIR_CrtTimeTenth */
	uint16_t ctime;		     /* DIR_CrtTime */
	uint16_t cdate;		     /* DIR_CrtDate */
	uint16_t adate;		     /* DIR_LstAccDate */
	uint16_t first_cluster_high; /* DIR_FstClusHI: 0 on FAT12/16 */
	uint16_t wtime;		     /* DIR_WrtTime */
	uint16_t wdate;		     /* DIR_WrtDate */
	uint16_t first_cluster_low;  /* DIR_FstClusLO */
	uint32_t size;		     /* DIR_FileSize: 0 for directories */
} __packed;
_Static_assert(sizeof(struct fat_dirent) == 32, "fatgen103 directory entry is 32 bytes");

#define FAT_DIRENT_SIZE 32
#define FAT_NAME_BASE_LEN 8
#define FAT_NAME_EXT_LEN 3
#define FAT_SHORT_NAME_LEN 11
#define FAT_DIRENT_END 0x00	 /* DIR_Name[0]: this and every later entry are free */
#define FAT_DIRENT_FREE 0xE5	 /* DIR_Name[0]: a deleted entry */
#define FAT_DIRENT_KANJI_E5 0x05 /* DIR_Name[0]: stands for a real 0xE5 byte */
/* fatgen103 "FAT Directory Structure": a directory holds at most 65,536 entries. */
#define FAT_DIR_ENTRIES_MAX 65536

#define FAT_ATTR_READ_ONLY 0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME_ID 0x08
#define FAT_ATTR_DIRECTORY 0x10
#define FAT_ATTR_ARCHIVE 0x20
#define FAT_ATTR_LONG_NAME 0x0F /* READ_ONLY | HIDDEN | SYSTEM | VOLUME_ID */
#define FAT_ATTR_LONG_NAME_MASK 0x3F

/* DIR_NTRes bits (not in fatgen103; Windows NT and Linux use them): 8.3 name in lower case. */
#define FAT_NT_LOWER_BASE 0x08
#define FAT_NT_LOWER_EXT 0x10

/*
 * fatgen103 "Date and Time Formats": date = (year - 1980) << 9 | month << 5 | day,
 * time = hour << 11 | minute << 5 | seconds / 2.
 */
#define FAT_YEAR_BASE 1980
#define FAT_DATE_YEAR_SHIFT 9
#define FAT_DATE_MONTH_SHIFT 5
#define FAT_TIME_HOUR_SHIFT 11
#define FAT_TIME_MINUTE_SHIFT 5
#define FAT_TIME_SECONDS_UNIT 2
#define FAT_DATE_MONTH_MASK 0xF
#define FAT_DATE_DAY_MASK 0x1F
#define FAT_TIME_MINUTE_MASK 0x3F
#define FAT_TIME_SECONDS_MASK 0x1F
#define FAT_YEAR_MAX 2107

/* fatgen103 "FAT Long Directory Entries": 13 UCS-2 characters of a long name per entry. */
struct fat_lfn_entry {
	uint8_t ord;		    /* LDIR_Ord: 1..20, FAT_LFN_LAST on the last (first stored) */
	uint16_t name1[5];	    /* LDIR_Name1: characters 1-5 */
	uint8_t attr;		    /* LDIR_Attr: FAT_ATTR_LONG_NAME */
	uint8_t type;		    /* LDIR_Type: 0 */
	uint8_t checksum;	    /* LDIR_Chksum: of the 8.3 name that follows */
	uint16_t name2[6];	    /* LDIR_Name2: characters 6-11 */
	uint16_t first_cluster_low; /* LDIR_FstClusLO: 0 */
	uint16_t name3[2];	    /* LDIR_Name3: characters 12-13 */
} __packed;
_Static_assert(sizeof(struct fat_lfn_entry) == 32, "fatgen103 long-name entry is 32 bytes");

#define FAT_LFN_LAST 0x40
#define FAT_LFN_ORD_MASK 0x1F
#define FAT_LFN_CHARS 13
#define FAT_LFN_NAME1_CHARS 5
#define FAT_LFN_NAME2_CHARS 6
#define FAT_LFN_NAME3_CHARS 2
#define FAT_LFN_NAME_MAX 255   /* UCS-2 characters */
#define FAT_LFN_ENTRIES_MAX 20 /* 255 / 13, rounded up */
#define FAT_LFN_PAD 0xFFFF     /* after the terminating 0x0000 */

/* fatgen103 "Name Matches in Short File Names": the ~N numeric tail. */
#define FAT_TAIL_MAX 999999

#endif /* FS_FAT_FAT_REG_H */
