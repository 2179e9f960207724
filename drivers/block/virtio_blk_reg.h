/* SPDX-License-Identifier: MIT */
/*
 * virtio_blk_reg.h - the virtio block device's wire formats (virtio 1.2 §5.2):
 * feature bits, configuration layout and request header. Sector numbers on
 * the wire are always 512-byte units, whatever the logical block size.
 */
#ifndef DRIVERS_BLOCK_VIRTIO_BLK_REG_H
#define DRIVERS_BLOCK_VIRTIO_BLK_REG_H

#include <stddef.h>
#include <stdint.h>

/* §5.2.3 Feature bits */
#define VIRTIO_BLK_F_SIZE_MAX 1 /* size_max: the largest single segment */
#define VIRTIO_BLK_F_SEG_MAX 2	/* seg_max: segments per request */
#define VIRTIO_BLK_F_RO 5	/* the device is read-only */
#define VIRTIO_BLK_F_BLK_SIZE 6 /* blk_size: the logical block size */
#define VIRTIO_BLK_F_FLUSH 9	/* VIRTIO_BLK_T_FLUSH is supported */

/* §5.2.4 Device configuration layout (the fields we read) */
struct virtio_blk_config {
	uint64_t capacity; /* in 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;
} __attribute__((packed));
_Static_assert(offsetof(struct virtio_blk_config, blk_size) == 20, "virtio 1.2 §5.2.4");

/* §5.2.6 Device Operation: a request is header, data, status byte */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector; /* 512-byte units */
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio 1.2 §5.2.6");

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR_SIZE 512 /* §5.2.6: the unit of `sector` and `capacity` */

#endif
