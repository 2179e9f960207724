/* SPDX-License-Identifier: MIT */
/*
 * init.c - the Linux reference guest's whole user space (bench/linux.py
 * packs it as /init of an initramfs). It does what hello does on Toro: print
 * one line, then end the machine. The line carries CLOCK_BOOTTIME, the
 * kernel's own idea of how long it took to reach user space.
 *
 * With `toro_kbench=1` on the kernel command line (the kernel hands such
 * unknown name=value words to init as environment, see the kernel's
 * Documentation/admin-guide/kernel-parameters.rst), it then runs /kbench
 * (bench/linux/kbench.c, only in the kbench initramfs) and waits for it
 * before ending the machine. Likewise `toro_fsbench=write|read` runs
 * /fsbench (bench/linux/fsbench.c, only in the storage initramfs), passing
 * the environment on: its toro_fsbench* words say what to do. Without them,
 * nothing else happens: the hello boot that `make bench` times is the same
 * as before.
 *
 * Exit: isa-debug-exit at port 0xf4 (QEMU exits at once, status 1) when the
 * device is there; otherwise reboot(RB_POWER_OFF), which with -no-reboot
 * also ends QEMU.
 *
 * Built with `gcc -static -Os -s`; no stdio, to keep it small.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4

static char *put_dec(char *p, unsigned long v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n) {
		*p++ = tmp[--n];
	}
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s) {
		*p++ = *s++;
	}
	return p;
}

/* Whether the environment holds @word ("name=value"), or with @prefix_only a word starting so. */
static int env_has(char **envp, const char *word, int prefix_only)
{
	for (; *envp; envp++) {
		const char *a = *envp, *b = word;

		while (*b && *a == *b) {
			a++;
			b++;
		}
		if (!*b && (prefix_only || !*a)) {
			return 1;
		}
	}
	return 0;
}

/* Run @path with @envp, its stdout on @fd, and wait for it. */
static void run_program(int fd, char *path, char **envp)
{
	char *argv[] = { path, 0 };
	char fail[96], *p = fail;
	pid_t pid = fork();

	if (pid == 0) {
		if (fd > 1) {
			dup2(fd, 1);
		}
		execve(argv[0], argv, envp);
		p = put_str(put_str(put_str(p, "toro-bench: error: cannot exec "), path), "\n");
		(void)write(1, fail, (size_t)(p - fail));
		_exit(127);
	}
	if (pid > 0) {
		while (waitpid(pid, 0, 0) < 0 && errno == EINTR) {
		}
	}
}

int main(int argc, char **argv, char **envp)
{
	struct timespec ts = { 0, 0 };
	char line[96], *p = line;
	int fd = 1;

	(void)argc;
	(void)argv;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	p = put_str(p, "toro-bench: linux init ");
	p = put_dec(p, (unsigned long)ts.tv_sec * 1000000UL + (unsigned long)ts.tv_nsec / 1000);
	p = put_str(p, " us\n");

	if (write(fd, line, (size_t)(p - line)) < 0) {
		/* No console on fd 1: open it ourselves. */
		fd = open("/dev/console", O_WRONLY | O_NOCTTY);
		if (fd >= 0) {
			(void)write(fd, line, (size_t)(p - line));
		}
	}

	if (env_has(envp, "toro_kbench=1", 0)) {
		char *none[] = { 0 };

		run_program(fd, "/kbench", none);
	}
	if (env_has(envp, "toro_fsbench=", 1)) {
		run_program(fd, "/fsbench", envp);
	}

	if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0) {
		outb(0, DEBUG_EXIT_PORT);
	}
	sync();
	reboot(RB_POWER_OFF);
	for (;;) {
		pause();
	}
}
