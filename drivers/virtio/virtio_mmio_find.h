/* SPDX-License-Identifier: MIT */
/*
 * virtio_mmio_find.h - where virtio-mmio devices are (virtio_mmio_find.c,
 * portable): the kernel command line's virtio_mmio.device= words and the
 * ACPI DSDT's "LNRO0005" devices, as QEMU's microvm describes them.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_MMIO_FIND_H
#define DRIVERS_VIRTIO_VIRTIO_MMIO_FIND_H

#include <stddef.h>
#include <stdint.h>

struct virtio_mmio_res {
	uint64_t base;
	uint64_t size;
	unsigned int irq; /* GSI */
};

/*
 * Parse one virtio_mmio.device= value, Linux's syntax SIZE[K|M|G]@BASE:IRQ[:ID]
 * (the ID is ignored). Returns 0 or -EINVAL.
 */
int virtio_mmio_parse(const char *s, struct virtio_mmio_res *res);

/*
 * Call @fn for each virtio-mmio device declared in the DSDT's AML (@aml,
 * @len bytes after the table header): a Device whose _HID is "LNRO0005",
 * with a Memory32Fixed and an Interrupt descriptor in its _CRS. A byte scan,
 * as for _S5_ in acpi.c: the AML is not evaluated. Returns how many were found.
 */
int virtio_mmio_scan_aml(const uint8_t *aml, size_t len,
			 void (*fn)(const struct virtio_mmio_res *res, void *arg), void *arg);

#endif
