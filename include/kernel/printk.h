/* SPDX-License-Identifier: MIT */
/*
 * printk.h - kernel log. Each file may define pr_fmt(fmt) before including
 * this to prefix its messages, e.g. #define pr_fmt(fmt) "acpi: " fmt.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <kernel/compiler.h>

#define LOGLEVEL_EMERG 0
#define LOGLEVEL_ALERT 1
#define LOGLEVEL_CRIT 2
#define LOGLEVEL_ERR 3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_NOTICE 5
#define LOGLEVEL_INFO 6
#define LOGLEVEL_DEBUG 7

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

/* Print at @level if it passes the console log level; returns chars printed. */
int printk(int level, const char *fmt, ...) __printf(2, 3);
int vprintk(int level, const char *fmt, va_list ap);

/* Set the console log level (0..7); messages below it are printed. */
void printk_set_level(int level);

#define pr_emerg(fmt, ...) printk(LOGLEVEL_EMERG, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(LOGLEVEL_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(LOGLEVEL_WARNING, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(LOGLEVEL_NOTICE, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(LOGLEVEL_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)                                                          \
	do {                                                                        \
		if (IS_ENABLED(CONFIG_DEBUG_KERNEL))                                \
			printk(LOGLEVEL_DEBUG, pr_fmt(fmt), ##__VA_ARGS__);         \
	} while (0)

#endif
