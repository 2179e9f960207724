// SPDX-License-Identifier: MIT
/*
 * test_initrd.c - the initrd library (fs/initrd/cpio.c and initrd.c) on archives made
 * by the host's `cpio -o -H newc` (nested directories, a few hundred KiB of random
 * bytes, a symbolic link, a hard link, an empty file) and on archives built here
 * byte by byte: directories only implied by paths, odd path spellings, duplicates,
 * 070702 checksums, concatenated archives, and corrupt ones (bad magic, compressed,
 * bad hex, sizes past the end, names without their NUL, "..", a path through a file).
 * Every prefix of a valid archive and random byte changes must give 0 or -EINVAL,
 * never a crash (AddressSanitizer watches every read).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include <kernel/errno.h>
#include "../../../../fs/initrd/initrd.h"

#define BIG_SIZE (300 * 1024 + 7)
#define FUZZ_ROUNDS 3000

/* The library allocates with Toro's malloc(); on the host that is glibc's. */
void *toro_malloc(size_t n);
void toro_free(void *p);
void *toro_realloc(void *p, size_t n);

void *toro_realloc(void *p, size_t n)
{
	return realloc(p, n);
}

void *toro_malloc(size_t n)
{
	return malloc(n);
}

void toro_free(void *p)
{
	free(p);
}

static char tmpdir[64] = "/tmp/toro-initrd-XXXXXX";

/* --- archives built here ---------------------------------------------------------- */

struct archive {
	uint8_t *buf;
	size_t len;
	size_t cap;
};

static void put(struct archive *a, const void *p, size_t n)
{
	if (n == 0) {
		return;
	}
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 1024;
		a->buf = realloc(a->buf, a->cap);
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void pad4(struct archive *a)
{
	static const uint8_t zeros[4];

	put(a, zeros, (4 - a->len % 4) % 4);
}

/* One newc entry; @magic "070701" or "070702" (then c_check is the data's sum). */
static void put_entry_magic(struct archive *a, const char *magic, const char *name,
			    unsigned int mode, unsigned int nlink, unsigned int ino,
			    const void *data, size_t size)
{
	char h[128];
	unsigned int sum = 0;

	for (size_t i = 0; strcmp(magic, "070702") == 0 && i < size; i++) {
		sum += ((const uint8_t *)data)[i];
	}
	snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, ino,
		 mode, 0, 0, nlink, 1700000000u, (unsigned int)size, 0, 0, 0, 0,
		 (unsigned int)strlen(name) + 1, sum);
	put(a, h, 110);
	put(a, name, strlen(name) + 1);
	pad4(a);
	put(a, data, size);
	pad4(a);
}

static void put_entry(struct archive *a, const char *name, unsigned int mode, const char *text)
{
	put_entry_magic(a, "070701", name, mode, 1, 0, text, text ? strlen(text) : 0);
}

static void put_trailer(struct archive *a)
{
	put_entry(a, CPIO_TRAILER, 0, NULL);
}

static int parse(struct initrd *rd, const struct archive *a, struct initrd_error *err)
{
	return initrd_parse(rd, a->buf, a->len, err);
}

/* The file at @path must hold @text. */
static void check_file(const struct initrd *rd, const char *path, const char *text)
{
	char buf[256];
	long node = initrd_lookup(rd, path);

	CHECK_MSG(node >= 0, "%s: %ld", path, node);
	if (node < 0) {
		return;
	}
	CHECK_EQ(initrd_read(rd, (uint32_t)node, 0, buf, sizeof(buf)), (long)strlen(text));
	CHECK_MEMEQ(buf, text, strlen(text));
}

/* --- archives from the host's cpio ----------------------------------------------- */

