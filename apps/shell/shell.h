/* SPDX-License-Identifier: MIT */
/*
 * shell.h - the serial console shell's internals (apps/shell/).
 *
 * main.c reads a line (line.c), splits it into words and runs the command of
 * that name from the tables below. Each table lives in the file of one
 * feature, built only when the feature is (apps/shell/Makefile): the tables
 * of optional features are weak, so a config without them links and the
 * shell simply does not offer their commands. Output formats: Documentation/shell.md.
 */
#ifndef SHELL_H
#define SHELL_H

#include <stdbool.h>
#include <stddef.h>

#define SHELL_LINE_MAX 1024 /* bytes of one input line, with its NUL */
#define SHELL_ARGS_MAX 64   /* words of one line */

/* A command: run(argc, argv) with argv[0] its name; returns 0, or 1 after printing an error. */
struct shell_cmd {
	const char *name;
	const char *synopsis; /* after "usage: " */
	const char *summary;  /* after "name - " in help */
	int (*run)(int argc, char **argv);
};

/* The tables, each ended by an entry with a NULL name. */
extern const struct shell_cmd shell_sys_cmds[];			       /* cmd_sys.c */
extern const struct shell_cmd shell_blk_cmds[] __attribute__((weak));  /* cmd_blk.c */
extern const struct shell_cmd shell_file_cmds[] __attribute__((weak)); /* cmd_file.c */
extern const struct shell_cmd shell_fs_cmds[] __attribute__((weak));   /* cmd_mount.c */
extern const struct shell_cmd shell_dump_cmds[] __attribute__((weak)); /* hexdump.c */

/* main.c: every command, for help. Calls @fn for each, in table order. */
void shell_for_each_cmd(void (*fn)(const struct shell_cmd *cmd));

/* main.c: "usage: <synopsis>" for @cmd's name; returns 1 (a command's failure). */
int shell_usage(const char *name);

/* main.c: "error: <what>: <strerror(err)>" (err a positive errno); returns 1. */
int shell_error(const char *what, int err);

/* main.c: the same with "<cmd> <path>" as what. */
int shell_error_path(const char *cmd, const char *path, int err);

/* main.c: write @n bytes as they are (NULs too) to the console. */
void shell_write(const char *s, size_t n);

/* cmd_sys.c: poweroff asked main() to return this code. */
extern bool shell_exit_requested;
extern int shell_exit_code;

/* cmd_sys.c / cmd_pci.c: the lspci listing; the weak default says "no PCI". */
int shell_lspci(void);

/*
 * line.c: read one line from the console into @buf (@size bytes), echoing it
 * and handling Backspace; CR, LF or CR LF end it. Returns its length, or
 * -E2BIG (the line was too long and is dropped), or -ENODEV (no console input).
 */
int shell_read_line(char *buf, size_t size);

/*
 * line.c: split @line in place into words: blanks separate, "..." groups,
 * a backslash takes the next byte as it is. Up to @max words in @argv.
 * Returns the number of words, -EINVAL (an open quote or a trailing
 * backslash) or -E2BIG (more than @max words).
 */
int shell_split(char *line, char **argv, int max);

/* cmd_sys.c: parse a whole decimal or 0x number into @out; false if it is not one. */
bool shell_parse_u64(const char *s, unsigned long long *out);

#endif /* SHELL_H */
