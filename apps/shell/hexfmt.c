// SPDX-License-Identifier: MIT
/*
 * hexfmt.c - the canonical hex+ASCII layout of `hexdump -C` (util-linux):
 *
 *	00000000  48 65 6c 6c 6f 0a                                 |Hello.|
 *	00000006
 *
 * An 8-digit hex offset, two spaces, 16 bytes in hex with one more space
 * after the eighth, then the printable bytes between bars ('.' for others).
 * A full line equal to the full line before it is not printed: the first of
 * a run of such lines becomes "*". The dump ends with the offset after its
 * last byte. No heap, no I/O: lines go to the caller's emit function.
 */
#include <stdbool.h>
#include <stdint.h>
#include <toro/stdio.h>
#include <toro/string.h>
#include "hexfmt.h"

#define ASCII_FIRST 0x20
#define ASCII_LAST 0x7e
#define HALF (HEXFMT_LINE_BYTES / 2)
/* "00000000  " + 16 * "xx " + " " + " |" + 16 + "|\n" with room to spare */
#define LINE_TEXT_MAX 96

void hexfmt_init(struct hexfmt *h, uint64_t offset, hexfmt_emit_fn emit, void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->offset = offset;
	h->emit = emit;
	h->ctx = ctx;
}

static void print_line(struct hexfmt *h, unsigned int n)
{
	char text[LINE_TEXT_MAX];
	int len = snprintf(text, sizeof(text), "%08llx  ", (unsigned long long)h->offset);

	for (unsigned int i = 0; i < HEXFMT_LINE_BYTES; i++) {
		if (i < n) {
			len += snprintf(text + len, sizeof(text) - len, "%02x ", h->line[i]);
		} else {
			len += snprintf(text + len, sizeof(text) - len, "   ");
		}
		if (i == HALF - 1) {
			text[len++] = ' ';
		}
	}
	text[len++] = ' ';
	text[len++] = '|';
	for (unsigned int i = 0; i < n; i++) {
		uint8_t c = h->line[i];

		text[len++] = c >= ASCII_FIRST && c <= ASCII_LAST ? (char)c : '.';
	}
	text[len++] = '|';
	text[len++] = '\n';
	h->emit(h->ctx, text, (size_t)len);
}

/* A full line: print it, or squeeze it when it repeats the last full line. */
static void full_line(struct hexfmt *h)
{
	if (h->have_prev && memcmp(h->line, h->prev, HEXFMT_LINE_BYTES) == 0) {
		if (!h->squeezing) {
			h->emit(h->ctx, "*\n", 2);
			h->squeezing = true;
		}
	} else {
		print_line(h, HEXFMT_LINE_BYTES);
		memcpy(h->prev, h->line, HEXFMT_LINE_BYTES);
		h->have_prev = true;
		h->squeezing = false;
	}
	h->offset += HEXFMT_LINE_BYTES;
	h->fill = 0;
}

void hexfmt_feed(struct hexfmt *h, const void *data, size_t n)
{
	const uint8_t *p = data;

	while (n) {
		size_t take = HEXFMT_LINE_BYTES - h->fill;

		if (take > n) {
			take = n;
		}
		memcpy(h->line + h->fill, p, take);
		h->fill += (unsigned int)take;
		p += take;
		n -= take;
		if (h->fill == HEXFMT_LINE_BYTES) {
			full_line(h);
		}
	}
}

void hexfmt_end(struct hexfmt *h)
{
	char text[24];
	int len;

	if (h->fill) {
		print_line(h, h->fill);
		h->offset += h->fill;
		h->fill = 0;
	} else if (!h->have_prev) {
		return; /* nothing was dumped: hexdump prints nothing either */
	}
	len = snprintf(text, sizeof(text), "%08llx\n", (unsigned long long)h->offset);
	h->emit(h->ctx, text, (size_t)len);
}