static void shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void shell(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		printf("command failed: %s\n", cmd);
		exit(1);
	}
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint8_t *host_archive(size_t *len)
{
	char path[128];
	uint8_t *big = malloc(BIG_SIZE);
	FILE *f;

	srand(12345);
	for (size_t i = 0; i < BIG_SIZE; i++) {
		big[i] = (uint8_t)rand();
	}
	shell("mkdir -p %s/root/etc/deep/er/still %s/root/empty", tmpdir, tmpdir);
	snprintf(path, sizeof(path), "%s/root/data.bin", tmpdir);
	f = fopen(path, "wb");
	fwrite(big, 1, BIG_SIZE, f);
	fclose(f);
	free(big);
	shell("printf 'hello initrd\\n' >%s/root/etc/motd", tmpdir);
	shell("printf 'bottom\\n' >%s/root/etc/deep/er/still/leaf.txt", tmpdir);
	shell(": >%s/root/etc/zero", tmpdir);
	shell("ln -s etc/motd %s/root/motd-link", tmpdir);
	shell("ln %s/root/etc/motd %s/root/hard-motd", tmpdir, tmpdir);
	shell("cd %s/root && find . | LC_ALL=C sort | cpio -o -H newc --quiet >../root.cpio",
	      tmpdir);
	snprintf(path, sizeof(path), "%s/root.cpio", tmpdir);
	return slurp(path, len);
}

static void check_dir_lists(const struct initrd *rd, const char *path, const char *names)
{
	char got[512] = "";
	long dir = initrd_lookup(rd, path);

	CHECK_MSG(dir >= 0 && initrd_is_dir(rd, (uint32_t)dir), "%s", path);
	if (dir < 0) {
		return;
	}
	for (uint32_t c = rd->nodes[dir].first_child; c != INITRD_NONE;
	     c = rd->nodes[c].next_sibling) {
		strncat(got, rd->nodes[c].name, rd->nodes[c].name_len);
		strcat(got, " ");
	}
	CHECK_STREQ(got, names);
}

