/* SPDX-License-Identifier: MIT */
/* smp.h - the x86 side of starting CPUs that x86_boot() sets up (arch/x86_64/kernel/smp.c). */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <kernel/boot_info.h>
#include <kernel/compiler.h>

/*
 * Choose the page below 1 MiB where arch_cpu_start() will copy the AP
 * trampoline: usable RAM in @bi's map that holds nothing the kernel still
 * reads (boot modules, command lines, the RSDP). 0x8000 unless that is
 * taken. Called once by x86_boot(), before kmain().
 */
void smp_trampoline_reserve(const struct boot_info *bi) __cold;

#endif
