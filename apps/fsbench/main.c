/* SPDX-License-Identifier: MIT */
/*
 * fsbench - sequential file throughput on the root file system, for `make bench`
 * (bench/storage.py), against the Linux reference guest's busybox dd
 * (bench/linux/fsbench.c) on the same ext2 image, machine and disk.
 *
 * Boot it with the root file system on the disk to measure, e.g.
 *	root=vda rootfstype=ext2 -- write        (virtio-blk)
 *	root=hda rootfstype=ext2 -- read         (ATA)
 * Arguments (after `--`), in any order:
 *	write    create /fsbench.dat and write it in 1 MiB write() calls, then fsync();
 *	         timed from the first write() to fsync()'s return
 *	read     open /fsbench.dat, read() it to the end in 1 MiB calls, close it;
 *	         the whole of that is timed
 *	mib=N    the file size in MiB for write (default 64)
 * No phase: write, then read in the same boot. That read may be served by the
 * block cache; `make bench` instead writes in one boot and reads in a second
 * boot of the same image, so the read starts cold on Toro and on Linux alike.
 *
 * Prints `fsbench: / is TYPE on DEV` (from the mount table), then per phase
 * `fsbench: write|read N bytes in T us` (CLOCK_MONOTONIC), and returns 0; on
 * any failure `fsbench: error: WHAT: strerror` and returns 1. The file system
 * is synced and unmounted by the kernel after main() returns.
 */
#include <stdbool.h>
#include <toro/fs.h>
#include <toro/mem.h>
#include <toro/stdio.h>
#include <toro/stdlib.h>
#include <toro/string.h>
#include <toro/time.h>

#define FILE_PATH "/fsbench.dat"
#define CHUNK (1024 * 1024) /* bytes per write() and read(), as dd bs=1M */
#define DEFAULT_MIB 64
#define MAX_MIB 4096
#define NS_PER_US 1000

static int fail(const char *what)
{
	printf("fsbench: error: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Say what the root file system is, so the bench knows it measured the right disk. */
static int show_root(void)
{
	struct mount_entry m;

	for (unsigned int i = 0; mount_get(i, &m) == 0; i++) {
		if (strcmp(m.target, "/") == 0) {
			printf("fsbench: / is %s on %s\n", m.fstype, m.source);
			return 0;
		}
	}
	printf("fsbench: error: no root file system (root= on the command line?)\n");
	return 1;
}

static int bench_write(char *buf, unsigned long mib)
{
	uint64_t total = (uint64_t)mib * CHUNK, done = 0, t0, t1;
	int fd = open(FILE_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		return fail("open " FILE_PATH);
	}
	t0 = time_ns();
	while (done < total) {
		ssize_t n = write(fd, buf + done % CHUNK, CHUNK - done % CHUNK);

		if (n <= 0) {
			if (n == 0) {
				errno = EIO;
			}
			close(fd);
			return fail("write " FILE_PATH);
		}
		done += (uint64_t)n;
	}
	if (fsync(fd) != 0) {
		close(fd);
		return fail("fsync " FILE_PATH);
	}
	t1 = time_ns();
	if (close(fd) != 0) {
		return fail("close " FILE_PATH);
	}
	printf("fsbench: write %llu bytes in %llu us\n", (unsigned long long)done,
	       (unsigned long long)((t1 - t0) / NS_PER_US));
	return 0;
}

static int bench_read(char *buf)
{
	uint64_t done = 0, t0, t1;
	ssize_t n;
	int fd;

	t0 = time_ns();
	fd = open(FILE_PATH, O_RDONLY);
	if (fd < 0) {
		return fail("open " FILE_PATH);
	}
	while ((n = read(fd, buf, CHUNK)) > 0) {
		done += (uint64_t)n;
	}
	if (n < 0) {
		close(fd);
		return fail("read " FILE_PATH);
	}
	if (close(fd) != 0) {
		return fail("close " FILE_PATH);
	}
	t1 = time_ns();
	printf("fsbench: read %llu bytes in %llu us\n", (unsigned long long)done,
	       (unsigned long long)((t1 - t0) / NS_PER_US));
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mib = DEFAULT_MIB;
	bool do_write = false, do_read = false;
	char *buf;
	int rc = 0;

	/* The first clock read may calibrate the TSC: not inside a timed span. */
	time_calibration_begin();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "write") == 0) {
			do_write = true;
		} else if (strcmp(argv[i], "read") == 0) {
			do_read = true;
		} else if (strncmp(argv[i], "mib=", 4) == 0) {
			mib = strtoul(argv[i] + 4, NULL, 10);
		} else {
			printf("fsbench: error: unknown argument '%s' (write, read, mib=N)\n",
			       argv[i]);
			return 1;
		}
	}
	if (mib == 0 || mib > MAX_MIB) {
		printf("fsbench: error: mib=%lu out of range (1..%d)\n", mib, MAX_MIB);
		return 1;
	}
	if (!do_write && !do_read) {
		do_write = do_read = true;
	}
	if (show_root()) {
		return 1;
	}
	buf = malloc(CHUNK);
	if (!buf) {
		printf("fsbench: error: no memory for a %d-byte buffer\n", CHUNK);
		return 1;
	}
	/* Not zeros: a file system must not get away with a hole. */
	for (size_t i = 0; i < CHUNK; i++) {
		buf[i] = (char)(i * 7 + 1);
	}
	(void)time_ns();
	if (do_write) {
		rc = bench_write(buf, mib);
	}
	if (!rc && do_read) {
		rc = bench_read(buf);
	}
	free(buf);
	return rc;
}
