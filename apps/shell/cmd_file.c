// SPDX-License-Identifier: MIT
/*
 * cmd_file.c - the shell's file commands over <toro/fs.h>, built with
 * CONFIG_VFS: ls, cat, write, append, cp, mkdir, rmdir, rm, mv, stat.
 * Every failure prints "error: <cmd> <path>: <strerror(errno)>".
 */
#include <stdbool.h>
#include <stdint.h>
#include <toro/errno.h>
#include <toro/fs.h>
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include <toro/time.h>
#include "shell.h"

#define COPY_CHUNK (1024 * 1024)
#define CAT_CHUNK (64 * 1024)
#define MODE_FILE 0644
#define MODE_DIR 0755
#define PERM_MASK 07777

/* "-rw-r--r--": the type letter and the nine permission bits, as ls -l shows them. */
static void mode_string(mode_t mode, char out[11])
{
	static const char rwx[] = "rwx";

	out[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : '-';
	for (int i = 0; i < 9; i++) {
		out[1 + i] = mode & (0400 >> i) ? rwx[i % 3] : '-';
	}
	out[10] = '\0';
}

/* @dir + "/" + @name into @out (PATH_MAX bytes); false if too long. */
static bool join_path(const char *dir, const char *name, char *out)
{
	size_t len = strlen(dir);
	const char *sep = len && dir[len - 1] == '/' ? "" : "/";

	return snprintf(out, PATH_MAX, "%s%s%s", dir, sep, name) < PATH_MAX;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void print_entry(const char *dir, const char *name, bool long_format)
{
	char path[PATH_MAX], mode[11];
	struct stat st;

	if (!long_format) {
		printf("%s\n", name);
		return;
	}
	if (!join_path(dir, name, path) || stat(path, &st) < 0) {
		printf("?????????? ? ? %s\n", name);
		return;
	}
	mode_string(st.st_mode, mode);
	printf("%s %u %lld %s\n", mode, st.st_nlink, (long long)st.st_size, name);
}

/* Insertion sort by name: directories listed by a shell are small. */
static void sort_names(char **names, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		char *key = names[i];
		size_t j = i;

		for (; j > 0 && strcmp(names[j - 1], key) > 0; j--) {
			names[j] = names[j - 1];
		}
		names[j] = key;
	}
}

/* The names in @dir except "." and "..", sorted; NULL (errno set) on failure. */
static char **read_names(DIR *dir, size_t *count)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;

	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
			continue;
		}
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 32) * sizeof(*names));

			if (!grown) {
				goto out_nomem;
			}
			names = grown;
		}
		if (!(names[n] = malloc(len + 1))) {
			goto out_nomem;
		}
		memcpy(names[n++], e->d_name, len + 1);
	}
	sort_names(names, n);
	*count = n;
	return names ? names : malloc(sizeof(*names));

out_nomem:
	while (n) {
		free(names[--n]);
	}
	free(names);
	errno = ENOMEM;
	return NULL;
}

