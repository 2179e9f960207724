/* SPDX-License-Identifier: MIT */
/*
 * fw_tables_env.h - what the firmware-table parsers (madt.c, mptable.c)
 * report to, recorded for the host tests test_madt.c and test_mptable.c: the
 * sinks of cpus.h and a printk() that keeps the log.
 */
#ifndef FW_TABLES_ENV_H
#define FW_TABLES_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <asm/ioapic.h>
#include "../../../../../arch/x86_64/kernel/cpus.h"

#define ENV_CPUS_MAX 64
#define ENV_IOAPIC_PINS 24 /* what every recorded IOAPIC claims to have */

static struct {
	uint32_t apic_id[ENV_CPUS_MAX];
	unsigned int cpus;
	struct ioapic ioapic[IOAPIC_MAX];
	unsigned int ioapics;
	struct irq_override override[IRQ_OVERRIDE_MAX];
	unsigned int overrides;
	const char *source;
	char log[4096];
} env;

static void env_reset(void)
{
	memset(&env, 0, sizeof(env));
}

void cpus_add(uint32_t apic_id)
{
	if (env.cpus < ENV_CPUS_MAX) {
		env.apic_id[env.cpus++] = apic_id;
	}
}

int ioapic_add(uint8_t id, uint32_t addr, uint32_t gsi_base, bool gsi_follows)
{
	struct ioapic *io = &env.ioapic[env.ioapics];

	if (env.ioapics == IOAPIC_MAX) {
		return -1;
	}
	io->id = id;
	io->base = addr;
	io->gsi_base = gsi_follows ? env.ioapics * ENV_IOAPIC_PINS : gsi_base;
	io->pins = ENV_IOAPIC_PINS;
	env.ioapics++;
	return 0;
}

const struct ioapic *ioapic_by_id(uint8_t id)
{
	for (unsigned int i = 0; i < env.ioapics; i++) {
		if (env.ioapic[i].id == id) {
			return &env.ioapic[i];
		}
	}
	return NULL;
}

void irq_override_add(uint8_t irq, uint32_t gsi, uint16_t flags)
{
	if (env.overrides < IRQ_OVERRIDE_MAX) {
		env.override[env.overrides++] = (struct irq_override){irq, gsi, flags};
	}
}

void irq_routing_set_source(const char *source)
{
	env.source = source;
}

int printk(int level, const char *fmt, ...)
{
	size_t len = strlen(env.log);
	va_list ap;
	int n;

	(void)level;
	va_start(ap, fmt);
	n = vsnprintf(env.log + len, sizeof(env.log) - len, fmt, ap);
	va_end(ap);
	return n;
}

/* Was @text logged (since env_reset())? */
static bool env_logged(const char *text)
{
	return strstr(env.log, text) != NULL;
}

#endif
