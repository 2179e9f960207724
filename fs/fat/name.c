// SPDX-License-Identifier: MIT
/*
 * name.c - FAT names: checking a UTF-8 name and converting it to the UCS-2 of long
 * names and back, 8.3 names (display, exact fit, basis and ~N tail), the long-name
 * checksum, and case-insensitive matching.
 *
 * Short names are shown as ASCII: bytes above 0x7F of the OEM code page become '_'.
 * Long names hold UCS-2 (the Basic Multilingual Plane); a UTF-8 character outside it,
 * or a malformed sequence, is stored as '_'. Matching folds ASCII case only.
 */
#include <toro/string.h>
#include <kernel/errno.h>
#include "fat_priv.h"

/* UTF-8 (RFC 3629): lead bytes 110xxxxx, 1110xxxx, 11110xxx; continuation 10xxxxxx. */
#define UTF8_CONT_MASK 0xC0
#define UTF8_CONT 0x80
#define UTF8_CONT_BITS 6
#define UTF8_PAYLOAD 0x3F
#define UTF8_LEAD2 0xC0
#define UTF8_LEAD3 0xE0
#define UTF8_LEAD4 0xF0
#define UTF8_ONE_MAX 0x7F
#define UTF8_TWO_MAX 0x7FF
#define UCS2_MAX 0xFFFF
#define SURROGATE_FIRST 0xD800
#define SURROGATE_LAST 0xDFFF
#define UCS2_REPLACEMENT '_'

/* fatgen103 "FAT Long Directory Entries": characters no FAT name may contain. */
static bool long_char_ok(uint16_t c)
{
	return c >= 0x20 && !strchr("\"*/:<>?\\|", c < 0x80 ? (int)c : 'a');
}

/* fatgen103 "FAT Directory Structure": bytes a short name may not contain (besides < 0x20). */
static bool short_char_ok(uint8_t c)
{
	return c > 0x20 && c != 0x7F && !strchr("\"*+,./:;<=>?[\\]|", c);
}

/* Decodes one UTF-8 character at *@s, advancing it. Non-BMP and bad bytes give '_'. */
static uint16_t utf8_next(const char **s)
{
	const uint8_t *p = (const uint8_t *)*s;
	uint32_t c = p[0], extra, i;

	if (c <= UTF8_ONE_MAX) {
		*s += 1;
		return (uint16_t)c;
	}
	extra = c >= UTF8_LEAD4 ? 3 : c >= UTF8_LEAD3 ? 2 : c >= UTF8_LEAD2 ? 1 : 0;
	c &= 0x3Fu >> extra; /* the payload bits of the lead byte */
	for (i = 1; i <= extra; i++) {
		if ((p[i] & UTF8_CONT_MASK) != UTF8_CONT) {
			break;
		}
		c = c << UTF8_CONT_BITS | (p[i] & UTF8_PAYLOAD);
	}
	*s += i;
	if (!extra || i <= extra || c > UCS2_MAX || (c >= SURROGATE_FIRST && c <= SURROGATE_LAST)) {
		return UCS2_REPLACEMENT;
	}
	return (uint16_t)c;
}

/*
 * Checks a path component and converts it to UCS-2 in @ucs (FAT_LFN_NAME_MAX + 1).
 * Returns 0, -EINVAL (empty, ".", "..", a forbidden character, a trailing dot or
 * space) or -ENAMETOOLONG.
 */
int fat_name_check(const char *name, uint16_t *ucs, uint32_t *length)
{
	uint32_t n = 0;

	if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
		return -EINVAL;
	}
	while (*name) {
		if (n == FAT_LFN_NAME_MAX) {
			return -ENAMETOOLONG;
		}
		ucs[n] = utf8_next(&name);
		if (!long_char_ok(ucs[n])) {
			return -EINVAL;
		}
		n++;
	}
	if (ucs[n - 1] == '.' || ucs[n - 1] == ' ') {
		return -EINVAL;
	}
	ucs[n] = 0;
	*length = n;
	return 0;
}

void fat_ucs2_to_utf8(const uint16_t *ucs, uint32_t length, char *out, uint32_t size)
{
	uint32_t o = 0;

	for (uint32_t i = 0; i < length && ucs[i]; i++) {
		uint16_t c = ucs[i];

		if (c >= SURROGATE_FIRST && c <= SURROGATE_LAST) {
			c = UCS2_REPLACEMENT; /* surrogate halves: no pairs in UCS-2 */
		}
		if (c <= UTF8_ONE_MAX && o + 1 < size) {
			out[o++] = (char)c;
		} else if (c > UTF8_ONE_MAX && c <= UTF8_TWO_MAX && o + 2 < size) {
			out[o++] = (char)(UTF8_LEAD2 | c >> UTF8_CONT_BITS);
			out[o++] = (char)(UTF8_CONT | (c & UTF8_PAYLOAD));
		} else if (c > UTF8_TWO_MAX && o + 3 < size) {
			out[o++] = (char)(UTF8_LEAD3 | c >> (2 * UTF8_CONT_BITS));
			out[o++] = (char)(UTF8_CONT | (c >> UTF8_CONT_BITS & UTF8_PAYLOAD));
			out[o++] = (char)(UTF8_CONT | (c & UTF8_PAYLOAD));
		}
	}
	out[o] = '\0';
}

