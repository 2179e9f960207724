/* SPDX-License-Identifier: MIT */
/* fw_cfg.h - reading QEMU's firmware configuration files (pc, q35). */
#ifndef ASM_FW_CFG_H
#define ASM_FW_CFG_H

#include <stddef.h>

/*
 * Copy fw_cfg file @name into @buf (at most @size - 1 bytes, NUL-terminated).
 * Returns the file's length, -ENODEV without fw_cfg, -ENOENT if absent.
 */
long fw_cfg_read_file(const char *name, char *buf, size_t size);

#endif
