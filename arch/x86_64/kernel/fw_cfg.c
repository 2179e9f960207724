/* SPDX-License-Identifier: MIT */
/*
 * fw_cfg.c - QEMU's firmware configuration device through its I/O ports
 * (QEMU docs/specs/fw_cfg.rst): write a 16-bit selector to 0x510, then read
 * the item byte by byte from 0x511. Items: the "QEMU" signature (0x0000) and
 * the file directory (0x0019, big-endian count and 64-byte entries).
 */
#include <stdint.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <asm/fw_cfg.h>
#include <asm/io.h>

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_NAME_LEN 56

struct fw_cfg_file {
	uint32_t size;	 /* big-endian */
	uint16_t select; /* big-endian */
	uint16_t reserved;
	char name[FW_CFG_NAME_LEN];
} __attribute__((packed));
_Static_assert(sizeof(struct fw_cfg_file) == 64, "fw_cfg.rst: FWCfgFile");

static void fw_cfg_read(void *buf, size_t n)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++) {
		p[i] = inb(FW_CFG_PORT_DATA);
	}
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static uint16_t be16(uint16_t v)
{
	return __builtin_bswap16(v);
}

long fw_cfg_read_file(const char *name, char *buf, size_t size)
{
	char sig[4];
	uint32_t count;

	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	fw_cfg_read(sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0) {
		return -ENODEV;
	}
	outw(FW_CFG_PORT_SEL, FW_CFG_FILE_DIR);
	fw_cfg_read(&count, sizeof(count));
	for (uint32_t i = 0; i < be32(count); i++) {
		struct fw_cfg_file f;

		fw_cfg_read(&f, sizeof(f));
		f.name[FW_CFG_NAME_LEN - 1] = '\0';
		if (strcmp(f.name, name) != 0) {
			continue;
		}
		size_t len = be32(f.size);
		size_t take = len < size - 1 ? len : size - 1;
		outw(FW_CFG_PORT_SEL, be16(f.select));
		fw_cfg_read(buf, take);
		buf[take] = '\0';
		return (long)len;
	}
	return -ENOENT;
}
