/* SPDX-License-Identifier: MIT */
/*
 * hpet.c - the HPET's main counter as a reference clock for the TSC
 * calibration (clocks.h). The best of the three: QEMU's pc and q35 have one,
 * at 100 MHz with a 64-bit counter that never wraps in practice; microvm has
 * none. Found through the ACPI HPET table; only the main counter is used, no
 * timer comparator, so enabling it raises no interrupt.
 */
#include <kernel/errno.h>
#include <asm/acpi.h>
#include "clocks.h"
#include "hpet_reg.h"

static uintptr_t hpet_base;

static uint64_t hpet_reg_read(unsigned int reg)
{
	return *(volatile uint64_t *)(hpet_base + reg);
}

static void hpet_reg_write(unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(hpet_base + reg) = v;
}

static uint64_t hpet_read(void)
{
	return hpet_reg_read(HPET_REG_MAIN_COUNTER);
}

/* A 32-bit main counter (COUNT_SIZE_CAP clear) is the low half of the register. */
static uint64_t hpet_read32(void)
{
	return *(volatile uint32_t *)(hpet_base + HPET_REG_MAIN_COUNTER);
}

int hpet_refclock_init(struct refclock *ref)
{
	const struct acpi_hpet *t = (const void *)acpi_table("HPET");
	uint64_t caps, period;

	if (!t || t->header.length < sizeof(*t) || t->base_address.space_id != ACPI_GAS_MEMORY ||
	    !t->base_address.address) {
		return -ENODEV;
	}
	hpet_base = (uintptr_t)t->base_address.address;
	caps = hpet_reg_read(HPET_REG_CAPABILITIES);
	period = caps >> HPET_CAP_PERIOD_SHIFT;
	/* §2.3.4: the period is non-zero and at most 100 ns; all ones is no device. */
	if (period == 0 || period > HPET_PERIOD_MAX_FS) {
		return -ENODEV;
	}
	hpet_reg_write(HPET_REG_CONFIG, hpet_reg_read(HPET_REG_CONFIG) | HPET_CFG_ENABLE);
	ref->name = "hpet";
	ref->hz = HPET_FS_PER_SEC / period;
	ref->bits = caps & HPET_CAP_COUNT_SIZE_64 ? 64 : 32;
	ref->read = ref->bits == 64 ? hpet_read : hpet_read32;
	return 0;
}