static int list_dir(const char *path, bool long_format)
{
	DIR *dir = opendir(path);
	char **names;
	size_t n;

	if (!dir) {
		return shell_error_path("ls", path, errno);
	}
	names = read_names(dir, &n);
	closedir(dir);
	if (!names) {
		return shell_error_path("ls", path, errno);
	}
	for (size_t i = 0; i < n; i++) {
		print_entry(path, names[i], long_format);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	bool long_format = argc > 1 && strcmp(argv[1], "-l") == 0;
	const char *path = ".";
	int first = long_format ? 2 : 1;
	struct stat st;

	if (argc > first + 1) {
		return shell_usage("ls");
	}
	if (argc == first + 1) {
		path = argv[first];
	}
	if (stat(path, &st) < 0) {
		return shell_error_path("ls", path, errno);
	}
	if (!S_ISDIR(st.st_mode)) {
		char mode[11];

		mode_string(st.st_mode, mode);
		if (long_format) {
			printf("%s %u %lld %s\n", mode, st.st_nlink, (long long)st.st_size, path);
		} else {
			printf("%s\n", path);
		}
		return 0;
	}
	return list_dir(path, long_format);
}

static int cat_one(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t got;

	if (fd < 0) {
		return shell_error_path("cat", path, errno);
	}
	while ((got = read(fd, buf, CAT_CHUNK)) > 0) {
		shell_write(buf, (size_t)got);
	}
	if (got < 0) {
		shell_error_path("cat", path, errno);
	}
	close(fd);
	return got < 0;
}

static int cmd_cat(int argc, char **argv)
{
	char *buf;
	int ret = 0;

	if (argc < 2) {
		return shell_usage("cat");
	}
	buf = malloc(CAT_CHUNK);
	if (!buf) {
		return shell_error("cat", ENOMEM);
	}
	for (int i = 1; i < argc; i++) {
		ret |= cat_one(argv[i], buf);
	}
	free(buf);
	return ret;
}

/* Write all @n bytes of @buf to @fd; false (errno set) if any write failed. */
static bool write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t done = write(fd, buf, n);

		if (done <= 0) {
			if (done == 0) {
				errno = EIO;
			}
			return false;
		}
		buf += done;
		n -= (size_t)done;
	}
	return true;
}

/* write/append: the words argv[2..] joined by one space, then "\n". */
static int write_words(const char *cmd, int argc, char **argv, int flags)
{
	int fd;
	bool ok = true;

	if (argc < 2) {
		return shell_usage(cmd);
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | flags, MODE_FILE);
	if (fd < 0) {
		return shell_error_path(cmd, argv[1], errno);
	}
	for (int i = 2; i < argc && ok; i++) {
		ok = write_all(fd, argv[i], strlen(argv[i])) &&
		     (i == argc - 1 || write_all(fd, " ", 1));
	}
	ok = ok && write_all(fd, "\n", 1);
	if (!ok) {
		shell_error_path(cmd, argv[1], errno);
	}
	if (close(fd) < 0 && ok) {
		ok = false;
		shell_error_path(cmd, argv[1], errno);
	}
	return !ok;
}

static int cmd_write(int argc, char **argv)
{
	return write_words("write", argc, argv, O_TRUNC);
}

static int cmd_append(int argc, char **argv)
{
	return write_words("append", argc, argv, O_APPEND);
}

/* Copy @src_fd to @dst_fd through @buf; reports which side failed. */
static int copy_data(int src_fd, int dst_fd, char *buf, const char *src, const char *dst)
{
	ssize_t got;

	while ((got = read(src_fd, buf, COPY_CHUNK)) > 0) {
		if (!write_all(dst_fd, buf, (size_t)got)) {
			return shell_error_path("cp", dst, errno);
		}
	}
	return got < 0 ? shell_error_path("cp", src, errno) : 0;
}

static int cmd_cp(int argc, char **argv)
{
	char target[PATH_MAX];
	const char *dst;
	struct stat st, dst_st;
	int src_fd, dst_fd, ret;
	char *buf;

	if (argc != 3) {
		return shell_usage("cp");
	}
	dst = argv[2];
	if (stat(argv[1], &st) < 0) {
		return shell_error_path("cp", argv[1], errno);
	}
	if (S_ISDIR(st.st_mode)) {
		return shell_error_path("cp", argv[1], EISDIR);
	}
	if (stat(dst, &dst_st) == 0 && S_ISDIR(dst_st.st_mode)) {
		if (!join_path(dst, base_name(argv[1]), target)) {
			return shell_error_path("cp", dst, ENAMETOOLONG);
		}
		dst = target;
	}
	/* Opening the destination would truncate the source (no st_dev: inode, size, time). */
	if (stat(dst, &dst_st) == 0 && dst_st.st_ino == st.st_ino && dst_st.st_size == st.st_size &&
	    dst_st.st_mtime == st.st_mtime) {
		printf("error: cp %s: same file as %s\n", dst, argv[1]);
		return 1;
	}
	buf = malloc(COPY_CHUNK);
	if (!buf) {
		return shell_error("cp", ENOMEM);
	}
	ret = 1;
	src_fd = open(argv[1], O_RDONLY);
	if (src_fd < 0) {
		shell_error_path("cp", argv[1], errno);
		goto out_free;
	}
	dst_fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & PERM_MASK);
	if (dst_fd < 0) {
		shell_error_path("cp", dst, errno);
		goto out_close_src;
	}
	ret = copy_data(src_fd, dst_fd, buf, argv[1], dst);
	if (close(dst_fd) < 0 && !ret) {
		ret = shell_error_path("cp", dst, errno);
	}
