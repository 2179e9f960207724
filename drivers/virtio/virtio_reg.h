/* SPDX-License-Identifier: MIT */
/*
 * virtio_reg.h - virtio wire layouts and constants (OASIS virtio 1.2): device
 * status bits (§2.1), reserved feature bits (§6), the split virtqueue's
 * descriptor table, available and used rings (§2.7), and the MMIO transport's
 * register map (§4.2.2, legacy §4.2.4). Everything is little-endian: modern
 * devices by definition (§1.4), legacy ones because x86 is the guest.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_REG_H
#define DRIVERS_VIRTIO_VIRTIO_REG_H

#include <stdint.h>

/* §2.1 Device Status Field */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01 /* the guest noticed the device */
#define VIRTIO_STATUS_DRIVER 0x02      /* the guest knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK 0x04   /* the driver is ready */
#define VIRTIO_STATUS_FEATURES_OK 0x08 /* feature negotiation is complete */
#define VIRTIO_STATUS_NEEDS_RESET 0x40 /* the device hit an error it cannot survive */
#define VIRTIO_STATUS_FAILED 0x80      /* the guest gave up on the device */

/* §6 Reserved Feature Bits (bit numbers) */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_BIT(feature) (1ULL << (feature))

/* §5 Device Types: the device ids this tree knows */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_VSOCK 19
#define VIRTIO_ID_FS 26

/* §2.7.5 The Virtqueue Descriptor Table */
#define VIRTQ_DESC_F_NEXT 1	/* the chain continues in `next` */
#define VIRTQ_DESC_F_WRITE 2	/* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4 /* the buffer holds a table of descriptors */

struct virtq_desc {
	uint64_t addr; /* guest-physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __attribute__((packed));
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.2 §2.7.5");

/* §2.7.6 The Virtqueue Available Ring; used_event follows ring[size] (§2.7.10) */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/*
 * The ring structures are naturally aligned (the asserts prove there is no
 * padding), so they are not packed: the index words are accessed atomically.
 */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx; /* where the driver puts the next entry, modulo 2^16 */
	uint16_t ring[];
};
_Static_assert(sizeof(struct virtq_avail) == 4, "virtio 1.2 §2.7.6");

/* §2.7.8 The Virtqueue Used Ring; avail_event follows ring[size] (§2.7.10) */
#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq_used_elem {
	uint32_t id;  /* head of the descriptor chain that was used */
	uint32_t len; /* bytes the device wrote into the chain */
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.2 §2.7.8");

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};
_Static_assert(sizeof(struct virtq_used) == 4, "virtio 1.2 §2.7.8");

/* §2.7 table "Virtqueue Part Alignment" (modern); legacy: §2.7.2 */
#define VIRTQ_DESC_ALIGN 16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN 4
#define VIRTQ_LEGACY_ALIGN 4096 /* the used ring starts on its own page */
#define VIRTQ_SIZE_MAX 32768	/* §2.7: Queue Size is at most 32768 */

/* Ring bytes for a queue of @n entries, the trailing event word included (§2.7.6, §2.7.8). */
#define VIRTQ_DESC_BYTES(n) (sizeof(struct virtq_desc) * (n))
#define VIRTQ_AVAIL_BYTES(n) (sizeof(struct virtq_avail) + sizeof(uint16_t) * ((n) + 1))
#define VIRTQ_USED_BYTES(n)                                                                        \
	(sizeof(struct virtq_used) + sizeof(struct virtq_used_elem) * (n) + sizeof(uint16_t))

/* §4.2.2 MMIO Device Register Layout (offsets from the device's base) */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION 0x004     /* 2 modern, 1 legacy (§4.2.4) */
#define VIRTIO_MMIO_DEVICE_ID 0x008   /* 0: no device behind this slot */
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 /* legacy only */
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c /* legacy only */
#define VIRTIO_MMIO_QUEUE_PFN 0x040   /* legacy only */
#define VIRTIO_MMIO_QUEUE_READY 0x044 /* modern only */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080 /* modern only, to 0x0a4 */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc /* modern only */
#define VIRTIO_MMIO_CONFIG 0x100	    /* device-specific configuration space */

#define VIRTIO_MMIO_MAGIC 0x74726976 /* little-endian "virt" */
#define VIRTIO_MMIO_VERSION_LEGACY 1
#define VIRTIO_MMIO_VERSION_MODERN 2
#define VIRTIO_MMIO_LEGACY_PAGE_SIZE 4096 /* what we write to GuestPageSize */
#define VIRTIO_MMIO_INT_VRING 0x1	  /* InterruptStatus: a used buffer */
#define VIRTIO_MMIO_INT_CONFIG 0x2	  /* InterruptStatus: configuration changed */

#endif
