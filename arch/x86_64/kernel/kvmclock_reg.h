/* SPDX-License-Identifier: MIT */
/*
 * kvmclock_reg.h - KVM's paravirtual clock: the CPUID leaves that offer it
 * (Linux Documentation/virt/kvm/x86/cpuid.rst) and the MSRs and shared
 * structures (Documentation/virt/kvm/x86/msr.rst, MSR_KVM_WALL_CLOCK_NEW and
 * MSR_KVM_SYSTEM_TIME_NEW).
 */
#ifndef KVMCLOCK_REG_H
#define KVMCLOCK_REG_H

#include <stdint.h>
#include <kernel/compiler.h>

#include "tsc_reg.h"

/* cpuid.rst: leaf 0x40000000 (CPUID_HV_BASE) has the signature in EBX, ECX, EDX. */
#define CPUID_KVM_FEATURES 0x40000001
#define KVM_SIGNATURE "KVMKVMKVM\0\0\0"
#define KVM_SIGNATURE_LEN 12
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3) /* the *_NEW MSRs below */

#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01
#define KVM_SYSTEM_TIME_ENABLE 1 /* bit 0 of the address written */

/*
 * msr.rst, MSR_KVM_SYSTEM_TIME_NEW: per-vCPU, updated by the host; time in
 * ns since the guest's boot is system_time plus the TSC ticks since
 * tsc_timestamp, shifted by tsc_shift and multiplied by tsc_to_system_mul / 2^32.
 * An odd version means an update is in progress.
 */
struct pvclock_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __packed;
_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "msr.rst: 32 bytes");

/* msr.rst, MSR_KVM_WALL_CLOCK_NEW: the wall time when system_time was 0. */
struct pvclock_wall_clock {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __packed;
_Static_assert(sizeof(struct pvclock_wall_clock) == 12, "msr.rst: 12 bytes");

#endif
