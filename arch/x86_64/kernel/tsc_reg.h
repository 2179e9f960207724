/* SPDX-License-Identifier: MIT */
/*
 * tsc_reg.h - the CPUID leaves that state the TSC frequency (Intel SDM vol. 2A,
 * CPUID, "Time Stamp Counter and Nominal Core Crystal Clock Information Leaf"
 * 15H and "Processor Frequency Information Leaf" 16H; SDM vol. 3B §18.7.3,
 * "Determining the Processor Base Frequency") and the hypervisor leaves.
 */
#ifndef TSC_REG_H
#define TSC_REG_H

#define CPUID_MAX_BASIC 0x00
#define CPUID_FEATURES 0x01
/*
 * CPUID.1:ECX bit 31: running under a hypervisor. Hardware returns 0 (SDM vol. 2A,
 * table 3-10); hypervisors set it so guests look at leaf 0x40000000.
 */
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

/* Leaf 15H: TSC = ECX (crystal Hz) * EBX / EAX; EBX = 0: no ratio; ECX = 0: no crystal. */
#define CPUID_TSC_CRYSTAL 0x15
/* Leaf 16H: EAX[15:0] is the base frequency in MHz, the TSC's when 15H names no crystal. */
#define CPUID_FREQUENCY 0x16
#define CPUID_16_MHZ_MASK 0xffff

/* Hypervisor leaves: 0x40000000 EAX is the highest one; 0x400000ff ends the range. */
#define CPUID_HV_BASE 0x40000000
#define CPUID_HV_LAST 0x400000ff
/* The VMware-defined timing leaf (also KVM/QEMU's vmware-cpuid-freq): EAX = TSC kHz. */
#define CPUID_HV_TIMING 0x40000010

#endif
