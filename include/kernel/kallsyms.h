/* SPDX-License-Identifier: MIT */
/*
 * kallsyms.h - function names for addresses, from the symbol table that
 * scripts/kallsyms.py links into the image (empty without CONFIG_KALLSYMS).
 */
#ifndef KERNEL_KALLSYMS_H
#define KERNEL_KALLSYMS_H

#include <stdint.h>
#include <kernel/compiler.h>

/*
 * Find the function containing @addr. Returns its name and sets *@offset to
 * @addr's distance from its start and *@size to its length; returns NULL (and
 * leaves both alone) when @addr is in no known function or there is no table.
 */
const char *kallsyms_lookup(uintptr_t addr, uintptr_t *offset, uintptr_t *size) __cold;

#endif
