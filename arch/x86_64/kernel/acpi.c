/* SPDX-License-Identifier: MIT */
/*
 * acpi.c - just enough ACPI to power off: find the RSDP, walk the RSDT/XSDT
 * to the FADT, read the S5 sleep type from the DSDT's \_S5 package, and write
 * it to PM1a/PM1b control (pc, q35) or the sleep control register of a
 * hardware-reduced platform (microvm's GED). Every table's checksum is
 * verified; a bad or missing table means no ACPI power-off, never a crash.
 */
#define pr_fmt(fmt) "acpi: " fmt
#include <stdbool.h>
#include <toro/string.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <asm/io.h>
#include <asm/acpi.h>
#include <asm/paging.h>
#include "acpi_reg.h"

/* The BIOS area searched for the RSDP (ACPI 6.5 §5.2.5.1). */
#define EBDA_SEGMENT_PTR 0x40e
#define BIOS_ROM_START 0xe0000
#define BIOS_ROM_END 0x100000

static uint64_t rsdp_hint;

void acpi_set_rsdp(uint64_t rsdp)
{
	rsdp_hint = rsdp;
}

static bool checksum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++) {
		sum += b[i];
	}
	return sum == 0;
}

static const struct acpi_rsdp *rsdp_check(uintptr_t addr)
{
	const struct acpi_rsdp *r = (const void *)addr;

	if (memcmp(r->signature, "RSD PTR ", 8) != 0 || !checksum_ok(r, ACPI_RSDP_V1_LENGTH)) {
		return NULL;
	}
	if (r->revision >= 2 && (r->length < sizeof(*r) || !checksum_ok(r, r->length))) {
		return NULL;
	}
	return r;
}

static const struct acpi_rsdp *rsdp_scan(uintptr_t start, uintptr_t end)
{
	for (uintptr_t a = start; a + sizeof(struct acpi_rsdp) <= end; a += 16) {
		const struct acpi_rsdp *r = rsdp_check(a);

		if (r) {
			return r;
		}
	}
	return NULL;
}

static const struct acpi_rsdp *rsdp_find(void)
{
	const struct acpi_rsdp *r = NULL;
	uintptr_t ebda = (uintptr_t)bda_read16(EBDA_SEGMENT_PTR) << 4;

	if (rsdp_hint) {
		r = rsdp_check((uintptr_t)rsdp_hint);
	}
	if (!r && ebda >= 0x80000 && ebda < 0xa0000) {
		r = rsdp_scan(ebda, ebda + 1024);
	}
	if (!r) {
		r = rsdp_scan(BIOS_ROM_START, BIOS_ROM_END);
	}
	return r;
}

static const struct acpi_header *table_check(uint64_t addr, const char *sig)
{
	const struct acpi_header *h = (const void *)(uintptr_t)addr;

	if (!addr || memcmp(h->signature, sig, 4) != 0 || h->length < sizeof(*h) ||
	    !checksum_ok(h, h->length)) {
		return NULL;
	}
	return h;
}

/* Find the table with signature @sig through the XSDT, or the RSDT. */
static const struct acpi_header *acpi_find_table(const struct acpi_rsdp *rsdp, const char *sig)
{
	const struct acpi_header *root = NULL;
	unsigned int entry_size = 8;

	if (rsdp->revision >= 2) {
		root = table_check(rsdp->xsdt_address, "XSDT");
	}
	if (!root) {
		root = table_check(rsdp->rsdt_address, "RSDT");
		entry_size = 4;
	}
	if (!root) {
		return NULL;
	}
	const uint8_t *entries = (const uint8_t *)(root + 1);
	unsigned int n = (root->length - sizeof(*root)) / entry_size;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t addr = 0;

		memcpy(&addr, entries + i * entry_size, entry_size);
		const struct acpi_header *h = table_check(addr, sig);
		if (h) {
			return h;
		}
	}
	return NULL;
}

const struct acpi_header *acpi_table(const char *sig)
{
	const struct acpi_rsdp *rsdp = rsdp_find();

	return rsdp ? acpi_find_table(rsdp, sig) : NULL;
}

