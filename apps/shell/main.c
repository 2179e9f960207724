// SPDX-License-Identifier: MIT
/*
 * shell - a command shell on the serial console, for people and for tests
 * (Toro 1.x had one). Prints a banner and the prompt "toro> ", reads a line
 * (line.c), splits it into words and runs the command named by the first,
 * until `poweroff [CODE]` makes main() return CODE: the kernel then syncs
 * and unmounts the file systems and stops the machine (isa-debug-exit with
 * CONFIG_DEBUG_EXIT). The commands and their output: Documentation/shell.md.
 */
#include <stdbool.h>
#include <toro/errno.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include "shell.h"

#define PROMPT "toro> "

static const struct shell_cmd *const *tables(void)
{
	/* Weak tables of features not built in are NULL: the list ends at the first. */
	static const struct shell_cmd *list[6];
	unsigned int n = 0;

	list[n++] = shell_sys_cmds;
	if (shell_file_cmds) {
		list[n++] = shell_file_cmds;
	}
	if (shell_fs_cmds) {
		list[n++] = shell_fs_cmds;
	}
	if (shell_dump_cmds) {
		list[n++] = shell_dump_cmds;
	}
	if (shell_blk_cmds) {
		list[n++] = shell_blk_cmds;
	}
	list[n] = NULL;
	return list;
}

void shell_for_each_cmd(void (*fn)(const struct shell_cmd *cmd))
{
	for (const struct shell_cmd *const *t = tables(); *t; t++) {
		for (const struct shell_cmd *cmd = *t; cmd->name; cmd++) {
			fn(cmd);
		}
	}
}

static const struct shell_cmd *find_cmd(const char *name)
{
	for (const struct shell_cmd *const *t = tables(); *t; t++) {
		for (const struct shell_cmd *cmd = *t; cmd->name; cmd++) {
			if (strcmp(cmd->name, name) == 0) {
				return cmd;
			}
		}
	}
	return NULL;
}

int shell_usage(const char *name)
{
	const struct shell_cmd *cmd = find_cmd(name);

	printf("usage: %s\n", cmd ? cmd->synopsis : name);
	return 1;
}

int shell_error(const char *what, int err)
{
	printf("error: %s: %s\n", what, strerror(err));
	return 1;
}

int shell_error_path(const char *cmd, const char *path, int err)
{
	printf("error: %s %s: %s\n", cmd, path, strerror(err));
	return 1;
}

void shell_write(const char *s, size_t n)
{
	/* printf() gathers a run into few console writes; "%.*s" stops at a NUL. */
	while (n) {
		size_t run = strnlen(s, n);

		if (run) {
			printf("%.*s", (int)run, s);
		} else {
			putchar('\0');
			run = 1;
		}
		s += run;
		n -= run;
	}
}

static void run_line(char *line)
{
	char *argv[SHELL_ARGS_MAX + 1];
	const struct shell_cmd *cmd;
	int argc = shell_split(line, argv, SHELL_ARGS_MAX);

	if (argc == -EINVAL) {
		printf("error: unterminated quote or trailing backslash\n");
		return;
	}
	if (argc < 0) {
		printf("error: more than %d words\n", SHELL_ARGS_MAX);
		return;
	}
	if (argc == 0) {
		return;
	}
	argv[argc] = NULL;
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		printf("error: %s: unknown command (try help)\n", argv[0]);
		return;
	}
	cmd->run(argc, argv);
}

int main(int argc, char **argv)
{
	static char line[SHELL_LINE_MAX];

	(void)argc;
	(void)argv;
	printf("Toro shell: type help\n");
	while (!shell_exit_requested) {
		int len;

		printf(PROMPT);
		len = shell_read_line(line, sizeof(line));
		if (len == -ENODEV) {
			printf("error: the console has no input\n");
			return 1;
		}
		if (len < 0) {
			printf("error: line longer than %d bytes\n", SHELL_LINE_MAX - 1);
			continue;
		}
		run_line(line);
	}
	return shell_exit_code;
}
