/* SPDX-License-Identifier: MIT */
/*
 * hexfmt.h - `hexdump -C` output, fed in pieces (hexfmt.c). Portable: the
 * host unit test compares it with the real hexdump.
 *
 *	struct hexfmt h;
 *	hexfmt_init(&h, offset, emit, ctx);
 *	hexfmt_feed(&h, buf, n);   (any number of times, any sizes)
 *	hexfmt_end(&h);            (the last partial line, then the end offset)
 */
#ifndef SHELL_HEXFMT_H
#define SHELL_HEXFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEXFMT_LINE_BYTES 16

/* Receives each output line, with its "\n" (not NUL-terminated). */
typedef void (*hexfmt_emit_fn)(void *ctx, const char *s, size_t n);

struct hexfmt {
	uint64_t offset;		 /* of line[0] */
	uint8_t line[HEXFMT_LINE_BYTES]; /* the line being filled */
	unsigned int fill;
	uint8_t prev[HEXFMT_LINE_BYTES]; /* the last full line seen */
	bool have_prev;
	bool squeezing; /* "*" printed for repeats of prev */
	hexfmt_emit_fn emit;
	void *ctx;
};

/* Start a dump whose first byte is at @offset (printed as hexdump -s does). */
void hexfmt_init(struct hexfmt *h, uint64_t offset, hexfmt_emit_fn emit, void *ctx);

/* Dump @n more bytes. */
void hexfmt_feed(struct hexfmt *h, const void *data, size_t n);

/* Finish: the partial line, then the offset after the last byte (if any byte came). */
void hexfmt_end(struct hexfmt *h);

#endif /* SHELL_HEXFMT_H */
