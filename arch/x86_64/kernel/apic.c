/* SPDX-License-Identifier: MIT */
/*
 * apic.c - each CPU's local APIC in xAPIC mode: enabling it, its ID, and
 * inter-processor interrupts. The timer is in apic_timer.c.
 *
 * Every CPU finds its own local APIC at the same physical address, the one
 * in IA32_APIC_BASE (Intel SDM vol. 3A §10.4.1); paging.c identity-maps it
 * with the rest of the first 4 GiB. The only interrupts a CPU takes are the
 * wake-up IPI and its timer: their handler (entry.S) acknowledges with a
 * store to the EOI register and returns, which ends a HLT.
 */
#define pr_fmt(fmt) "apic: " fmt
#include <stdbool.h>
#include <stdint.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/irq_vectors.h>
#include "apic_reg.h"
#include "clocks.h"
#include "lapic.h"

/* How long a send may stay pending: far more than any APIC takes (a few us). */
#define ICR_IDLE_TIMEOUT_MS 10

uintptr_t lapic_base;
uintptr_t lapic_eoi_register;

/*
 * Globally enable the APIC in xAPIC mode. Firmware that left it in x2APIC
 * mode must go through "disabled" first: x2APIC -> xAPIC directly is an
 * illegal transition (§10.12.5, figure 10-27).
 */
static uintptr_t lapic_enable_xapic(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	if (base & APIC_BASE_EXTD) {
		wrmsr(MSR_IA32_APIC_BASE, base & ~(APIC_BASE_EXTD | APIC_BASE_ENABLE));
		base &= ~APIC_BASE_EXTD;
	}
	if (!(base & APIC_BASE_ENABLE)) {
		base |= APIC_BASE_ENABLE;
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	return (uintptr_t)(base & APIC_BASE_ADDR_MASK);
}

void lapic_init(bool boot_cpu)
{
	uintptr_t base = lapic_enable_xapic();

	/* The same on every CPU (§10.4.1); written before any interrupt can come. */
	lapic_base = base;
	lapic_eoi_register = base + APIC_EOI;

	/* Accept every priority class (§10.8.3.1). */
	lapic_write(APIC_TPR, 0);
	/*
	 * External interrupts come through the IOAPIC, not LINT0 (the PICs'
	 * virtual-wire input, §10.5.1). LINT1 is the NMI input on the boot CPU
	 * (MP spec 1.4 §5.1, default configurations); errors are not reported.
	 */
	lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, boot_cpu ? APIC_LVT_DM_NMI : APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	/* The ESR is updated by a write before it is read (§10.5.3); clear it. */
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_ESR, 0);
	lapic_timer_setup();
	/* Software enable last, with the vector of spurious interrupts (§10.9). */
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

uint32_t lapic_id(void)
{
	return lapic_read(APIC_ID) >> APIC_ID_SHIFT;
}

/* Wait until the ICR has handed the last IPI on (delivery status idle, §10.6.1). */
static int lapic_wait_icr_idle(void)
{
	uint64_t start = rdtsc();

	while (lapic_read(APIC_ICR_LOW) & APIC_ICR_BUSY) {
		if (rdtsc() - start > TSC_AT_LEAST_MS(ICR_IDLE_TIMEOUT_MS)) {
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	return 0;
}

/*
 * Send one IPI. Interrupts are off across the two ICR writes, so an
 * interrupt handler that sends an IPI of its own cannot come in between.
 * The write to ICR_LOW is what sends (§10.6.1). The stores before this call
 * (e.g. the trampoline's data, a published message) are visible to the
 * destination before the IPI: the ICR is strong uncacheable memory, and x86
 * never makes a store visible before an older one (§8.2.2); the "memory"
 * clobbers keep the compiler from moving them past it.
 */
static int lapic_send(uint32_t apic_id, uint32_t command)
{
	uint64_t flags;
	int err;

	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	err = lapic_wait_icr_idle();
	if (!err) {
		lapic_write(APIC_ICR_HIGH, apic_id << APIC_ICR_DEST_SHIFT);
		lapic_write(APIC_ICR_LOW, command);
		err = lapic_wait_icr_idle();
	}
	__asm__ __volatile__("pushq %0; popfq" : : "r"(flags) : "memory", "cc");
	if (err) {
		pr_err("IPI 0x%x to apic id %u stuck in the ICR\n", command, apic_id);
	}
	return err;
}

int lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	return lapic_send(apic_id, APIC_ICR_DM_FIXED | APIC_ICR_LEVEL_ASSERT | vector);
}

int lapic_send_init(uint32_t apic_id)
{
	return lapic_send(apic_id, APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT);
}

int lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	return lapic_send(apic_id, APIC_ICR_DM_STARTUP | APIC_ICR_LEVEL_ASSERT | page);
}
