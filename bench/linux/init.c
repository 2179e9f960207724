/* SPDX-License-Identifier: MIT */
/*
 * init.c - the Linux reference guest's whole user space (bench/linux.py
 * packs it as /init of an initramfs). It does what hello does on Toro: print
 * one line, then end the machine. The line carries CLOCK_BOOTTIME, the
 * kernel's own idea of how long it took to reach user space.
 *
 * Exit: isa-debug-exit at port 0xf4 (QEMU exits at once, status 1) when the
 * device is there; otherwise reboot(RB_POWER_OFF), which with -no-reboot
 * also ends QEMU.
 *
 * Built with `gcc -static -Os -s`; no stdio, to keep it small.
 */
#include <fcntl.h>
#include <sys/io.h>
#include <sys/reboot.h>
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

int main(void)
{
	struct timespec ts = { 0, 0 };
	char line[96], *p = line;
	int fd = 1;

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

	if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0) {
		outb(0, DEBUG_EXIT_PORT);
	}
	sync();
	reboot(RB_POWER_OFF);
	for (;;) {
		pause();
	}
}
