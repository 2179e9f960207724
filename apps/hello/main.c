/* SPDX-License-Identifier: MIT */
/*
 * hello - the smallest Toro application: prints a greeting and its arguments
 * (the words after `--` on the kernel command line). An argument `exit=N`
 * makes it return N, which the tests use to check exit codes end to end.
 */
#include <toro/stdio.h>
#include <toro/stdlib.h>
#include <toro/string.h>

int main(int argc, char **argv)
{
	int code = 0;

	printf("Hello from Toro\n");
	for (int i = 1; i < argc; i++) {
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
		if (strncmp(argv[i], "exit=", 5) == 0) {
			code = atoi(argv[i] + 5);
		}
	}
	return code;
}
