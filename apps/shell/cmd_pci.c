// SPDX-License-Identifier: MIT
/*
 * cmd_pci.c - lspci for the shell, built with CONFIG_PCI (apps/shell/Makefile):
 * it replaces cmd_sys.c's weak "no PCI". One line per function, like
 * `lspci -n`: "BB:DD.F VVVV:DDDD class CCSSPP" (class, subclass, prog-if).
 */
#include <toro/pci.h>
#include <toro/stdio.h>
#include "shell.h"

int shell_lspci(void)
{
	struct pci_info d;
	unsigned int i;

	for (i = 0; pci_device_info(i, &d) == 0; i++) {
		if (d.segment) {
			printf("%04x:", d.segment);
		}
		printf("%02x:%02x.%x %04x:%04x class %02x%02x%02x\n", d.bus, d.dev, d.fn, d.vendor,
		       d.device, d.class, d.subclass, d.prog_if);
	}
	if (i == 0) {
		printf("no PCI\n");
	}
	return 0;
}
