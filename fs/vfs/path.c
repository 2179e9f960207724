// SPDX-License-Identifier: MIT
/*
 * path.c - path names: normalisation to an absolute path without ".", ".." or repeated
 * '/', and the working directory it starts from.
 *
 * The walk is lexical ("a/b/.." is "a" whether or not b exists), as there are no
 * symbolic links; ".." of "/" is "/". POSIX limits: a name longer than NAME_MAX, or a
 * path (given or resulting) of PATH_MAX bytes or more, is ENAMETOOLONG; "" is ENOENT.
 *
 * The working directory is global (one application, many threads). chdir() writes it
 * on CPU 0 under a sequence count; readers on any CPU copy it and retry if it moved.
 */
#include <kernel/errno.h>
#include <toro/string.h>
#include <toro/thread.h>

#include "vfs_priv.h"

static uint32_t cwd_seq;
static char cwd[PATH_MAX] = "/";

/* Appends /@name (@len bytes) to @out holding *@used bytes; -ENAMETOOLONG if no room. */
static int path_push(char *out, size_t size, size_t *used, const char *name, size_t len)
{
	if (len > NAME_MAX || *used + 1 + len + 1 > size) {
		return -ENAMETOOLONG;
	}
	out[(*used)++] = '/';
	memcpy(out + *used, name, len);
	*used += len;
	out[*used] = '\0';
	return 0;
}

/* Drops the last name of @out (which is absolute, "" standing for "/"). */
static void path_pop(char *out, size_t *used)
{
	while (*used > 0 && out[*used - 1] != '/') {
		(*used)--;
	}
	if (*used > 0) {
		(*used)--;
	}
	out[*used] = '\0';
}

/* Walks the names of @path onto @out; @must_dir tells if the last one needs a directory. */
static int path_walk(const char *path, char *out, size_t size, size_t *used, bool *must_dir)
{
	const char *p = path;
	int err;

	*must_dir = false;
	while (*p) {
		const char *name = p;
		size_t len;

		while (*p && *p != '/') {
			p++;
		}
		len = (size_t)(p - name);
		*must_dir = len == 0 || (len == 1 && name[0] == '.') ||
			    (len == 2 && name[0] == '.' && name[1] == '.');
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			path_pop(out, used);
		} else if (len > 1 || (len == 1 && name[0] != '.')) {
			err = path_push(out, size, used, name, len);
			if (err) {
				return err;
			}
		}
		while (*p == '/') {
			p++;
		}
		/* "a/" ends on a separator: the last name must be a directory. */
		if (!*p && p > path && p[-1] == '/') {
			*must_dir = true;
		}
	}
	return 0;
}

/**
 * vfs_path_normalize() - @path (absolute, or relative to @cwd, itself normalised) as an
 * absolute normalised path in @out of @size bytes. *@must_dir (if not NULL) is set when
 * the path ends in '/', "." or "..". Returns the length, -ENOENT for "", -ENAMETOOLONG.
 */
int vfs_path_normalize(const char *cwd_path, const char *path, char *out, size_t size,
		       bool *must_dir)
{
	size_t used = 0;
	bool dir;
	int err;

	if (size < 2) {
		return -ENAMETOOLONG;
	}
	if (!path[0]) {
		return -ENOENT;
	}
	if (strnlen(path, PATH_MAX) >= PATH_MAX) {
		return -ENAMETOOLONG;
	}
	out[0] = '\0';
	if (path[0] != '/') {
		err = path_walk(cwd_path, out, size, &used, &dir);
		if (err) {
			return err;
		}
	}
	err = path_walk(path, out, size, &used, &dir);
	if (err) {
		return err;
	}
	if (used == 0) {
		out[used++] = '/';
		out[used] = '\0';
	}
	if (must_dir) {
		*must_dir = dir;
	}
	return (int)used;
}

void vfs_cwd_get(char *buf)
{
	uint32_t seq;

	do {
		while ((seq = __atomic_load_n(&cwd_seq, __ATOMIC_ACQUIRE)) & 1) {
			thread_yield();
		}
		memcpy(buf, cwd, PATH_MAX);
		/* Order the copy before the second read of the count (seqlock read side). */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&cwd_seq, __ATOMIC_RELAXED) != seq);
	buf[PATH_MAX - 1] = '\0';
}

static long cwd_write(void *arg)
{
	vfs_seq_write_begin(&cwd_seq);
	strlcpy(cwd, arg, sizeof(cwd));
	vfs_seq_write_end(&cwd_seq);
	return 0;
}

/* Sets the working directory to @abs (normalised); written on CPU 0 only. */
int vfs_cwd_set(const char *abs)
{
	return (int)xcall(0, cwd_write, (void *)abs);
}
