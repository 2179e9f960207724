/* SPDX-License-Identifier: MIT */
/*
 * main.c - kmain(): the boot order, common to every boot path.
 *
 * Entered once, on the boot CPU's boot stack, with a normalised boot_info.
 */
#define pr_fmt(fmt) "toro: " fmt
#include <toro/string.h>
#include <toro/stdlib.h>
#include <kernel/boot_info.h>
#include <kernel/cmdline.h>
#include <kernel/initcall.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <toro/thread.h>
#include "boot_stats.h"

int app_run(int argc, char **argv);

static char cmdline_buf[BOOT_CMDLINE_MAX];
static char *words[CMDLINE_WORDS_MAX];

static int app_argc;
static char **app_argv;

/*
 * main() runs in a thread, after the init levels that may block (disks,
 * mounts); when it returns, the exit level syncs and the machine stops.
 */
static void *main_thread(void *unused)
{
	int code;

	initcalls_run(INITCALL_THREAD);
	initcalls_run(INITCALL_MOUNT);
	code = app_run(app_argc, app_argv);
	initcalls_run(INITCALL_EXIT);
	machine_exit(code);
}

/* The words after `--` are the application's; returns their index. */
static int find_app_args(int n)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(words[i], "--") == 0) {
			return i;
		}
	}
	return n;
}

void kmain(struct boot_info *bi)
{
	const char *level;
	int n, split;

	boot_stats_mark(BOOT_STAT_KMAIN);

	/* 1. Consoles first, so everything after can be reported. */
	initcalls_run(INITCALL_CONSOLE);

	/* 2. The command line: a loader's, else the built-in one. */
	if (!bi->cmdline[0]) {
		bi->cmdline = CONFIG_CMDLINE;
	}
	strlcpy(cmdline_buf, bi->cmdline, sizeof(cmdline_buf));
	n = cmdline_split(cmdline_buf, words, CMDLINE_WORDS_MAX);
	if (n < 0) {
		pr_warn("command line has more than %d words; ignoring it\n", CMDLINE_WORDS_MAX);
		n = 0;
	}
	cmdline_hoist(words, n, "virtio_mmio.device="); /* QEMU microvm appends these */
	split = find_app_args(n);
	cmdline_set_kernel_words(words, split); /* for drivers' cmdline_each() */
	level = cmdline_find(words, split, "loglevel");
	if (level) {
		printk_set_level(atoi(level));
	}

	/* 3. How many CPUs: the boot line says. */
	smp_discover();
	pr_info("%s boot, %u cpu%s, %llu MiB, cmdline \"%s\"\n", bi->path_name, cpu_count(),
		cpu_count() == 1 ? "" : "s",
		(unsigned long long)((boot_mem_usable(bi) + (1 << 20) - 1) >> 20), bi->cmdline);
	if (bi->mem_count == 0) {
		panic("the boot loader gave no memory map");
	}
	mm_init(bi); /* the page allocator and cpu0's heap, before anything allocates */

	/* 4. Platform, subsystems, drivers, file systems. */
	for (int lvl = INITCALL_ARCH; lvl <= INITCALL_LATE; lvl++) {
		initcalls_run(lvl);
	}

	/* 5. Schedulers: this context becomes CPU 0's idle thread; the others start. */
	if (sched_init() < 0) {
		panic("no memory for the scheduler");
	}
	smp_start();

	/* 6. The application's main() as a thread of CPU 0; argv[1...] follow `--`. */
	if (split < n) {
		split++;
	}
	app_argc = n - split;
	app_argv = words + split;
	if (!thread_create(0, main_thread, NULL, CONFIG_MAIN_STACK_KIB * 1024)) {
		panic("no memory for the main thread");
	}
	sched_idle_loop();
}
