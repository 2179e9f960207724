/* SPDX-License-Identifier: MIT */
/*
 * virtio_mmio_find.c - where virtio-mmio devices are: the command-line syntax
 * QEMU's microvm writes when it has no ACPI, and the DSDT devices it writes
 * when it has (virtio_mmio_find.h). Portable: unit-tested on the host.
 */
#include <stdbool.h>
#include <stdint.h>
#include <toro/stdlib.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include "virtio_mmio_find.h"
#include "virtio_reg.h"

#define KIB_SHIFT 10
#define MIB_SHIFT 20
#define GIB_SHIFT 30
#define DECIMAL 10
#define AUTO_BASE 0 /* strtoull(): 0x... hex, else decimal */

/* The shift of a size suffix (K, M, G), or 0 when @c is none. */
static unsigned int suffix_shift(char c)
{
	switch (c) {
	case 'K':
	case 'k':
		return KIB_SHIFT;
	case 'M':
	case 'm':
		return MIB_SHIFT;
	case 'G':
	case 'g':
		return GIB_SHIFT;
	default:
		return 0;
	}
}

int virtio_mmio_parse(const char *s, struct virtio_mmio_res *res)
{
	unsigned int shift;
	char *end;

	res->size = strtoull(s, &end, AUTO_BASE);
	shift = suffix_shift(*end);
	if (shift) {
		res->size <<= shift;
		end++;
	}
	if (end == s || *end != '@') {
		return -EINVAL;
	}
	s = end + 1;
	res->base = strtoull(s, &end, AUTO_BASE);
	if (end == s || *end != ':') {
		return -EINVAL;
	}
	s = end + 1;
	res->irq = strtoul(s, &end, DECIMAL);
	if (end == s || (*end && *end != ':')) {
		return -EINVAL;
	}
	/* The registers end where the configuration space starts (§4.2.2). */
	if (res->size < VIRTIO_MMIO_CONFIG || !res->base) {
		return -EINVAL;
	}
	return 0;
}

/* The _HID as AML encodes it: StringPrefix 0x0d, the text, NUL (ACPI 6.5 §20.2.3). */
static const char hid_string[] = "\x0dLNRO0005";

/* ACPI 6.5 §6.4.3.4 Memory32Fixed and §6.4.3.6 Extended Interrupt descriptors. */
#define MEM32_FIXED_TAG 0x86
#define MEM32_FIXED_LEN 9 /* info, base, length */
#define EXT_IRQ_TAG 0x89
#define EXT_IRQ_LEN_MIN 6 /* flags, count, one interrupt */
#define LARGE_HEADER 3	  /* tag and 16-bit length */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return p[0] | (uint16_t)(p[1] << 8);
}

/* Find @needle (@n bytes) in [p, end); NULL when absent. */
static const uint8_t *find(const uint8_t *p, const uint8_t *end, const void *needle, size_t n)
{
	for (; p + n <= end; p++) {
		if (memcmp(p, needle, n) == 0) {
			return p;
		}
	}
	return NULL;
}

/* The device's resources in [p, end): its memory window and its first interrupt. */
static bool device_resources(const uint8_t *p, const uint8_t *end, struct virtio_mmio_res *res)
{
	bool mem = false, irq = false;

	for (; p + LARGE_HEADER <= end && !(mem && irq); p++) {
		uint16_t len = le16(p + 1);

		if (p + LARGE_HEADER + len > end) {
			continue;
		}
		if (!mem && p[0] == MEM32_FIXED_TAG && len == MEM32_FIXED_LEN) {
			res->base = le32(p + 4);
			res->size = le32(p + 8);
			mem = true;
		} else if (!irq && p[0] == EXT_IRQ_TAG && len >= EXT_IRQ_LEN_MIN && p[4] >= 1) {
			res->irq = le32(p + 5);
			irq = true;
		}
	}
	return mem && irq && res->base && res->size >= VIRTIO_MMIO_CONFIG;
}

int virtio_mmio_scan_aml(const uint8_t *aml, size_t len,
			 void (*fn)(const struct virtio_mmio_res *res, void *arg), void *arg)
{
	const uint8_t *end = aml + len, *p = aml, *next;
	size_t hid_len = sizeof(hid_string); /* with its NUL */
	int found = 0;

	for (p = find(p, end, hid_string, hid_len); p; p = next) {
		struct virtio_mmio_res res = {0};

		/* A device's resources lie between its _HID and the next one's. */
		next = find(p + hid_len, end, hid_string, hid_len);
		if (device_resources(p + hid_len, next ? next : end, &res)) {
			fn(&res, arg);
			found++;
		}
	}
	return found;
}