static char short_display(uint8_t c, bool lower)
{
	if (c > UTF8_ONE_MAX || c < ' ') {
		return UCS2_REPLACEMENT;
	}
	return (char)(lower && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Formats the 8.3 name of @de as "BASE.EXT" (NT lower-case flags honoured). */
void fat_short_to_str(const struct fat_dirent *de, char *out)
{
	uint32_t o = 0, i;
	uint8_t c;

	for (i = 0; i < FAT_NAME_BASE_LEN && de->name[i] != ' '; i++) {
		c = i == 0 && de->name[0] == FAT_DIRENT_KANJI_E5 ? FAT_DIRENT_FREE : de->name[i];
		out[o++] = short_display(c, de->nt_case & FAT_NT_LOWER_BASE);
	}
	if (de->name[FAT_NAME_BASE_LEN] != ' ') {
		out[o++] = '.';
		for (i = FAT_NAME_BASE_LEN; i < FAT_SHORT_NAME_LEN && de->name[i] != ' '; i++) {
			out[o++] = short_display(de->name[i], de->nt_case & FAT_NT_LOWER_EXT);
		}
	}
	out[o] = '\0';
}

/* Case of a part of a name: bit 0 some upper-case letter, bit 1 some lower-case. */
static unsigned int part_case(const char *s, uint32_t n)
{
	unsigned int found = 0;

	for (uint32_t i = 0; i < n; i++) {
		found |= (s[i] >= 'A' && s[i] <= 'Z') ? 1 : 0;
		found |= (s[i] >= 'a' && s[i] <= 'z') ? 2 : 0;
	}
	return found;
}

static bool copy_short_part(const char *s, uint32_t n, uint8_t *out, uint32_t max)
{
	if (n > max) {
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c >= 0x80 || !short_char_ok(c)) {
			return false;
		}
		out[i] = (uint8_t)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	}
	return true;
}

/*
 * Does @name fit an 8.3 entry on its own (ASCII, valid characters, each part in one
 * case)? Fills @sfn and the NT lower-case flags when it does.
 */
bool fat_short_exact(const char *name, uint8_t sfn[FAT_SHORT_NAME_LEN], uint8_t *nt_case)
{
	const char *dot = strchr(name, '.');
	uint32_t base = dot ? (uint32_t)(dot - name) : (uint32_t)strlen(name);
	const char *ext = dot ? dot + 1 : "";
	uint32_t ext_len = (uint32_t)strlen(ext);
	unsigned int base_case = part_case(name, base), ext_case = part_case(ext, ext_len);

	memset(sfn, ' ', FAT_SHORT_NAME_LEN);
	if (!base || (dot && (!ext_len || strchr(ext, '.'))) || base_case == 3 || ext_case == 3) {
		return false;
	}
	if (!copy_short_part(name, base, sfn, FAT_NAME_BASE_LEN) ||
	    !copy_short_part(ext, ext_len, sfn + FAT_NAME_BASE_LEN, FAT_NAME_EXT_LEN)) {
		return false;
	}
	*nt_case =
		(base_case == 2 ? FAT_NT_LOWER_BASE : 0) | (ext_case == 2 ? FAT_NT_LOWER_EXT : 0);
	return true;
}

static uint8_t basis_char(uint16_t c)
{
	if (c >= 0x80 || !short_char_ok((uint8_t)c)) {
		return UCS2_REPLACEMENT;
	}
	return (uint8_t)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

/*
 * fatgen103 "Basis-Name Generation Algorithm": upper case, spaces and all periods but
 * the last removed, invalid characters as '_', 8 characters of base and 3 of extension.
 */
void fat_short_basis(const uint16_t *ucs, uint32_t length, uint8_t sfn[FAT_SHORT_NAME_LEN])
{
	uint32_t last_dot = length, o = 0, i, start = 0;

	memset(sfn, ' ', FAT_SHORT_NAME_LEN);
	while (start < length && (ucs[start] == '.' || ucs[start] == ' ')) {
		start++;
	}
	for (i = start; i < length; i++) {
		if (ucs[i] == '.') {
			last_dot = i;
		}
	}
	for (i = start; i < last_dot && o < FAT_NAME_BASE_LEN; i++) {
		if (ucs[i] != ' ' && ucs[i] != '.') {
			sfn[o++] = basis_char(ucs[i]);
		}
	}
	if (!o) {
		sfn[o++] = UCS2_REPLACEMENT;
	}
	o = FAT_NAME_BASE_LEN;
	for (i = last_dot + 1; i < length && o < FAT_SHORT_NAME_LEN; i++) {
		if (ucs[i] != ' ') {
			sfn[o++] = basis_char(ucs[i]);
		}
	}
}

/* fatgen103 "Numeric-Tail Generation Algorithm": "~N" at the end of the base. */
int fat_short_tail(uint8_t sfn[FAT_SHORT_NAME_LEN], uint32_t n)
{
	char tail[FAT_NAME_BASE_LEN + 1];
	uint32_t len = 0, base = 0, digits;

	if (!n || n > FAT_TAIL_MAX) {
		return -EEXIST;
	}
	for (uint32_t v = n; v; v /= 10) {
		tail[FAT_NAME_BASE_LEN - ++len] = (char)('0' + v % 10);
	}
	tail[FAT_NAME_BASE_LEN - ++len] = '~';
	digits = len;
	while (base < FAT_NAME_BASE_LEN - digits && sfn[base] != ' ') {
		base++;
	}
	memcpy(sfn + base, tail + FAT_NAME_BASE_LEN - digits, digits);
	memset(sfn + base + digits, ' ', FAT_NAME_BASE_LEN - base - digits);
	return 0;
}

/* fatgen103 "FAT Long Directory Entries": the checksum of the 8.3 name. */
uint8_t fat_lfn_checksum(const uint8_t sfn[FAT_SHORT_NAME_LEN])
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < FAT_SHORT_NAME_LEN; i++) {
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sfn[i]);
	}
	return sum;
}

bool fat_name_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}
