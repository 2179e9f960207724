/* SPDX-License-Identifier: MIT */
/*
 * cpio_reg.h - the "new ASCII" (newc) cpio format, as described in man 5 cpio
 * ("New ASCII Format"): what `cpio -o -H newc` writes and Linux's initramfs reads.
 *
 * An archive is a run of entries, each a 110-byte header of ASCII text, the path
 * name (with its NUL) and the file data. The header plus the name is padded with
 * NULs to a multiple of 4 bytes, and so is the data; offsets count from the start
 * of the archive. The entry named "TRAILER!!!" ends the archive.
 */
#ifndef INITRD_CPIO_REG_H
#define INITRD_CPIO_REG_H

#include <stdint.h>

/* man 5 cpio: c_magic, "070701"; "070702" when c_check holds a checksum of the data. */
#define CPIO_NEWC_MAGIC "070701"
#define CPIO_CRC_MAGIC "070702"
#define CPIO_MAGIC_LEN 6

/* Every numeric field is 8 hexadecimal digits, without a NUL. */
#define CPIO_FIELD_LEN 8

/* The header fields after c_magic, in archive order. */
enum cpio_field {
	CPIO_INO,
	CPIO_MODE,
	CPIO_UID,
	CPIO_GID,
	CPIO_NLINK,
	CPIO_MTIME,
	CPIO_FILESIZE,
	CPIO_DEVMAJOR,
	CPIO_DEVMINOR,
	CPIO_RDEVMAJOR,
	CPIO_RDEVMINOR,
	CPIO_NAMESIZE, /* bytes of the name, its NUL included */
	CPIO_CHECK,    /* 070702: the sum of the data bytes, modulo 2^32; else 0 */
	CPIO_FIELDS,
};

struct cpio_newc_header {
	char c_magic[CPIO_MAGIC_LEN];
	char c_field[CPIO_FIELDS][CPIO_FIELD_LEN];
};
_Static_assert(sizeof(struct cpio_newc_header) == 110, "man 5 cpio: newc header size");

/* Names and data start on 4-byte boundaries. */
#define CPIO_ALIGN 4

/* The name of the last entry. */
#define CPIO_TRAILER "TRAILER!!!"

/* c_mode: the file type bits (the values of struct stat's st_mode). */
#define CPIO_S_IFMT 0170000
#define CPIO_S_IFSOCK 0140000
#define CPIO_S_IFLNK 0120000
#define CPIO_S_IFREG 0100000
#define CPIO_S_IFBLK 0060000
#define CPIO_S_IFDIR 0040000
#define CPIO_S_IFCHR 0020000
#define CPIO_S_IFIFO 0010000
#define CPIO_S_PERM 07777

#endif /* INITRD_CPIO_REG_H */
