/* SPDX-License-Identifier: MIT */
/*
 * clock - shows and checks Toro's clocks (<toro/time.h>):
 *   - the TSC frequency and where it came from; with spin=N, after
 *     time_calibration_begin() and N million empty loop iterations, so the
 *     calibration measures over a long window from that early sample;
 *   - a busy-wait of wait=MS (default 2000) ms by CLOCK_MONOTONIC between two
 *     lines, which tests/boot/test_clock.py times from the host, so a wrong
 *     frequency shows as a wrong interval;
 *   - that CLOCK_MONOTONIC never goes back, over every read of that wait and
 *     many clock_gettime() calls;
 *   - CLOCK_REALTIME as a UTC date, and time() agreeing with it.
 * Returns 0 when every check holds, 1 otherwise.
 */
#include <stdint.h>
#include <toro/stdio.h>
#include <toro/stdlib.h>
#include <toro/string.h>
#include <toro/time.h>

#define DEFAULT_WAIT_MS 2000
#define GETTIME_READS 200000
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000LL

/* The number after `name=` among the arguments, or @def. */
static uint64_t arg_value(int argc, char **argv, const char *name, uint64_t def)
{
	size_t len = strlen(name);

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=') {
			return strtoull(argv[i] + len + 1, NULL, 10);
		}
	}
	return def;
}

/* Takes the early calibration sample, then burns time without reading a clock. */
static void spin(uint64_t millions)
{
	volatile uint64_t n = 0;

	printf("clock: spin start\n");
	time_calibration_begin();
	for (uint64_t i = 0; i < millions * 1000000; i++) {
		n++;
	}
}

/* Busy-waits @ms by time_ns(); returns how many reads went backwards. */
static uint64_t busy_wait(uint64_t ms)
{
	uint64_t start, prev, now, reads = 0, backwards = 0;

	printf("clock: wait start\n");
	start = prev = time_ns();
	do {
		now = time_ns();
		reads++;
		if (now < prev) {
			backwards++;
		}
		prev = now;
	} while (now - start < ms * NSEC_PER_MSEC);
	printf("clock: wait end: %llu us by CLOCK_MONOTONIC, %llu reads\n",
	       (unsigned long long)((now - start) / 1000), (unsigned long long)reads);
	return backwards;
}

static int64_t timespec_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

/* clock_gettime(CLOCK_MONOTONIC) many times; returns how many went backwards. */
static uint64_t gettime_backwards(void)
{
	struct timespec ts;
	int64_t prev = -1;
	uint64_t backwards = 0;

	for (int i = 0; i < GETTIME_READS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (timespec_ns(&ts) < prev || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC) {
			backwards++;
		}
		prev = timespec_ns(&ts);
	}
	return backwards;
}

/* Prints CLOCK_REALTIME as a date; returns 0 if it converts and time() agrees. */
static int show_realtime(void)
{
	struct timespec ts;
	struct tm tm;
	time_t now;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || !gmtime_r(&ts.tv_sec, &tm)) {
		printf("clock: realtime unavailable\n");
		return 1;
	}
	printf("clock: realtime %04d-%02d-%02d %02d:%02d:%02d UTC\n", tm.tm_year + 1900,
	       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	now = time(NULL);
	if (now < ts.tv_sec || now > ts.tv_sec + 1) {
		printf("clock: time() %lld disagrees with CLOCK_REALTIME %lld\n", (long long)now,
		       (long long)ts.tv_sec);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t spin_millions = arg_value(argc, argv, "spin", 0);
	uint64_t backwards;
	int failed;

	if (spin_millions) {
		spin(spin_millions);
	}
	printf("clock: tsc %llu kHz from %s\n", (unsigned long long)time_tsc_khz(),
	       time_tsc_source());
	backwards = busy_wait(arg_value(argc, argv, "wait", DEFAULT_WAIT_MS));
	backwards += gettime_backwards();
	printf("clock: monotonic %s (%llu reads went backwards)\n", backwards ? "FAILED" : "ok",
	       (unsigned long long)backwards);
	failed = show_realtime() || backwards;
	printf("clock: %s\n", failed ? "FAILED" : "all checks passed");
	return failed;
}
