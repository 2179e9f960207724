/* SPDX-License-Identifier: MIT */
/*
 * kvmclock.c - KVM's paravirtual clock as a source of the TSC frequency and
 * of the wall clock (clocks.h), when the hypervisor offers it (CPUID
 * 0x40000001 EAX bit 3, KVM_FEATURE_CLOCKSOURCE2). Never under TCG: QEMU
 * exposes the KVM leaves only with -accel kvm.
 *
 * Used once, lazily: each call registers a structure with the host, takes one
 * consistent snapshot (the version protocol of msr.rst) and unregisters it,
 * so the host never writes into kernel memory afterwards. Kernel memory is
 * identity-mapped, so a variable's address is the guest-physical address the
 * MSRs want.
 */
#include <stdbool.h>
#include <toro/string.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/time.h>
#include <asm/cpu.h>
#include "clocks.h"
#include "kvmclock_reg.h"

/* msr.rst: 4-byte aligned; 32 keeps the structure within one page. */
static struct pvclock_vcpu_time_info vcpu_time __aligned(32);
static struct pvclock_wall_clock wall_clock __aligned(16);

bool kvmclock_present(void)
{
	uint32_t a, b, c, d;
	char sig[KVM_SIGNATURE_LEN];

	cpuid(CPUID_FEATURES, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_HYPERVISOR)) {
		return false;
	}
	cpuid(CPUID_HV_BASE, 0, &a, &b, &c, &d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	if (memcmp(sig, KVM_SIGNATURE, KVM_SIGNATURE_LEN) != 0 || a < CPUID_KVM_FEATURES) {
		return false;
	}
	cpuid(CPUID_KVM_FEATURES, 0, &a, &b, &c, &d);
	return a & KVM_FEATURE_CLOCKSOURCE2;
}

/* A copy of the host's structure taken between two equal, even versions. */
static void vcpu_time_snapshot(struct pvclock_vcpu_time_info *snap)
{
	const volatile struct pvclock_vcpu_time_info *src = &vcpu_time;
	uint32_t version;

	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)&vcpu_time | KVM_SYSTEM_TIME_ENABLE);
	do {
		version = src->version;
		/* Orders the version read before the fields (the host bumps it around writes). */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		snap->tsc_timestamp = src->tsc_timestamp;
		snap->system_time = src->system_time;
		snap->tsc_to_system_mul = src->tsc_to_system_mul;
		snap->tsc_shift = src->tsc_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != src->version);
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
}

uint64_t kvmclock_tsc_hz(void)
{
	struct pvclock_vcpu_time_info snap;
	struct time_scale scale;

	vcpu_time_snapshot(&snap);
	if (time_scale_from_pvclock(&scale, snap.tsc_to_system_mul, snap.tsc_shift) < 0) {
		return 0;
	}
	return time_scale_source_hz(&scale);
}

/* Returns -EIO if the host did not fill the structure (its version is still 0). */
static int wall_clock_read(uint32_t *sec, uint32_t *nsec)
{
	const volatile struct pvclock_wall_clock *src = &wall_clock;
	uint32_t version;

	/* The host fills the structure when the MSR is written (msr.rst). */
	wrmsr(MSR_KVM_WALL_CLOCK_NEW, (uintptr_t)&wall_clock);
	do {
		version = src->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		*sec = src->sec;
		*nsec = src->nsec;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != src->version);
	return version ? 0 : -EIO;
}

int kvmclock_wall(int64_t *unix_ns, uint64_t *tsc)
{
	struct pvclock_vcpu_time_info snap;
	struct time_scale scale;
	uint32_t sec, nsec;
	uint64_t since_boot;

	if (wall_clock_read(&sec, &nsec) < 0) {
		return -EIO;
	}
	vcpu_time_snapshot(&snap);
	if (time_scale_from_pvclock(&scale, snap.tsc_to_system_mul, snap.tsc_shift) < 0) {
		return -EIO;
	}
	*tsc = rdtsc();
	since_boot = snap.system_time;
	if (*tsc > snap.tsc_timestamp) {
		since_boot += time_scale_apply(&scale, *tsc - snap.tsc_timestamp);
	}
	*unix_ns = (int64_t)sec * (int64_t)NSEC_PER_SEC + nsec + (int64_t)since_boot;
	return 0;
}
