// SPDX-License-Identifier: MIT
/*
 * hexdump.c - the shell's commands that read a file to show it: hexdump
 * (`hexdump -C` format, hexfmt.c) and sha256 (`sha256sum` format). Built
 * with CONFIG_VFS. Both read in chunks, so files of any size work.
 */
#include <stdint.h>
#include <toro/errno.h>
#include <toro/fs.h>
#include <toro/mem.h>
#include <toro/sha256.h>
#include <toro/stdio.h>
#include "hexfmt.h"
#include "shell.h"

#define CHUNK (64 * 1024)

static void emit_console(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	shell_write(s, n);
}

/* Read @path from @offset, at most @len bytes, handing each chunk to @fn. 0 or 1 (reported). */
static int read_each(const char *cmd, const char *path, uint64_t offset, uint64_t len,
		     void (*fn)(void *ctx, const uint8_t *buf, size_t n), void *ctx)
{
	uint8_t *buf = malloc(CHUNK);
	int fd, ret = 0;

	if (!buf) {
		return shell_error_path(cmd, path, ENOMEM);
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		ret = shell_error_path(cmd, path, errno);
		goto out_free;
	}
	if (offset && lseek(fd, (off_t)offset, SEEK_SET) < 0) {
		ret = shell_error_path(cmd, path, errno);
		goto out_close;
	}
	while (len) {
		size_t want = len < CHUNK ? (size_t)len : CHUNK;
		ssize_t got = read(fd, buf, want);

		if (got < 0) {
			ret = shell_error_path(cmd, path, errno);
			break;
		}
		if (got == 0) {
			break;
		}
		fn(ctx, buf, (size_t)got);
		len -= (uint64_t)got;
	}
out_close:
	close(fd);
out_free:
	free(buf);
	return ret;
}

static void hexdump_chunk(void *ctx, const uint8_t *buf, size_t n)
{
	hexfmt_feed(ctx, buf, n);
}

static int cmd_hexdump(int argc, char **argv)
{
	unsigned long long offset = 0, len = UINT64_MAX;
	struct stat st;
	struct hexfmt h;
	int ret;

	if (argc < 2 || argc > 4 || (argc > 2 && !shell_parse_u64(argv[2], &offset)) ||
	    (argc > 3 && !shell_parse_u64(argv[3], &len))) {
		return shell_usage("hexdump");
	}
	if (stat(argv[1], &st) < 0) {
		return shell_error_path("hexdump", argv[1], errno);
	}
	if (S_ISDIR(st.st_mode)) {
		return shell_error_path("hexdump", argv[1], EISDIR);
	}
	hexfmt_init(&h, offset, emit_console, NULL);
	ret = read_each("hexdump", argv[1], offset, len, hexdump_chunk, &h);
	if (h.offset == offset && !h.fill && offset && len) {
		/* Nothing past the end: hexdump -s names where the file ends. */
		printf("%08llx\n",
		       (unsigned long long)(offset < (uint64_t)st.st_size ? offset
									  : (uint64_t)st.st_size));
		return ret;
	}
	hexfmt_end(&h);
	return ret;
}

static void sha256_chunk(void *ctx, const uint8_t *buf, size_t n)
{
	sha256_update(ctx, buf, n);
}

static int cmd_sha256(int argc, char **argv)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	struct stat st;

	if (argc != 2) {
		return shell_usage("sha256");
	}
	if (stat(argv[1], &st) < 0) {
		return shell_error_path("sha256", argv[1], errno);
	}
	if (S_ISDIR(st.st_mode)) {
		return shell_error_path("sha256", argv[1], EISDIR);
	}
	sha256_init(&ctx);
	if (read_each("sha256", argv[1], 0, UINT64_MAX, sha256_chunk, &ctx)) {
		return 1;
	}
	sha256_final(&ctx, digest);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		printf("%02x", digest[i]);
	}
	printf("  %s\n", argv[1]);
	return 0;
}

const struct shell_cmd shell_dump_cmds[] = {
	{"hexdump", "hexdump PATH [OFFSET [LEN]]", "a file in hexdump -C format", cmd_hexdump},
	{"sha256", "sha256 PATH", "a file's SHA-256, as sha256sum prints it", cmd_sha256},
	{NULL, NULL, NULL, NULL},
};
