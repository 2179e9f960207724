/* SPDX-License-Identifier: MIT */
/* acpi.h - the little ACPI the kernel uses (arch/x86_64/kernel/acpi.c). */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <stdint.h>

/* Remember the RSDP address the boot loader gave (0: search the BIOS area). */
void acpi_set_rsdp(uint64_t rsdp);

/* Enter S5 through the FADT; returns only on failure (-ENODEV, -EIO). */
int acpi_poweroff(void);

#endif
