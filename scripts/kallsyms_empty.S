/* SPDX-License-Identifier: MIT */
/* kallsyms_empty.S - the empty symbol table of the first link (see Makefile). */
	.section .kallsyms, "a"
	.balign 8
	.globl kallsyms_count, kallsyms_offsets, kallsyms_names, kallsyms_strings
kallsyms_count:
	.quad 0
kallsyms_offsets:
kallsyms_names:
kallsyms_strings:
