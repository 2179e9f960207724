/* SPDX-License-Identifier: MIT */
/*
 * fsbench.c - the Linux twin of apps/fsbench: sequential write or read of a
 * 64 MiB file on an ext2 disk, timed inside the guest, for `make bench`
 * (bench/storage.py). bench/linux.py packs it as /fsbench in the storage
 * initramfs with busybox (/bin/busybox) and the kernel modules the disk needs
 * (/modules/NAME.ko, loaded in the order of /modules/list); /init
 * (bench/linux/init.c) runs it when the kernel command line says
 * `toro_fsbench=write` or `toro_fsbench=read`, passing the environment on.
 *
 * Environment (words of the kernel command line, handed to /init):
 *   toro_fsbench=write|read   the phase of this boot
 *   toro_fsbench_dev=vda|sda  the disk (virtio-blk: vda; ATA through libata: sda)
 *   toro_fsbench_mib=N        file size in MiB (default 64)
 *
 * What is timed, with CLOCK_MONOTONIC, the same span as apps/fsbench:
 *   write  busybox `dd if=/dev/zero of=/mnt/fsbench.dat bs=1M count=N conv=fsync`,
 *          from before the fork to after it exits (all data and the file's
 *          metadata on the disk: conv=fsync)
 *   read   busybox `dd if=/mnt/fsbench.dat of=/dev/null bs=1M`
 * The write and the read run in two boots of the same image, so the read
 * starts with an empty page cache, as Toro's read boot starts with an empty
 * block cache (bench/storage.py explains the choice).
 *
 * Prints `fsbench: dd start T us` (a dd that copies nothing: the part of the
 * figure that is process start), `fsbench: write|read N bytes in T us` and
 * returns 0, or a line
 * `fsbench: error: ...` and 1. The file system is unmounted (and so written
 * back) after the timed span, before /init ends the machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MODULE_DIR "/modules"
#define MOUNT_POINT "/mnt"
#define FILE_PATH MOUNT_POINT "/fsbench.dat"
#define BUSYBOX "/bin/busybox"
#define DEFAULT_MIB 64
#define DISK_WAIT_MS 30000 /* libata probes the disk asynchronously; TCG is slow */
#define POLL_MS 10

static int fail(const char *what, const char *detail)
{
	printf("fsbench: error: %s: %s\n", what, detail);
	fflush(stdout);
	return 1;
}

/* Load every module named in /modules/list, in that order (dependencies first). */
static void load_modules(void)
{
	char name[128], path[192];
	FILE *list = fopen(MODULE_DIR "/list", "r");

	if (!list) {
		return;
	}
	while (fgets(name, sizeof(name), list)) {
		int fd;

		name[strcspn(name, "\n")] = 0;
		if (!name[0]) {
			continue;
		}
		snprintf(path, sizeof(path), MODULE_DIR "/%s.ko", name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("fsbench: insmod %s: %s\n", name, strerror(errno));
			continue;
		}
		if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST) {
			printf("fsbench: insmod %s: %s\n", name, strerror(errno));
		}
		close(fd);
	}
	fclose(list);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static int wait_for(const char *path)
{
	struct stat st;

	for (long waited = 0; waited < DISK_WAIT_MS; waited += POLL_MS) {
		if (stat(path, &st) == 0) {
			return 0;
		}
		sleep_ms(POLL_MS);
	}
	return -1;
}

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
}

/* Run busybox with @argv; returns its exit status, or -1 if it could not run. */
static int run_busybox(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		return -1;
	}
	if (pid == 0) {
		execv(BUSYBOX, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return -1;
		}
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int bench(const char *phase, unsigned int mib)
{
	char count[32], *write_argv[] = { "dd", "if=/dev/zero", "of=" FILE_PATH, "bs=1M",
					  count, "conv=fsync", NULL };
	char *read_argv[] = { "dd", "if=" FILE_PATH, "of=/dev/null", "bs=1M", NULL };
	char *start_argv[] = { "dd", "if=/dev/zero", "of=/dev/null", "count=0", NULL };
	int writing = strcmp(phase, "write") == 0;
	unsigned long long t0, t1;
	struct stat st;
	int rc;

	snprintf(count, sizeof(count), "count=%u", mib);
	fflush(stdout);
	/* What starting dd costs (fork, exec, no data), for the report's notes. */
	t0 = now_us();
	rc = run_busybox(start_argv);
	t1 = now_us();
	if (rc == 0) {
		printf("fsbench: dd start %llu us\n", t1 - t0);
		fflush(stdout);
	}
	t0 = now_us();
	rc = run_busybox(writing ? write_argv : read_argv);
	t1 = now_us();
	if (rc != 0) {
		return fail(writing ? "dd write" : "dd read", "busybox dd failed");
	}
	if (stat(FILE_PATH, &st) != 0) {
		return fail(FILE_PATH, strerror(errno));
	}
	if (writing && (unsigned long long)st.st_size != (unsigned long long)mib << 20) {
		return fail(FILE_PATH, "short file after the write");
	}
	printf("fsbench: %s %lld bytes in %llu us\n", phase, (long long)st.st_size, t1 - t0);
	fflush(stdout);
	return 0;
}

int main(void)
{
	const char *phase = getenv("toro_fsbench");
	const char *dev = getenv("toro_fsbench_dev");
	const char *mib_s = getenv("toro_fsbench_mib");
	unsigned int mib = mib_s ? (unsigned int)strtoul(mib_s, NULL, 10) : DEFAULT_MIB;
	char devpath[64];
	int rc;

	if (!phase || (strcmp(phase, "write") && strcmp(phase, "read"))) {
		return fail("toro_fsbench", "must be write or read");
	}
	if (!dev || strlen(dev) > 16 || !mib || mib > 4096) {
		return fail("toro_fsbench_dev/toro_fsbench_mib", "missing or out of range");
	}
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0 && errno != EBUSY) {
		return fail("mount devtmpfs", strerror(errno));
	}
	load_modules();
	snprintf(devpath, sizeof(devpath), "/dev/%s", dev);
	if (wait_for(devpath) != 0) {
		return fail(devpath, "no such disk (driver not loaded?)");
	}
	/* The ext2 type is served by the ext4 driver (CONFIG_EXT4_USE_FOR_EXT2). */
	if (mount(devpath, MOUNT_POINT, "ext2", 0, NULL) != 0) {
		return fail("mount ext2", strerror(errno));
	}
	rc = bench(phase, mib);
	if (umount(MOUNT_POINT) != 0) {
		rc = fail("umount", strerror(errno));
	}
	sync();
	return rc;
}
