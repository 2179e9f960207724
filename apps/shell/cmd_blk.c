// SPDX-License-Identifier: MIT
/*
 * cmd_blk.c - the shell's block device commands, built with CONFIG_BLOCK:
 * lsblk (every disk and partition: name, size in bytes, read-only, owner
 * CPU) and dedicate (blk_dedicate(): move a disk's interrupts and I/O to
 * another CPU).
 */
#include <toro/blk.h>
#include <toro/stdio.h>
#include <toro/thread.h>
#include "shell.h"

static int cmd_lsblk(int argc, char **argv)
{
	struct blk_info d;

	(void)argv;
	if (argc != 1) {
		return shell_usage("lsblk");
	}
	printf("NAME SIZE RO OWNER\n");
	for (unsigned int i = 0; blk_device_info(i, &d) == 0; i++) {
		printf("%s %llu %d %u\n", d.name,
		       (unsigned long long)d.sector_count * d.sector_size, d.read_only ? 1 : 0,
		       d.owner_cpu);
	}
	return 0;
}

static int cmd_dedicate(int argc, char **argv)
{
	unsigned long long cpu;
	int err;

	if (argc != 3 || !shell_parse_u64(argv[2], &cpu)) {
		return shell_usage("dedicate");
	}
	if (cpu >= cpu_count()) {
		printf("error: dedicate %s: no cpu %llu (cpus: %u)\n", argv[1], cpu, cpu_count());
		return 1;
	}
	err = blk_dedicate(argv[1], (unsigned int)cpu);
	if (err) {
		return shell_error_path("dedicate", argv[1], -err);
	}
	return 0;
}

const struct shell_cmd shell_blk_cmds[] = {
	{"lsblk", "lsblk", "block devices: NAME SIZE RO OWNER", cmd_lsblk},
	{"dedicate", "dedicate DEV CPU", "give disk DEV's interrupts and I/O to CPU", cmd_dedicate},
	{NULL, NULL, NULL, NULL},
};
