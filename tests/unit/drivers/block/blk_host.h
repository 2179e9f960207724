/* SPDX-License-Identifier: MIT */
/*
 * blk_host.h - what the block-layer unit tests (test_bcache.c, test_partition.c)
 * share: the kernel services drivers/block/ needs, emulated on one host thread
 * (blk_host.c), and a disk in memory with injectable errors.
 *
 * CPUs: host_cpu is the CPU the code believes it runs on; xcall() switches it
 * to the target for the call, so owner-CPU checks and forwarding behave as on
 * the machine. kmutex_lock() on the wrong CPU counts as a failure (the kernel
 * panics there). The log is kept in host_log for checks on its wording.
 */
#ifndef TESTS_UNIT_DRIVERS_BLOCK_BLK_HOST_H
#define TESTS_UNIT_DRIVERS_BLOCK_BLK_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kernel/blkdev.h>

extern unsigned int host_cpu;	      /* what cpu_id() answers */
extern unsigned int host_cpus;	      /* what cpu_count() answers */
extern unsigned int host_xcalls;      /* calls that crossed CPUs */
extern unsigned int host_mutex_wrong; /* kmutex_lock() on a CPU not its own */
extern int host_mutex_held;	      /* lock depth: 0 between requests */
extern char host_log[16384];	      /* the kernel log since host_log_clear() */
extern bool host_log_quiet;	      /* do not echo the log to stdout */
extern size_t host_track_size;	      /* toro_malloc() blocks of this size are counted: */
extern unsigned int host_tracked_live, host_tracked_peak;

void host_log_clear(void);

/* A disk in memory. */
struct memdisk {
	struct blkdev dev;
	uint8_t *data;
	bool fail_reads;
	bool fail_writes;
	uint64_t fail_sector; /* with fail_one: only requests covering it fail */
	bool fail_one;
	unsigned long reads, writes, flushes;
	uint32_t largest_request; /* sectors */
	unsigned int set_owner_calls;
	int set_owner_result;
};

/* A disk of @count sectors of @size bytes, filled with @fill (or a pattern when @fill < 0). */
void memdisk_init(struct memdisk *m, const char *name, uint32_t size, uint64_t count, int fill);
void memdisk_free(struct memdisk *m);

#endif
