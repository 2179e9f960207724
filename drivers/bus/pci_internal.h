/* SPDX-License-Identifier: MIT */
/* pci_internal.h - what the files of drivers/bus/ share, and nothing else uses. */
#ifndef DRIVERS_BUS_PCI_INTERNAL_H
#define DRIVERS_BUS_PCI_INTERNAL_H

#include <kernel/pci.h>

/* How many functions the bus keeps; more are reported and left out. */
#define PCI_DEV_MAX 64

/* pci_config.c: choose ECAM (ACPI MCFG) or mechanism #1. */
void pci_config_init(void);

/*
 * pci_enum.c: walk segment @seg from bus 0 through every bridge, filling
 * @devs (at most @max) and logging one line per function. Returns how many
 * were found. Uses only pci_read*()/pci_write*(), so a host test can give it
 * a fake configuration space.
 */
unsigned int pci_enumerate(uint16_t seg, struct pci_dev *devs, unsigned int max);

/* pci_enum.c: the Linux-style one-line description of @d into @buf. */
int pci_dev_describe(const struct pci_dev *d, char *buf, unsigned int size);

#endif