/* One integer element of an AML package: Zero, One, Ones or a BytePrefix. */
static int aml_small_int(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;

	if (p >= end) {
		return -EINVAL;
	}
	switch (*p) {
	case AML_ZERO_OP:
		*pp = p + 1;
		return 0;
	case AML_ONE_OP:
		*pp = p + 1;
		return 1;
	case AML_ONES_OP:
		*pp = p + 1;
		return 0xff;
	case AML_BYTE_PREFIX:
		if (p + 1 >= end) {
			return -EINVAL;
		}
		*pp = p + 2;
		return p[1];
	default:
		return -EINVAL;
	}
}

/*
 * The S5 sleep types from `Name (_S5, Package () { a, b, ... })` in the DSDT
 * (ACPI 6.5 §7.4.2). A scan for the name, as small kernels do: the DSDT is
 * not evaluated.
 */
static int s5_sleep_types(const struct acpi_header *dsdt, int *typ_a, int *typ_b)
{
	const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;

	for (p += sizeof(*dsdt); p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) != 0 || p[4] != AML_PACKAGE_OP) {
			continue;
		}
		/* PkgLength: bits 7:6 of the lead byte count the bytes that follow. */
		const uint8_t *q = p + 5;
		q += 1 + (*q >> 6);
		q++; /* NumElements */
		*typ_a = aml_small_int(&q, end);
		*typ_b = aml_small_int(&q, end);
		if (*typ_a < 0) {
			return -EINVAL;
		}
		if (*typ_b < 0) {
			*typ_b = *typ_a;
		}
		return 0;
	}
	return -ENOENT;
}

static void gas_write8(const struct acpi_gas *g, uint8_t v)
{
	if (g->space_id == ACPI_GAS_IO) {
		outb((uint16_t)g->address, v);
	} else if (g->space_id == ACPI_GAS_MEMORY) {
		mmio_write8((uintptr_t)g->address, v);
	}
}

static const struct acpi_header *fadt_dsdt(const struct acpi_fadt *fadt)
{
	const struct acpi_header *dsdt = NULL;

	if (fadt->header.length >= 148 && fadt->x_dsdt) {
		dsdt = table_check(fadt->x_dsdt, "DSDT");
	}
	return dsdt ? dsdt : table_check(fadt->dsdt, "DSDT");
}

const uint8_t *acpi_dsdt_aml(size_t *len)
{
	const struct acpi_rsdp *rsdp = rsdp_find();
	const struct acpi_fadt *fadt;
	const struct acpi_header *dsdt;

	/* The DSDT is not in the XSDT: the FADT points at it (ACPI 6.5 §5.2.9). */
	fadt = rsdp ? (const struct acpi_fadt *)acpi_find_table(rsdp, "FACP") : NULL;
	dsdt = fadt ? fadt_dsdt(fadt) : NULL;
	if (!dsdt || dsdt->length < sizeof(*dsdt)) {
		return NULL;
	}
	*len = dsdt->length - sizeof(*dsdt);
	return (const uint8_t *)(dsdt + 1);
}

int acpi_poweroff(void)
{
	const struct acpi_rsdp *rsdp = rsdp_find();
	const struct acpi_fadt *fadt;
	const struct acpi_header *dsdt;
	int typ_a, typ_b;

	if (!rsdp) {
		pr_err("no RSDP found; cannot power off\n");
		return -ENODEV;
	}
	fadt = (const struct acpi_fadt *)acpi_find_table(rsdp, "FACP");
	dsdt = fadt ? fadt_dsdt(fadt) : NULL;
	if (!dsdt || s5_sleep_types(dsdt, &typ_a, &typ_b) < 0) {
		pr_err("no FADT, DSDT or \\_S5 object; cannot power off\n");
		return -ENODEV;
	}
	if (fadt->header.length >= sizeof(*fadt) && (fadt->flags & ACPI_FADT_HW_REDUCED)) {
		gas_write8(&fadt->sleep_control,
			   (uint8_t)((typ_a << ACPI_SLEEP_CTL_TYP_SHIFT) | ACPI_SLEEP_CTL_SLP_EN));
		return -EIO;
	}
	if (fadt->pm1a_cnt_blk) {
		outw((uint16_t)fadt->pm1a_cnt_blk,
		     (uint16_t)((typ_a << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN));
	}
	if (fadt->pm1b_cnt_blk) {
		outw((uint16_t)fadt->pm1b_cnt_blk,
		     (uint16_t)((typ_b << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN));
	}
	return -EIO; /* still running: the write did not take */
}
