/* SPDX-License-Identifier: MIT */
/*
 * test_string_x86.c - test_string.c again, with lib/string.c built as the kernel builds
 * it on x86_64 ("rep movsb"/"rep stosb" in memcpy() and memset()): unit.mk compiles it
 * with -UTORO_HOST_TEST. Skipped (no checks, still passing) on other host machines.
 */
#if defined(__x86_64__)
#include "test_string.c"
#else
#include "harness.h"

int main(void)
{
	return harness_report();
}
#endif
