/* SPDX-License-Identifier: MIT */
/*
 * virtio_pci_reg.h - the virtio PCI transport's wire layouts (OASIS virtio
 * 1.2 §4.1): PCI ids (§4.1.2), the vendor-specific capabilities that locate
 * the modern structures (§4.1.4), the common configuration structure
 * (§4.1.4.3) and the legacy I/O BAR register block (§4.1.4.8). Little-endian
 * throughout (x86 guest).
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_PCI_REG_H
#define DRIVERS_VIRTIO_VIRTIO_PCI_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

/* §4.1.2 PCI Device Discovery */
#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_FIRST 0x1000
#define VIRTIO_PCI_DEVICE_LAST 0x107f
#define VIRTIO_PCI_TRANSITIONAL_LAST 0x103f /* 0x1000-0x103f: id in Subsystem Device ID */
#define VIRTIO_PCI_MODERN_BASE 0x1040	    /* 0x1040 + device type (§5) */
#define VIRTIO_PCI_SUBSYSTEM_ID 0x2e	    /* PCI 3.0 §6.2.4: config offset of the id */

/* §4.1.4 Virtio Structure PCI Capabilities: cap_vndr 0x09 (vendor-specific) */
#define VIRTIO_PCI_CAP_VENDOR 0x09
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
#define VIRTIO_PCI_CAP_BAR_MAX 5 /* bar values above are reserved: ignore the capability */

struct virtio_pci_cap {
	uint8_t cap_vndr; /* VIRTIO_PCI_CAP_VENDOR */
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type; /* VIRTIO_PCI_CAP_* */
	uint8_t bar;
	uint8_t id;
	uint8_t padding[2];
	uint32_t offset; /* within the BAR */
	uint32_t length;
} __packed;
_Static_assert(sizeof(struct virtio_pci_cap) == 16, "virtio 1.2 §4.1.4");

/* §4.1.4.4: the notification capability carries one more field. */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	uint32_t notify_off_multiplier; /* queue notify address = offset + off * this */
} __packed;
_Static_assert(sizeof(struct virtio_pci_notify_cap) == 20, "virtio 1.2 §4.1.4.4");

/* §4.1.4.3 Common configuration structure layout */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select;
	uint32_t device_feature;
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t config_msix_vector;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;
	/* About the queue queue_select names: */
	uint16_t queue_select;
	uint16_t queue_size;
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint64_t queue_desc;
	uint64_t queue_driver;
	uint64_t queue_device;
} __packed;
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 56, "virtio 1.2 §4.1.4.3");

#define VIRTIO_PCI_COMMON(field) __builtin_offsetof(struct virtio_pci_common_cfg, field)

/* §4.1.4.5 ISR status: bit 0 a used buffer (queue), bit 1 a configuration change */
#define VIRTIO_PCI_ISR_QUEUE 0x1
#define VIRTIO_PCI_ISR_CONFIG 0x2

/* §4.1.4.3, §4.1.5.1.2: the MSI-X vector number that means "none" */
#define VIRTIO_PCI_NO_VECTOR 0xffff

/* §4.1.4.8 Legacy Interfaces: the register block in I/O BAR 0 */
#define VIRTIO_PCI_LEGACY_BAR 0
#define VIRTIO_PCI_LEGACY_HOST_FEATURES 0  /* 32 bits, read-only */
#define VIRTIO_PCI_LEGACY_GUEST_FEATURES 4 /* 32 bits */
#define VIRTIO_PCI_LEGACY_QUEUE_PFN 8	   /* 32 bits: ring address >> 12; 0 disables */
#define VIRTIO_PCI_LEGACY_QUEUE_SIZE 12	   /* 16 bits, read-only: the size to use */
#define VIRTIO_PCI_LEGACY_QUEUE_SELECT 14  /* 16 bits */
#define VIRTIO_PCI_LEGACY_QUEUE_NOTIFY 16  /* 16 bits */
#define VIRTIO_PCI_LEGACY_STATUS 18	   /* 8 bits */
#define VIRTIO_PCI_LEGACY_ISR 19	   /* 8 bits, cleared by the read */
/* Present only while MSI-X is enabled; they push the device config back by 4. */
#define VIRTIO_PCI_LEGACY_CONFIG_VECTOR 20 /* 16 bits */
#define VIRTIO_PCI_LEGACY_QUEUE_VECTOR 22  /* 16 bits */
#define VIRTIO_PCI_LEGACY_CONFIG 20	   /* device-specific config, MSI-X off */
#define VIRTIO_PCI_LEGACY_CONFIG_MSIX 24   /* device-specific config, MSI-X on */
#define VIRTIO_PCI_LEGACY_PFN_SHIFT 12	   /* §4.1.5.1.3 legacy: 4096-byte pages */
#define VIRTIO_PCI_LEGACY_QUEUES_MAX 1024  /* a bound on queue walks, as QEMU's limit */

#endif
