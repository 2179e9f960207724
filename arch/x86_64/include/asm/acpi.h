/* SPDX-License-Identifier: MIT */
/* acpi.h - the little ACPI the kernel uses (arch/x86_64/kernel/acpi.c). */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <stddef.h>
#include <stdint.h>

/* Remember the RSDP address the boot loader gave (0: search the BIOS area). */
void acpi_set_rsdp(uint64_t rsdp);

struct acpi_header;

/*
 * The ACPI table with signature @sig (e.g. "HPET", "FACP"), found through the
 * XSDT or RSDT with its checksum verified, or NULL. Layouts: acpi_reg.h.
 */
const struct acpi_header *acpi_table(const char *sig);

/*
 * The DSDT's AML (the definition block after its header, @len bytes), found
 * through the FADT, or NULL when there is none.
 */
const uint8_t *acpi_dsdt_aml(size_t *len);

/* Enter S5 through the FADT; returns only on failure (-ENODEV, -EIO). */
int acpi_poweroff(void);

#endif
