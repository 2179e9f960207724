/* SPDX-License-Identifier: MIT */
/*
 * ext2_reg.h - the on-disk layout of ext2 (revisions 0 and 1), little-endian.
 *
 * Sources: Dave Poirier, "The Second Extended File System: Internal Layout"
 * (sections "Superblock", "Block Group Descriptor Table", "Inode Table",
 * "Directory Structure"), and Linux Documentation/filesystems/ext2.rst
 * ("Superblock", "Inodes", "Directories", "Feature flags"). Facts only; no code.
 */
#ifndef FS_EXT2_EXT2_REG_H
#define FS_EXT2_EXT2_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

/* Poirier "Superblock": always 1024 bytes at byte 1024 of the volume. */
#define EXT2_SUPER_OFFSET 1024
#define EXT2_SUPER_SIZE 1024
#define EXT2_SUPER_MAGIC 0xef53
#define EXT2_MIN_BLOCK_LOG 10	  /* block size = 1024 << s_log_block_size */
#define EXT2_MAX_LOG_BLOCK_SIZE 2 /* 4 KiB: what Toro mounts */

/* s_state */
#define EXT2_VALID_FS 0x0001
#define EXT2_ERROR_FS 0x0002

/* s_rev_level; revision 0 has fixed inode size and first inode. */
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11

/* ext2.rst "Feature flags" */
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT2_FEATURE_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_RO_COMPAT_SUPP                                                                \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* Poirier "Defined Reserved Inodes" */
#define EXT2_ROOT_INO 2

struct ext2_super_block {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	uint16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algo_bitmap;
	uint8_t s_rest[820]; /* preallocation, journal, hash seeds: kept as found */
} __packed;
_Static_assert(sizeof(struct ext2_super_block) == EXT2_SUPER_SIZE, "ext2 superblock");

/* Poirier "Block Group Descriptor Table": 32 bytes per group, in the block after the sb. */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint8_t bg_reserved[12];
} __packed;
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor");

/* Poirier "i_block": 12 direct pointers, then single, double, triple indirect. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_INDIRECT_LEVELS 3
#define EXT2_INODE_BLOCK_UNIT 512 /* i_blocks counts 512-byte sectors */

/* i_mode, Poirier "i_mode" */
#define EXT2_S_IFMT 0xf000
#define EXT2_S_IFMT_SHIFT 12 /* the type field as a small number */
#define EXT2_S_IFSOCK 0xc000
#define EXT2_S_IFLNK 0xa000
#define EXT2_S_IFREG 0x8000
#define EXT2_S_IFBLK 0x6000
#define EXT2_S_IFDIR 0x4000
#define EXT2_S_IFCHR 0x2000
#define EXT2_S_IFIFO 0x1000

/* i_flags: hashed-directory index (ext2.rst "Directories"); ext2 itself reads linearly. */
#define EXT2_INDEX_FL 0x00001000

struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_dir_acl; /* i_size_high for regular files with LARGE_FILE */
	uint32_t i_faddr;
	uint8_t i_osd2[12];
} __packed;
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INODE_SIZE, "ext2 inode");

/* A fast symlink keeps its target in i_block when it fits (ext2.rst "Symbolic Links"). */
#define EXT2_FAST_SYMLINK_MAX (EXT2_N_BLOCKS * sizeof(uint32_t))

/* Poirier "Linked Directory Entry Structure"; rec_len is a multiple of 4. */
#define EXT2_NAME_LEN 255
#define EXT2_DIR_ALIGN 4
#define EXT2_DIR_ENTRY_HEADER 8
#define EXT2_DIR_REC_LEN(name_len)                                                                 \
	(((name_len) + EXT2_DIR_ENTRY_HEADER + EXT2_DIR_ALIGN - 1) & ~(EXT2_DIR_ALIGN - 1))

struct ext2_dir_entry {
	uint32_t inode; /* 0: unused entry */
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type; /* high byte of name_len without INCOMPAT_FILETYPE */
	char name[];
} __packed;
_Static_assert(sizeof(struct ext2_dir_entry) == EXT2_DIR_ENTRY_HEADER, "ext2 dir entry");

/* file_type, Poirier "Defined Inode File Type Values" */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

#endif /* FS_EXT2_EXT2_REG_H */
