/* SPDX-License-Identifier: MIT */
/*
 * test_virtio_mmio_find.c - finding virtio-mmio devices: the command-line
 * syntax (Linux's, which QEMU's microvm writes) and the DSDT scan, against AML
 * laid out as QEMU's microvm emits it (hw/i386/acpi-microvm.c).
 */
#include <stdint.h>
#include <string.h>
#include "harness.h"
#include <kernel/errno.h>
#include "../../../../drivers/virtio/virtio_mmio_find.h"

static void test_parse(void)
{
	struct virtio_mmio_res r;

	CHECK_EQ(virtio_mmio_parse("512@0xfeb00e00:12", &r), 0);
	CHECK_EQ(r.size, 512u);
	CHECK_EQ(r.base, 0xfeb00e00u);
	CHECK_EQ(r.irq, 12u);
	CHECK_EQ(virtio_mmio_parse("4K@0x1000:5:3", &r), 0);
	CHECK_EQ(r.size, 4096u);
	CHECK_EQ(r.irq, 5u);
	CHECK_EQ(virtio_mmio_parse("1M@4096:7", &r), 0);
	CHECK_EQ(r.size, 1u << 20);
	CHECK_EQ(r.base, 4096u);
	CHECK_EQ(virtio_mmio_parse("", &r), -EINVAL);
	CHECK_EQ(virtio_mmio_parse("512", &r), -EINVAL);
	CHECK_EQ(virtio_mmio_parse("512@", &r), -EINVAL);
	CHECK_EQ(virtio_mmio_parse("512@0xfeb00e00", &r), -EINVAL);
	CHECK_EQ(virtio_mmio_parse("512@0xfeb00e00:", &r), -EINVAL);
	CHECK_EQ(virtio_mmio_parse("512@0xfeb00e00:12x", &r), -EINVAL);
	CHECK_EQ(virtio_mmio_parse("16@0xfeb00e00:12", &r), -EINVAL); /* smaller than registers */
	CHECK_EQ(virtio_mmio_parse("512@0:12", &r), -EINVAL);
}

/* Append one microvm-style Device (VRnn) with its _HID, _UID, _CCA and _CRS to @p. */
static size_t put_device(uint8_t *p, uint32_t base, uint32_t size, uint32_t irq)
{
	/* clang-format off */
	static const uint8_t head[] = { 0x5b, 0x82, 0x3a, 'V', 'R', '0', '0', 0x08, '_', 'H',
					'I',  'D',  0x0d, 'L', 'N', 'R', 'O', '0', '0', '0',
					'5',  0x00, 0x08, '_', 'U', 'I', 'D', 0x00, 0x08, '_',
					'C',  'C',  'A',  0x01, 0x08, '_', 'C', 'R', 'S', 0x11,
					0x1a, 0x0a, 0x17 };
	/* clang-format on */
	size_t n = 0;

	memcpy(p, head, sizeof(head));
	n += sizeof(head);
	p[n++] = 0x86; /* Memory32Fixed */
	p[n++] = 9;
	p[n++] = 0;
	p[n++] = 1; /* read-write */
	memcpy(p + n, &base, 4);
	n += 4;
	memcpy(p + n, &size, 4);
	n += 4;
	p[n++] = 0x89; /* Extended Interrupt */
	p[n++] = 6;
	p[n++] = 0;
	p[n++] = 0x09; /* consumer, level, active high, exclusive */
	p[n++] = 1;
	memcpy(p + n, &irq, 4);
	n += 4;
	p[n++] = 0x79; /* EndTag */
	p[n++] = 0;
	return n;
}

/* Where put_device() puts the _HID's text: after Device(), _HID and StringPrefix. */
#define HID_TEXT_OFFSET 13

struct seen {
	unsigned int count;
	struct virtio_mmio_res res[4];
};

static void record(const struct virtio_mmio_res *res, void *arg)
{
	struct seen *s = arg;

	if (s->count < 4) {
		s->res[s->count] = *res;
	}
	s->count++;
}

static void test_scan_aml(void)
{
	uint8_t aml[512];
	size_t n = 0, third;
	struct seen s = {0};

	memset(aml, 0x5a, sizeof(aml));
	n += 7; /* other objects first */
	n += put_device(aml + n, 0xfeb02e00, 0x200, 47);
	n += put_device(aml + n, 0xfeb02c00, 0x200, 46);
	/* A device with another _HID must be ignored. */
	third = n;
	n += put_device(aml + n, 0xfeb02a00, 0x200, 45);
	CHECK(memcmp(aml + third + HID_TEXT_OFFSET, "LNRO0005", 8) == 0);
	memcpy(aml + third + HID_TEXT_OFFSET, "LNRO0006", 8);
	CHECK_EQ(virtio_mmio_scan_aml(aml, n, record, &s), 2);
	CHECK_EQ(s.count, 2u);
	CHECK_EQ(s.res[0].base, 0xfeb02e00u);
	CHECK_EQ(s.res[0].size, 0x200u);
	CHECK_EQ(s.res[0].irq, 47u);
	CHECK_EQ(s.res[1].base, 0xfeb02c00u);
	CHECK_EQ(s.res[1].irq, 46u);

	s.count = 0;
	CHECK_EQ(virtio_mmio_scan_aml(aml, 7 + 60, record, &s), 0); /* cut inside _CRS */
	CHECK_EQ(virtio_mmio_scan_aml(aml, 0, record, &s), 0);
	CHECK_EQ(s.count, 0u);
}

int main(void)
{
	test_parse();
	test_scan_aml();
	return harness_report();
}
