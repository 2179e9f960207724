/* SPDX-License-Identifier: MIT */
/*
 * once.h - run an initialisation exactly once, on whichever CPU needs it
 * first, with later callers (on any CPU) waiting until it has finished:
 *
 *	static int setup_state;
 *	once(&setup_state, setup);	// setup()'s stores are visible after this
 *
 * For lazy set-up off the boot path (the TSC calibration, the wall clock).
 * @fn must not call once() on the same state: it would wait for itself.
 */
#ifndef KERNEL_ONCE_H
#define KERNEL_ONCE_H

#include <stdbool.h>
#include <asm/cpu.h>

#define ONCE_NEW 0
#define ONCE_RUNNING 1
#define ONCE_DONE 2

static inline bool once_done(const int *state)
{
	/* Acquire: pairs with the release below, so fn()'s results are seen. */
	return __atomic_load_n(state, __ATOMIC_ACQUIRE) == ONCE_DONE;
}

static inline void once(int *state, void (*fn)(void))
{
	int expected = ONCE_NEW;

	if (once_done(state)) {
		return;
	}
	if (__atomic_compare_exchange_n(state, &expected, ONCE_RUNNING, false, __ATOMIC_ACQUIRE,
					__ATOMIC_ACQUIRE)) {
		fn();
		/* Release: everything fn() stored is visible before DONE is. */
		__atomic_store_n(state, ONCE_DONE, __ATOMIC_RELEASE);
		return;
	}
	while (!once_done(state)) {
		cpu_relax();
	}
}

#endif
