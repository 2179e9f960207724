// SPDX-License-Identifier: MIT
/*
 * cpio.c - walk a cpio newc archive entry by entry (man 5 cpio, "New ASCII Format";
 * layout in cpio_reg.h). Portable: the archive is a buffer.
 *
 * Every length read from a header is checked against the bytes left before it is
 * used, in 64-bit arithmetic so that no sum can wrap; a corrupt archive gives
 * -EINVAL and a sentence saying what is wrong, never a read past the buffer.
 */
#include <kernel/errno.h>
#include <toro/string.h>

#include "initrd.h"

/* Leading bytes of formats that are not newc, for a useful error message. */
static const struct {
	const char *magic;
	size_t len;
	const char *what;
} foreign_formats[] = {
	{"\x1f\x8b", 2, "gzip-compressed archive (only uncompressed cpio newc is read)"},
	{"\xfd\x37\x7a\x58\x5a", 5, "xz-compressed archive (only uncompressed cpio newc is read)"},
	{"\x28\xb5\x2f\xfd", 4, "zstd-compressed archive (only uncompressed cpio newc is read)"},
	{"BZh", 3, "bzip2-compressed archive (only uncompressed cpio newc is read)"},
	{"070707", 6, "old portable (odc) cpio archive: make it with cpio -H newc"},
	{"\xc7\x71", 2, "old binary cpio archive: make it with cpio -H newc"},
	{"\x71\xc7", 2, "old binary cpio archive: make it with cpio -H newc"},
};

static size_t align_up(size_t v)
{
	return (v + CPIO_ALIGN - 1) & ~(size_t)(CPIO_ALIGN - 1);
}

static int fail(struct initrd_error *err, size_t offset, const char *what)
{
	err->offset = offset;
	err->what = what;
	return -EINVAL;
}

static const char *bad_magic(const uint8_t *p, size_t avail)
{
	for (size_t i = 0; i < sizeof(foreign_formats) / sizeof(foreign_formats[0]); i++) {
		if (avail >= foreign_formats[i].len &&
		    memcmp(p, foreign_formats[i].magic, foreign_formats[i].len) == 0) {
			return foreign_formats[i].what;
		}
	}
	return "bad magic (not a cpio newc archive)";
}

/* One 8-digit hexadecimal field; false on anything but a hex digit. */
static bool parse_hex(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < CPIO_FIELD_LEN; i++) {
		char c = s[i];
		uint32_t d;

		if (c >= '0' && c <= '9') {
			d = (uint32_t)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			d = (uint32_t)(c - 'a' + 10);
		} else if (c >= 'A' && c <= 'F') {
			d = (uint32_t)(c - 'A' + 10);
		} else {
			return false;
		}
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* man 5 cpio: for 070702, c_check is the sum of the data bytes as unsigned, mod 2^32. */
static uint32_t data_sum(const uint8_t *p, uint32_t n)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		sum += p[i];
	}
	return sum;
}

void cpio_iter_init(struct cpio_iter *it, const void *image, size_t size)
{
	it->image = image;
	it->size = size;
	it->offset = 0;
}

/* After a trailer: skip NUL padding; true if another archive starts there. */
static bool next_archive(struct cpio_iter *it)
{
	while (it->offset < it->size && it->image[it->offset] == 0) {
		it->offset++;
	}
	return it->size - it->offset >= sizeof(struct cpio_newc_header) &&
	       memcmp(it->image + it->offset, CPIO_NEWC_MAGIC, CPIO_MAGIC_LEN - 1) == 0;
}

/* The header at it->offset into @e (numbers, name); data bounds are checked by the caller. */
static int read_header(struct cpio_iter *it, struct cpio_entry *e, struct initrd_error *err,
		       bool *crc)
{
	const uint8_t *p = it->image + it->offset;
	size_t avail = it->size - it->offset;
	const struct cpio_newc_header *h = (const void *)p;
	uint32_t namesize;

	e->offset = it->offset;
	if (avail < sizeof(*h)) {
		return fail(err, it->offset, "truncated: header past the end of the archive");
	}
	*crc = memcmp(h->c_magic, CPIO_CRC_MAGIC, CPIO_MAGIC_LEN) == 0;
	if (!*crc && memcmp(h->c_magic, CPIO_NEWC_MAGIC, CPIO_MAGIC_LEN) != 0) {
		return fail(err, it->offset, bad_magic(p, avail));
	}
	for (int i = 0; i < CPIO_FIELDS; i++) {
		if (!parse_hex(h->c_field[i], &e->field[i])) {
			return fail(err, it->offset, "bad hexadecimal number in a header");
		}
	}
	namesize = e->field[CPIO_NAMESIZE];
	if (namesize == 0) {
		return fail(err, it->offset, "entry without a name (c_namesize is 0)");
	}
	if (namesize > INITRD_PATH_MAX) {
		return fail(err, it->offset, "name longer than 4096 bytes");
	}
	if ((uint64_t)sizeof(*h) + namesize > avail) {
		return fail(err, it->offset, "truncated: name past the end of the archive");
	}
	e->name = (const char *)p + sizeof(*h);
	e->name_len = namesize - 1;
	if (e->name[e->name_len] != '\0' || memchr(e->name, '\0', e->name_len)) {
		return fail(err, it->offset, "name not NUL-terminated where c_namesize says");
	}
	return 0;
}

int cpio_iter_next(struct cpio_iter *it, struct cpio_entry *e, struct initrd_error *err)
{
	for (;;) {
		bool crc;
		uint64_t data_off, end;
		int ret = read_header(it, e, err, &crc);

		if (ret) {
			return ret;
		}
		data_off = align_up(it->offset + sizeof(struct cpio_newc_header) + e->name_len + 1);
		e->size = e->field[CPIO_FILESIZE];
		end = data_off + e->size;
		if (data_off > it->size || end > it->size) {
			return fail(err, it->offset,
				    "truncated: file data past the end of the archive");
		}
		e->data = it->image + data_off;
		/* The last entry's padding may be cut off: the next offset is clamped. */
		it->offset = end + CPIO_ALIGN - 1 > it->size ? it->size : align_up(end);
		if (strcmp(e->name, CPIO_TRAILER) == 0) {
			if (!next_archive(it)) {
				it->offset = it->size;
				return 0;
			}
			continue;
		}
		if (crc && data_sum(e->data, e->size) != e->field[CPIO_CHECK]) {
			return fail(err, e->offset, "checksum mismatch (070702 entry)");
		}
		return 1;
	}
}
