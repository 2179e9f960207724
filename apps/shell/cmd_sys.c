// SPDX-License-Identifier: MIT
/*
 * cmd_sys.c - the shell's commands that every configuration has: help,
 * cpus, mem, uptime, sleep, lspci ("no PCI" unless cmd_pci.c is built in, with
 * CONFIG_PCI) and poweroff.
 */
#include <stdbool.h>
#include <stdint.h>
#include <toro/errno.h>
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/stdlib.h>
#include <toro/thread.h>
#include <toro/time.h>
#include "shell.h"

#define NS_PER_MS 1000000ull
#define MS_PER_S 1000ull
#define EXIT_CODE_MAX 255 /* isa-debug-exit and shells keep 8 bits */
#define SLEEP_MAX_MS (24ull * 3600 * 1000)

bool shell_exit_requested;
int shell_exit_code;

bool shell_parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+') {
		return false;
	}
	*out = strtoull(s, &end, 0);
	return *end == '\0';
}

static void help_line(const struct shell_cmd *cmd)
{
	printf("%s - %s\n", cmd->name, cmd->summary);
}

static int cmd_help(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		return shell_usage("help");
	}
	shell_for_each_cmd(help_line);
	return 0;
}

static int cmd_cpus(int argc, char **argv)
{
	unsigned int n = cpu_count();

	(void)argv;
	if (argc != 1) {
		return shell_usage("cpus");
	}
	printf("cpus: %u\n", n);
	for (unsigned int i = 0; i < n; i++) {
		struct cpu_sched_info info;

		if (cpu_sched_info(i, &info)) {
			continue;
		}
		printf("cpu %u: %s, %llu switches, %llu threads\n", i,
		       info.online ? "online" : "offline", (unsigned long long)info.switches,
		       (unsigned long long)info.threads_run);
	}
	return 0;
}

static int cmd_mem(int argc, char **argv)
{
	static struct mem_stats st; /* 1.5 KiB: not on the stack */

	(void)argv;
	if (argc != 1) {
		return shell_usage("mem");
	}
	mem_stats(&st);
	printf("heap: %zu bytes in use of %zu, %zu bytes free in no heap\n", st.in_use,
	       st.heap_bytes, st.free_bytes);
	for (unsigned int i = 0; i < st.cpu_count && i < MEM_STATS_CPUS && i < cpu_count(); i++) {
		printf("cpu %u: %zu bytes in use (peak %zu) of %zu\n", i, st.cpu[i].in_use,
		       st.cpu[i].peak, st.cpu[i].heap_bytes);
	}
	return 0;
}

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ms = time_ns() / NS_PER_MS;

	(void)argv;
	if (argc != 1) {
		return shell_usage("uptime");
	}
	printf("up %llu.%03llu s\n", (unsigned long long)(ms / MS_PER_S),
	       (unsigned long long)(ms % MS_PER_S));
	return 0;
}

static int cmd_sleep(int argc, char **argv)
{
	unsigned long long ms;

	if (argc != 2 || !shell_parse_u64(argv[1], &ms) || ms > SLEEP_MAX_MS) {
		return shell_usage("sleep");
	}
	thread_sleep_ms(ms);
	return 0;
}

/* Replaced by cmd_pci.c when the kernel has PCI (CONFIG_PCI). */
__attribute__((weak)) int shell_lspci(void)
{
	printf("no PCI\n");
	return 0;
}

static int cmd_lspci(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		return shell_usage("lspci");
	}
	return shell_lspci();
}

static int cmd_poweroff(int argc, char **argv)
{
	unsigned long long code = 0;

	if (argc > 2 || (argc == 2 && (!shell_parse_u64(argv[1], &code) || code > EXIT_CODE_MAX))) {
		return shell_usage("poweroff");
	}
	shell_exit_code = (int)code;
	shell_exit_requested = true;
	return 0;
}

const struct shell_cmd shell_sys_cmds[] = {
	{"help", "help", "list the commands", cmd_help},
	{"cpus", "cpus", "CPUs, their context switches and threads started", cmd_cpus},
	{"mem", "mem", "heap memory in use, per CPU", cmd_mem},
	{"uptime", "uptime", "time since boot", cmd_uptime},
	{"sleep", "sleep MS", "wait MS milliseconds (input typed meanwhile is kept)", cmd_sleep},
	{"lspci", "lspci", "PCI devices: BB:DD.F VVVV:DDDD class CCSSPP", cmd_lspci},
	{"poweroff", "poweroff [CODE]", "sync, unmount and stop with exit code CODE (0-255)",
	 cmd_poweroff},
	{NULL, NULL, NULL, NULL},
};