static void test_host_archive(void)
{
	struct initrd rd;
	struct initrd_error err = {0};
	size_t len, big_len;
	uint8_t *img = host_archive(&len);
	char path[128], buf[64];
	uint8_t *expect, *got;
	long node;

	CHECK_EQ(initrd_parse(&rd, img, len, &err), 0);
	if (err.what) {
		printf("error at %zu: %s\n", err.offset, err.what);
	}
	snprintf(path, sizeof(path), "%s/root/data.bin", tmpdir);
	expect = slurp(path, &big_len);
	node = initrd_lookup(&rd, "/data.bin");
	CHECK(node > 0);
	CHECK_EQ(rd.nodes[node].size, BIG_SIZE);
	/* Served from the archive itself, no copy. */
	CHECK(rd.nodes[node].data > img && rd.nodes[node].data + BIG_SIZE <= img + len);
	got = malloc(BIG_SIZE);
	/* Read in odd-sized pieces, as a reader with a small buffer would. */
	for (size_t off = 0; off < BIG_SIZE; off += 4093) {
		long n = initrd_read(&rd, (uint32_t)node, off, got + off, 4093);

		CHECK_EQ(n, off + 4093 <= BIG_SIZE ? 4093 : BIG_SIZE - off);
	}
	CHECK_MEMEQ(got, expect, BIG_SIZE);
	CHECK_EQ(initrd_read(&rd, (uint32_t)node, BIG_SIZE, got, 10), 0);
	CHECK_EQ(initrd_read(&rd, (uint32_t)node, (uint64_t)1 << 40, got, 10), 0);
	free(got);
	free(expect);

	check_file(&rd, "etc/motd", "hello initrd\n");
	check_file(&rd, "/etc/deep/er/still/leaf.txt", "bottom\n");
	check_file(&rd, "/etc/deep/../deep/./er//still/leaf.txt", "bottom\n");
	check_file(&rd, "/hard-motd", "hello initrd\n");
	check_file(&rd, "/etc/zero", "");
	check_dir_lists(&rd, "/", "data.bin empty etc hard-motd motd-link ");
	/* GNU cpio writes hard-linked files last: archive order, not name order. */
	check_dir_lists(&rd, "/etc", "deep zero motd ");
	check_dir_lists(&rd, "/empty", "");

	node = initrd_lookup(&rd, "/motd-link");
	CHECK(node > 0 && (rd.nodes[node].mode & CPIO_S_IFMT) == CPIO_S_IFLNK);
	CHECK_EQ(initrd_readlink(&rd, (uint32_t)node, buf, sizeof(buf)), 8);
	CHECK_STREQ(buf, "etc/motd");
	CHECK_EQ(initrd_read(&rd, (uint32_t)node, 0, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(initrd_readlink(&rd, INITRD_ROOT, buf, sizeof(buf)), -EINVAL);

	CHECK_EQ(initrd_lookup(&rd, "/"), INITRD_ROOT);
	CHECK_EQ(initrd_lookup(&rd, ""), INITRD_ROOT);
	CHECK_EQ(initrd_lookup(&rd, "/.."), INITRD_ROOT);
	CHECK_EQ(initrd_lookup(&rd, "/nope"), -ENOENT);
	CHECK_EQ(initrd_lookup(&rd, "/etc/motd/x"), -ENOTDIR);
	CHECK_EQ(initrd_read(&rd, INITRD_ROOT, 0, buf, 1), -EISDIR);
	CHECK_EQ(rd.files, 5); /* data.bin, motd, leaf.txt, zero, hard-motd */
	CHECK_EQ(rd.links, 1);
	CHECK_EQ(rd.dirs, 6); /* /, empty, etc, deep, er, still */
	CHECK_EQ(rd.file_bytes, BIG_SIZE + 2 * strlen("hello initrd\n") + strlen("bottom\n"));
	/* Directory link counts: 2 + subdirectories. */
	CHECK_EQ(rd.nodes[initrd_lookup(&rd, "/etc")].nlink, 3);
	initrd_release(&rd);
	free(img);
}

/* --- generated archives ------------------------------------------------------------ */

static void test_implied_dirs_and_paths(void)
{
	struct archive a = {0};
	struct initrd rd;
	struct initrd_error err = {0};
	long node;

	put_entry(&a, "x/y/z.txt", CPIO_S_IFREG | 0644, "zed\n");
	put_entry(&a, "./dot/file", CPIO_S_IFREG | 0600, "dot\n");
	put_entry(&a, "/abs//path/", CPIO_S_IFDIR | 0700, NULL);
	put_entry(&a, ".", CPIO_S_IFDIR | 0711, NULL);
	put_entry(&a, "dup", CPIO_S_IFREG | 0644, "first\n");
	put_entry(&a, "dup", CPIO_S_IFREG | 0644, "second\n");
	put_entry(&a, "x", CPIO_S_IFDIR | 0750, NULL); /* explicit after implied */
	put_trailer(&a);
	CHECK_EQ(parse(&rd, &a, &err), 0);
	check_file(&rd, "/x/y/z.txt", "zed\n");
	check_file(&rd, "/dot/file", "dot\n");
	check_file(&rd, "/dup", "second\n");
	node = initrd_lookup(&rd, "/x/y");
	CHECK(node > 0 && initrd_is_dir(&rd, (uint32_t)node));
	CHECK_EQ(rd.nodes[node].mode, CPIO_S_IFDIR | 0755);
	CHECK_EQ(rd.nodes[initrd_lookup(&rd, "/x")].mode, CPIO_S_IFDIR | 0750);
	CHECK_EQ(rd.nodes[initrd_lookup(&rd, "/abs/path")].mode, CPIO_S_IFDIR | 0700);
	CHECK_EQ(rd.nodes[INITRD_ROOT].mode, CPIO_S_IFDIR | 0711);
	CHECK_EQ(rd.files, 3);
	check_dir_lists(&rd, "/", "x dot abs dup ");
	initrd_release(&rd);
	free(a.buf);
}

static void test_checksum_and_concatenation(void)
{
	struct archive a = {0};
	struct initrd rd;
	struct initrd_error err = {0};
	static const uint8_t zeros[512];

	put_entry_magic(&a, "070702", "sum.txt", CPIO_S_IFREG | 0644, 1, 5, "checked\n", 8);
	put_trailer(&a);
	put(&a, zeros, sizeof(zeros)); /* block padding, as cpio writes it */
	put_entry(&a, "second.txt", CPIO_S_IFREG | 0644, "from the 2nd archive\n");
	put_trailer(&a);
	CHECK_EQ(parse(&rd, &a, &err), 0);
	check_file(&rd, "/sum.txt", "checked\n");
	check_file(&rd, "/second.txt", "from the 2nd archive\n");
	initrd_release(&rd);

	/* One wrong data byte under a 070702 header. */
	a.buf[110 + 8 + 4] ^= 1; /* header, "sum.txt\0", 4-byte aligned: 118 -> 120 */
	CHECK_EQ(parse(&rd, &a, &err), -EINVAL);
	CHECK_STREQ(err.what, "checksum mismatch (070702 entry)");
	free(a.buf);
}

static void test_hard_link_data_first(void)
{
	struct archive a = {0};
	struct initrd rd;
	struct initrd_error err = {0};

	/* The data with the first link this time (GNU cpio puts it on the last). */
	put_entry_magic(&a, "070701", "one", CPIO_S_IFREG | 0644, 2, 77, "shared\n", 7);
	put_entry_magic(&a, "070701", "two", CPIO_S_IFREG | 0644, 2, 77, NULL, 0);
	put_entry_magic(&a, "070701", "other", CPIO_S_IFREG | 0644, 2, 78, NULL, 0);
	put_trailer(&a);
	CHECK_EQ(parse(&rd, &a, &err), 0);
	check_file(&rd, "/two", "shared\n");
	check_file(&rd, "/other", "");
	initrd_release(&rd);
	free(a.buf);
}

/* @a must be refused with a message that starts with @what. */
static void expect_corrupt(const struct archive *a, const char *what, int line)
{
	struct initrd rd;
	struct initrd_error err = {0};
	int ret = parse(&rd, a, &err);

	harness_check(ret == -EINVAL, __FILE__, line, "parse returned %d, not -EINVAL", ret);
	harness_check(err.what && strncmp(err.what, what, strlen(what)) == 0, __FILE__, line,
		      "error \"%s\", expected \"%s\"", err.what ? err.what : "(none)", what);
	if (ret == 0) {
		initrd_release(&rd);
	}
}

static struct archive good_archive(void)
{
	struct archive a = {0};

	put_entry(&a, "dir/file", CPIO_S_IFREG | 0644, "contents\n");
	put_trailer(&a);
	return a;
}

static void test_corrupt(void)
{
	struct archive a;

	a = good_archive();
	memcpy(a.buf, "070703", 6);
	expect_corrupt(&a, "bad magic", __LINE__);
	memcpy(a.buf, "070707", 6);
	expect_corrupt(&a, "old portable (odc)", __LINE__);
	memcpy(a.buf, "\x1f\x8b\x08\x00", 4);
	expect_corrupt(&a, "gzip-compressed", __LINE__);
	memcpy(a.buf, "070701", 6);
	a.buf[6 + 3] = 'g'; /* c_ino */
	expect_corrupt(&a, "bad hexadecimal", __LINE__);
	free(a.buf);

	a = good_archive();
	memcpy(a.buf + 6 + CPIO_FILESIZE * 8, "7FFFFFF0", 8);
	expect_corrupt(&a, "truncated: file data past the end", __LINE__);
	memcpy(a.buf + 6 + CPIO_FILESIZE * 8, "FFFFFFFF", 8);
	expect_corrupt(&a, "truncated: file data past the end", __LINE__);
	free(a.buf);

	a = good_archive();
	memcpy(a.buf + 6 + CPIO_NAMESIZE * 8, "00001000", 8);
	expect_corrupt(&a, "truncated: name past the end", __LINE__);
	memcpy(a.buf + 6 + CPIO_NAMESIZE * 8, "FFFFFFFF", 8);
	expect_corrupt(&a, "name longer than", __LINE__);
	memcpy(a.buf + 6 + CPIO_NAMESIZE * 8, "00000000", 8);
	expect_corrupt(&a, "entry without a name", __LINE__);
	memcpy(a.buf + 6 + CPIO_NAMESIZE * 8, "00000004", 8); /* "dir/" has no NUL */
	expect_corrupt(&a, "name not NUL-terminated", __LINE__);
	free(a.buf);

	a = good_archive();
	a.len -= 124; /* the whole trailer entry */
	expect_corrupt(&a, "truncated: header past the end", __LINE__);
	a.len = 0;
	expect_corrupt(&a, "truncated", __LINE__);
	free(a.buf);

	a = (struct archive){0};
	put_entry(&a, "../escape", CPIO_S_IFREG | 0644, "x");
	put_trailer(&a);
	expect_corrupt(&a, "a path contains \"..\"", __LINE__);
	free(a.buf);

	a = (struct archive){0};
	put_entry(&a, "f", CPIO_S_IFREG | 0644, "x");
	put_entry(&a, "f/g", CPIO_S_IFREG | 0644, "y");
	put_trailer(&a);
	expect_corrupt(&a, "a path goes through a file", __LINE__);
	free(a.buf);

	a = (struct archive){0};
	put_entry(&a, "d/e", CPIO_S_IFREG | 0644, "x");
	put_entry(&a, "d", CPIO_S_IFREG | 0644, "y");
	put_trailer(&a);
	expect_corrupt(&a, "a file replaces a directory", __LINE__);
	free(a.buf);

	a = (struct archive){0};
	put_entry(&a, ".", CPIO_S_IFREG | 0644, "y");
	put_trailer(&a);
	expect_corrupt(&a, "the root", __LINE__);
	free(a.buf);

	a = (struct archive){0};
	put_entry(&a, "l", CPIO_S_IFLNK | 0777, NULL);
	put_trailer(&a);
	expect_corrupt(&a, "a symbolic link with an empty", __LINE__);
	free(a.buf);
}

/* Every prefix of a valid archive: refused until the trailer is whole, never a crash. */
static void test_every_prefix(const uint8_t *img, size_t len, size_t complete)
{
	unsigned int bad = 0;

	for (size_t n = 0; n <= len; n++) {
		/* A copy of exactly n bytes, so ASan sees any read past them. */
		uint8_t *copy = malloc(n ? n : 1);
		struct initrd rd;
		struct initrd_error err = {0};
		int ret;

		memcpy(copy, img, n);
		ret = initrd_parse(&rd, copy, n, &err);
		if (ret == 0) {
			initrd_release(&rd);
		}
		if (ret != (n < complete ? -EINVAL : 0) || (ret && !err.what)) {
			if (bad++ < 5) {
				printf("prefix of %zu bytes: %d\n", n, ret);
			}
		}
		free(copy);
	}
	CHECK_EQ(bad, 0);
}

/* Random byte changes: 0 or -EINVAL with a reason, nothing else. */
static void test_fuzz(const uint8_t *img, size_t len)
{
	uint8_t *copy = malloc(len);
	unsigned int bad = 0;

	srand(4242);
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		struct initrd rd;
		struct initrd_error err = {0};
		int ret;

		memcpy(copy, img, len);
		for (int k = 0; k < 1 + rand() % 4; k++) {
			size_t at = (size_t)rand() % len;

			copy[at] = rand() % 2 ? (uint8_t)rand()
					      : (uint8_t) "0123456789abcdef/"[rand() % 17];
		}
		ret = initrd_parse(&rd, copy, len, &err);
		if (ret == 0) {
			for (uint32_t i = 0; i < rd.count; i++) {
				char buf[64];

				initrd_read(&rd, i, 0, buf, sizeof(buf));
			}
			initrd_release(&rd);
		} else if (ret != -EINVAL || !err.what) {
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	free(copy);
}

static void test_truncation_and_fuzz(void)
{
	struct archive a = {0};
	size_t complete;

	put_entry(&a, "a/b/c", CPIO_S_IFREG | 0644, "some file data\n");
	put_entry(&a, "a/l", CPIO_S_IFLNK | 0777, "b/c");
	put_entry_magic(&a, "070702", "s", CPIO_S_IFREG | 0644, 1, 9, "summed", 6);
	put_trailer(&a);
	complete = a.len;
	put(&a, "\0\0\0\0\0\0\0\0", 8);
	test_every_prefix(a.buf, a.len, complete);
	test_fuzz(a.buf, a.len);
	free(a.buf);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_host_archive();
	test_implied_dirs_and_paths();
	test_checksum_and_concatenation();
	test_hard_link_data_first();
	test_corrupt();
	test_truncation_and_fuzz();
	shell("rm -rf %s", tmpdir);
	return harness_report();
}
