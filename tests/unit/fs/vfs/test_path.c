// SPDX-License-Identifier: MIT
/*
 * test_path.c - fs/vfs/path.c: normalising paths (absolute, relative to a working
 * directory, ".", "..", repeated and trailing '/') and the POSIX length limits.
 */
#include "harness.h"

#include <stdbool.h>
#include <stdlib.h>

#include <kernel/errno.h>
#include "host_rename.h"
#include <toro/fs.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

int vfs_path_normalize(const char *cwd, const char *path, char *out, size_t size, bool *must_dir);

/* Normalises @path from @cwd and checks the result (or the error @want_err). */
static void check_path(const char *cwd, const char *path, const char *want, int want_err,
		       int want_dir, int line)
{
	char out[PATH_MAX];
	bool must_dir = false;
	int ret = vfs_path_normalize(cwd, path, out, sizeof(out), &must_dir);

	if (want) {
		harness_check(ret == (int)strlen(want) && strcmp(out, want) == 0, __FILE__, line,
			      "\"%s\" from \"%s\": got %d \"%s\", want \"%s\"", path, cwd, ret,
			      ret >= 0 ? out : "", want);
		harness_check(must_dir == want_dir, __FILE__, line, "must_dir of \"%s\": %d", path,
			      must_dir);
	} else {
		harness_check(ret == want_err, __FILE__, line, "\"%s\": got %d, want %d", path, ret,
			      want_err);
	}
}

#define OK(cwd, path, want, dir) check_path(cwd, path, want, 0, dir, __LINE__)
#define ERR(cwd, path, err) check_path(cwd, path, NULL, err, 0, __LINE__)

static void test_absolute(void)
{
	OK("/", "/", "/", 1);
	OK("/", "/a", "/a", 0);
	OK("/", "/a/b/c", "/a/b/c", 0);
	OK("/", "//a///b//", "/a/b", 1);
	OK("/", "/a/./b/.", "/a/b", 1);
	OK("/", "/a/b/..", "/a", 1);
	OK("/", "/a/b/../../..", "/", 1);
	OK("/", "/..", "/", 1);
	OK("/", "/a/../b/./c/../d", "/b/d", 0);
	OK("/", "/.hidden/..x/...", "/.hidden/..x/...", 0);
	OK("/x/y", "/a", "/a", 0);
}

static void test_relative(void)
{
	OK("/", "a", "/a", 0);
	OK("/d", "a", "/d/a", 0);
	OK("/d/e", "../f", "/d/f", 0);
	OK("/d/e", "../../../../f", "/f", 0);
	OK("/d", ".", "/d", 1);
	OK("/d", "..", "/", 1);
	OK("/d", "./x/", "/d/x", 1);
	ERR("/d", "", -ENOENT);
}

static void test_limits(void)
{
	char *name = malloc(PATH_MAX + 2);
	char out[8];

	/* A name of NAME_MAX bytes is fine, one more is not. */
	name[0] = '/';
	memset(name + 1, 'n', NAME_MAX);
	name[NAME_MAX + 1] = '\0';
	{
		char full[PATH_MAX];

		CHECK_EQ(vfs_path_normalize("/", name, full, sizeof(full), NULL), NAME_MAX + 1);
	}
	memset(name + 1, 'n', NAME_MAX + 1);
	name[NAME_MAX + 2] = '\0';
	ERR("/", name, -ENAMETOOLONG);

	/* A path of PATH_MAX bytes or more (without its NUL) is too long, even if it shrinks. */
	memset(name, '/', PATH_MAX);
	name[PATH_MAX] = '\0';
	ERR("/", name, -ENAMETOOLONG);
	name[PATH_MAX - 1] = '\0';
	OK("/", name, "/", 1);

	/* The result must fit too: many names of 200 bytes. */
	for (int i = 0; i < PATH_MAX; i++) {
		name[i] = i % 201 == 0 ? '/' : 'x';
	}
	name[PATH_MAX - 1] = '\0';
	{
		char full[PATH_MAX];

		CHECK(vfs_path_normalize("/", name, full, sizeof(full), NULL) > 0);
		/* From a deep working directory the same path no longer fits. */
		CHECK_EQ(vfs_path_normalize("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", name + 1, full,
					    sizeof(full), NULL),
			 -ENAMETOOLONG);
	}
	/* A small output buffer. */
	CHECK_EQ(vfs_path_normalize("/", "/abcdefgh", out, sizeof(out), NULL), -ENAMETOOLONG);
	CHECK_EQ(vfs_path_normalize("/", "/abcdef", out, sizeof(out), NULL), 7);
	free(name);
}

int main(void)
{
	test_absolute();
	test_relative();
	test_limits();
	return harness_report();
}
