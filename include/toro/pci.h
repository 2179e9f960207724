/* SPDX-License-Identifier: MIT */
/*
 * <toro/pci.h> - the PCI devices the kernel found at boot, for applications
 * (a listing like `lspci -n`). Drivers use <kernel/pci.h> instead.
 *
 *	struct pci_info d;
 *	for (unsigned int i = 0; pci_device_info(i, &d) == 0; i++)
 *		printf("%02x:%02x.%x %04x:%04x\n", d.bus, d.dev, d.fn, d.vendor, d.device);
 *
 * Only built with CONFIG_PCI (machines without PCI, such as microvm, have no
 * such function): code that must also link without it declares its own weak
 * fallback or lives in a file of its own chosen by obj-$(CONFIG_PCI).
 */
#ifndef TORO_PCI_H
#define TORO_PCI_H

#include <stdint.h>

struct pci_info {
	uint16_t segment;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, prog_if, revision; /* PCI 3.0 §6.2.1, appendix D */
};

/*
 * Describe the @index-th device (0, 1, ... in bus order). Returns 0, or
 * -ENODEV (-19) past the last.
 */
int pci_device_info(unsigned int index, struct pci_info *info);

#endif /* TORO_PCI_H */
