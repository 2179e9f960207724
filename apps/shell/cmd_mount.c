// SPDX-License-Identifier: MIT
/*
 * cmd_mount.c - the shell's file-system commands over <toro/fs.h>, built
 * with CONFIG_VFS: df, mount (list, or mount a device), umount, sync.
 */
#include <stdint.h>
#include <toro/errno.h>
#include <toro/fs.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include "shell.h"

#define KIB 1024

static uint64_t kib(uint64_t blocks, uint32_t block_size)
{
	return blocks * block_size / KIB;
}

static int cmd_df(int argc, char **argv)
{
	struct mount_entry m;
	struct statfs st;

	(void)argv;
	if (argc != 1) {
		return shell_usage("df");
	}
	printf("Filesystem Type 1K-blocks Used Available Mounted on\n");
	for (unsigned int i = 0; mount_get(i, &m) == 0; i++) {
		if (statfs(m.target, &st) < 0) {
			shell_error_path("df", m.target, errno);
			continue;
		}
		printf("%s %s %llu %llu %llu %s\n", m.source, m.fstype,
		       (unsigned long long)kib(st.f_blocks, st.f_bsize),
		       (unsigned long long)kib(st.f_blocks - st.f_bfree, st.f_bsize),
		       (unsigned long long)kib(st.f_bfree, st.f_bsize), m.target);
	}
	return 0;
}

static int list_mounts(void)
{
	struct mount_entry m;

	for (unsigned int i = 0; mount_get(i, &m) == 0; i++) {
		printf("%s on %s type %s (%s)\n", m.source, m.target, m.fstype,
		       m.flags & MS_RDONLY ? "ro" : "rw");
	}
	return 0;
}

static int cmd_mount(int argc, char **argv)
{
	unsigned long flags = 0;

	if (argc == 1) {
		return list_mounts();
	}
	if (argc == 5 && strcmp(argv[4], "ro") == 0) {
		flags = MS_RDONLY;
	} else if (argc != 4) {
		return shell_usage("mount");
	}
	if (mount(argv[1], argv[2], argv[3], flags, NULL) < 0) {
		return shell_error_path("mount", argv[2], errno);
	}
	return 0;
}

static int cmd_umount(int argc, char **argv)
{
	if (argc != 2) {
		return shell_usage("umount");
	}
	return umount(argv[1]) < 0 ? shell_error_path("umount", argv[1], errno) : 0;
}

static int cmd_sync(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		return shell_usage("sync");
	}
	sync();
	return 0;
}

const struct shell_cmd shell_fs_cmds[] = {
	{"df", "df", "size and use of each mounted file system", cmd_df},
	{"mount", "mount [DEV PATH TYPE [ro]]", "list mounts, or mount DEV on PATH", cmd_mount},
	{"umount", "umount PATH", "sync and detach the file system at PATH", cmd_umount},
	{"sync", "sync", "write back every file system", cmd_sync},
	{NULL, NULL, NULL, NULL},
};
