/* SPDX-License-Identifier: MIT */
/*
 * pmtimer_reg.h - the ACPI power management timer (ACPI 6.5 §4.8.3.3) and
 * the FADT fields that locate it (ACPI 6.5 §5.2.9, tables 5.9 and 5.10).
 * acpi_reg.h's struct acpi_fadt skips these bytes: they are named here by
 * offset rather than by reshaping that shared structure.
 */
#ifndef PMTIMER_REG_H
#define PMTIMER_REG_H

#define PMTIMER_HZ 3579545 /* §4.8.3.3: 3.579545 MHz */
#define PMTIMER_BITS_BASE 24
#define PMTIMER_BITS_EXT 32

/* FADT offsets (table 5.9). */
#define FADT_PM_TMR_BLK 76    /* 4 bytes: I/O port of the timer, 0 if none */
#define FADT_PM_TMR_LEN 91    /* 1 byte: 4 when the timer exists, else 0 */
#define FADT_FLAGS 112	      /* 4 bytes */
#define FADT_X_PM_TMR_BLK 208 /* a Generic Address Structure (12 bytes) */
#define FADT_X_PM_TMR_END (FADT_X_PM_TMR_BLK + 12)
#define FADT_PM_TMR_LEN_VALID 4

/* FADT flags (table 5.10): TMR_VAL_EXT, the counter is 32 bits wide, not 24. */
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)

#endif
