/* SPDX-License-Identifier: MIT */
/* compiler.h - attributes and helpers the kernel uses everywhere. */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#define __packed __attribute__((packed))
#define __noreturn __attribute__((noreturn))
/* Run rarely (boot-once setup, failure paths): GCC optimises it for size. */
#define __cold __attribute__((cold))
#define __used __attribute__((used))
#define __section(s) __attribute__((section(s)))
#define __aligned(n) __attribute__((aligned(n)))
#define __printf(a, b) __attribute__((format(__printf__, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Compiler barrier: no memory access moves across it. */
#define barrier() __asm__ __volatile__("" ::: "memory")

#endif
