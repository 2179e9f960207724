/* SPDX-License-Identifier: MIT */
/*
 * initcall.h - init functions registered in linker sections, so that Kconfig
 * alone decides which exist: an object that is not built registers nothing.
 *
 *   static int uart_init(void) { ... }
 *   initcall(uart_init, INITCALL_CONSOLE);
 *
 * kmain() runs levels CONSOLE..LATE in order on the boot stack (no thread
 * yet, so nothing may block); CPU 0's first thread runs THREAD and MOUNT
 * before main() (disk I/O allowed: partition tables, the root mount) and
 * EXIT after main() returns (sync and unmount). Within a level, link order.
 */
#ifndef KERNEL_INITCALL_H
#define KERNEL_INITCALL_H

typedef int (*initcall_fn)(void);

#define INITCALL_CONSOLE 0	/* consoles: before anything prints */
#define INITCALL_ARCH 1		/* CPU and platform tables */
#define INITCALL_SUBSYS 2	/* subsystems drivers register with */
#define INITCALL_DEVICE 3	/* drivers */
#define INITCALL_FS 4		/* mounts */
#define INITCALL_LATE 5		/* anything that needs all of the above */
#define INITCALL_THREAD 6	/* in a thread of CPU 0, before main(): partition scans */
#define INITCALL_MOUNT 7	/* in that thread: the root file system */
#define INITCALL_EXIT 8		/* after main() returns: sync, unmount, flush */

#define __initcall_str(x) #x
#define __initcall_sec(level) ".initcall." __initcall_str(level)
#define initcall(fn, level)                                                    \
	static const initcall_fn __initcall_##fn __attribute__((used))        \
	__attribute__((section(__initcall_sec(level)))) = fn

/* Run every initcall of @level; a failing one is logged, not fatal. */
void initcalls_run(int level);

#endif