out_close_src:
	close(src_fd);
out_free:
	free(buf);
	return ret;
}

static int cmd_mkdir(int argc, char **argv)
{
	if (argc != 2) {
		return shell_usage("mkdir");
	}
	return mkdir(argv[1], MODE_DIR) < 0 ? shell_error_path("mkdir", argv[1], errno) : 0;
}

static int cmd_rmdir(int argc, char **argv)
{
	if (argc != 2) {
		return shell_usage("rmdir");
	}
	return rmdir(argv[1]) < 0 ? shell_error_path("rmdir", argv[1], errno) : 0;
}

static int cmd_rm(int argc, char **argv)
{
	if (argc != 2) {
		return shell_usage("rm");
	}
	return unlink(argv[1]) < 0 ? shell_error_path("rm", argv[1], errno) : 0;
}

static int cmd_mv(int argc, char **argv)
{
	char target[PATH_MAX];
	const char *to;
	struct stat st;

	if (argc != 3) {
		return shell_usage("mv");
	}
	to = argv[2];
	if (stat(to, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!join_path(to, base_name(argv[1]), target)) {
			return shell_error_path("mv", to, ENAMETOOLONG);
		}
		to = target;
	}
	return rename(argv[1], to) < 0 ? shell_error_path("mv", argv[1], errno) : 0;
}

static const char *type_name(mode_t mode)
{
	if (S_ISREG(mode)) {
		return "regular file";
	}
	if (S_ISDIR(mode)) {
		return "directory";
	}
	return S_ISLNK(mode) ? "symbolic link" : "unknown";
}

static int cmd_stat(int argc, char **argv)
{
	struct stat st;
	struct tm tm;
	time_t mtime;

	if (argc != 2) {
		return shell_usage("stat");
	}
	if (stat(argv[1], &st) < 0) {
		return shell_error_path("stat", argv[1], errno);
	}
	mtime = st.st_mtime;
	gmtime_r(&mtime, &tm);
	printf("  File: %s\n", argv[1]);
	printf("  Size: %lld  Blocks: %llu  Links: %u\n", (long long)st.st_size,
	       (unsigned long long)st.st_blocks, st.st_nlink);
	printf("  Type: %s\n", type_name(st.st_mode));
	printf("Inode: %llu  Mode: %04o\n", (unsigned long long)st.st_ino,
	       (unsigned int)(st.st_mode & PERM_MASK));
	printf("Modify: %04d-%02d-%02d %02d:%02d:%02d\n", tm.tm_year + 1900, tm.tm_mon + 1,
	       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

const struct shell_cmd shell_file_cmds[] = {
	{"ls", "ls [-l] [PATH]", "list a directory, sorted by name", cmd_ls},
	{"cat", "cat PATH...", "print files", cmd_cat},
	{"write", "write PATH TEXT...", "replace PATH with the words and a newline", cmd_write},
	{"append", "append PATH TEXT...", "append the words and a newline to PATH", cmd_append},
	{"cp", "cp SRC DST", "copy a file", cmd_cp},
	{"mkdir", "mkdir PATH", "make a directory", cmd_mkdir},
	{"rmdir", "rmdir PATH", "remove an empty directory", cmd_rmdir},
	{"rm", "rm PATH", "remove a file", cmd_rm},
	{"mv", "mv FROM TO", "rename or move a file or directory", cmd_mv},
	{"stat", "stat PATH", "size, blocks, links, type, inode, mode and time of PATH", cmd_stat},
	{NULL, NULL, NULL, NULL},
};
