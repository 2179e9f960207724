/* SPDX-License-Identifier: MIT */
/*
 * test_hexfmt.c - apps/shell/hexfmt.c against the host's `hexdump -C` (util-linux or
 * BSD hexdump from bsdmainutils) as the oracle.
 *
 * Files with runs of equal lines (squeezed to "*"), text and random bytes, of lengths
 * around the line size, dumped whole and from offsets (hexdump -s/-n), fed to
 * hexfmt_feed() in random pieces.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "host_rename.h"
#include "../../../../apps/shell/hexfmt.h"
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

#define OUT_MAX (1 << 20)

struct capture {
	char *buf;
	size_t len;
};

static void emit(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	if (c->len + n < OUT_MAX) {
		memcpy(c->buf + c->len, s, n);
	}
	c->len += n;
}

/* hexdump -C [-s off -n len] of @data; NULL if the tool cannot run. */
static char *oracle(const uint8_t *data, size_t size, size_t off, size_t len, bool whole)
{
	char path[] = "/tmp/toro-hexfmt-XXXXXX";
	char cmd[128];
	char *out = calloc(1, OUT_MAX);
	int fd = mkstemp(path);
	size_t got = 0;
	FILE *p;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		return NULL;
	}
	close(fd);
	if (whole) {
		snprintf(cmd, sizeof(cmd), "hexdump -C %s", path);
	} else {
		snprintf(cmd, sizeof(cmd), "hexdump -C -s %zu -n %zu %s", off, len, path);
	}
	p = popen(cmd, "r");
	if (p) {
		got = fread(out, 1, OUT_MAX - 1, p);
		if (pclose(p) != 0) {
			got = 0;
		}
	}
	unlink(path);
	out[got] = '\0';
	return p && got ? out : (free(out), NULL);
}

static void check_dump(const uint8_t *data, size_t size, size_t off, size_t len, bool whole)
{
	struct capture c = {calloc(1, OUT_MAX), 0};
	char *want = oracle(data, size, off, len, whole);
	struct hexfmt h;
	size_t end = whole ? size : (off + len < size ? off + len : size);
	size_t at = whole ? 0 : off;

	hexfmt_init(&h, at, emit, &c);
	while (at < end) {
		size_t piece = 1 + (size_t)rand() % 40;

		if (piece > end - at) {
			piece = end - at;
		}
		hexfmt_feed(&h, data + at, piece);
		at += piece;
	}
	hexfmt_end(&h);
	if (CHECK_MSG(want != NULL, "hexdump failed (size %zu)", size)) {
		CHECK_MSG(c.len == strlen(want) && memcmp(c.buf, want, c.len) == 0,
			  "size %zu off %zu len %zu whole %d:\n--- got\n%.*s--- want\n%s", size,
			  off, len, whole, (int)c.len, c.buf, want);
	}
	free(want);
	free(c.buf);
}

/* Some lines of zeros, some of text, some random, in runs. */
static void fill(uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		size_t line = i / 16;

		if (line % 7 < 3) {
			data[i] = 0;
		} else if (line % 7 < 5) {
			data[i] = (uint8_t)("Hello, Toro! \x01\x7f\xff"[i % 16]);
		} else {
			data[i] = (uint8_t)rand();
		}
	}
}

int main(void)
{
	static const size_t sizes[] = {1, 5, 15, 16, 17, 31, 32, 33, 47, 48, 49, 100, 257, 1000};
	uint8_t *data = malloc(4096);

	srand(16);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(data, sizes[i]);
		check_dump(data, sizes[i], 0, 0, true);
		check_dump(data, sizes[i], sizes[i] / 3, sizes[i] / 2 + 1, false);
	}
	fill(data, 4096);
	check_dump(data, 4096, 0, 0, true);
	check_dump(data, 4096, 5, 3000, false);
	free(data);
	return harness_report();
}
