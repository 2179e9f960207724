/* SPDX-License-Identifier: MIT */
/*
 * pmtimer.c - the ACPI PM timer as a reference clock for the TSC calibration
 * (clocks.h): 3.579545 MHz, 24 bits (wraps every 4.7 s) or 32 bits with
 * TMR_VAL_EXT. QEMU's pc (PIIX4) and q35 (ICH9) have one; microvm, a
 * hardware-reduced ACPI platform, has none. Free-running from power-on:
 * nothing to start.
 */
#include <toro/string.h>
#include <kernel/errno.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include "acpi_reg.h"
#include "clocks.h"
#include "pmtimer_reg.h"

static uint16_t pmtimer_port;
static uintptr_t pmtimer_mmio;

static uint64_t pmtimer_read_port(void)
{
	return inl(pmtimer_port);
}

static uint64_t pmtimer_read_mmio(void)
{
	return mmio_read32(pmtimer_mmio);
}

/* X_PM_TMR_BLK when the FADT is long enough and sets it (ACPI 6.5 §5.2.9), else PM_TMR_BLK. */
static int pmtimer_locate(const uint8_t *fadt, uint32_t length)
{
	struct acpi_gas gas;
	uint32_t port;

	if (length >= FADT_X_PM_TMR_END) {
		memcpy(&gas, fadt + FADT_X_PM_TMR_BLK, sizeof(gas));
		if (gas.address && gas.space_id == ACPI_GAS_IO) {
			pmtimer_port = (uint16_t)gas.address;
			return 0;
		}
		if (gas.address && gas.space_id == ACPI_GAS_MEMORY) {
			pmtimer_mmio = (uintptr_t)gas.address;
			return 0;
		}
	}
	memcpy(&port, fadt + FADT_PM_TMR_BLK, sizeof(port));
	if (port && fadt[FADT_PM_TMR_LEN] == FADT_PM_TMR_LEN_VALID) {
		pmtimer_port = (uint16_t)port;
		return 0;
	}
	return -ENODEV;
}

int pmtimer_refclock_init(struct refclock *ref)
{
	const struct acpi_header *fadt = acpi_table("FACP");
	uint32_t flags;

	if (!fadt || fadt->length < FADT_FLAGS + sizeof(flags) ||
	    pmtimer_locate((const uint8_t *)fadt, fadt->length) < 0) {
		return -ENODEV;
	}
	memcpy(&flags, (const uint8_t *)fadt + FADT_FLAGS, sizeof(flags));
	ref->name = "pm-timer";
	ref->hz = PMTIMER_HZ;
	ref->bits = flags & FADT_FLAG_TMR_VAL_EXT ? PMTIMER_BITS_EXT : PMTIMER_BITS_BASE;
	ref->read = pmtimer_mmio ? pmtimer_read_mmio : pmtimer_read_port;
	return 0;
}
