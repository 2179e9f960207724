/* SPDX-License-Identifier: MIT */
/*
 * fixdep - turn gcc's -MMD dependency file into one that depends on each
 * config option the sources use, instead of on autoconf.h as a whole.
 *
 *   fixdep DEPFILE TARGET CONFIGDIR > TARGET.d
 *
 * Every file DEPFILE lists (the source and its headers) is scanned for
 * CONFIG_<NAME> words; for each, the output depends on
 * $(wildcard CONFIGDIR/<name with _ as />.h), the file kconfiglib's
 * sync_deps() touches when that option changes. autoconf.h itself is
 * dropped, so changing one option rebuilds only the objects that use it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SYMS 4096

static char *syms[MAX_SYMS];
static int nsyms;

static void add_sym(const char *s, size_t n)
{
	for (int i = 0; i < nsyms; i++) {
		if (strlen(syms[i]) == n && memcmp(syms[i], s, n) == 0) {
			return;
		}
	}
	if (nsyms == MAX_SYMS) {
		fprintf(stderr, "fixdep: more than %d options\n", MAX_SYMS);
		exit(1);
	}
	syms[nsyms] = strndup(s, n);
	nsyms++;
}

static int is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static void scan_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (!f) {
		perror(path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "fixdep: cannot read %s\n", path);
		exit(1);
	}
	buf[len] = '\0';
	fclose(f);
	for (char *p = buf; (p = strstr(p, "CONFIG_")) != NULL;) {
		char *q = p + 7;

		if (p > buf && is_ident(p[-1])) {
			p = q;
			continue;
		}
		while (is_ident(*q)) {
			q++;
		}
		if (q > p + 7) {
			add_sym(p + 7, (size_t)(q - p - 7));
		}
		p = q;
	}
	free(buf);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void print_sym_file(const char *dir, const char *sym)
{
	printf("    $(wildcard %s/", dir);
	for (const char *c = sym; *c; c++) {
		putchar(*c == '_' ? '/' : tolower((unsigned char)*c));
	}
	printf(".h) \\\n");
}

int main(int argc, char **argv)
{
	FILE *f;
	char *text, *tok, *save;
	long len;

	if (argc != 4) {
		fprintf(stderr, "usage: fixdep DEPFILE TARGET CONFIGDIR\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = malloc((size_t)len + 1);
	if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
		return 1;
	}
	text[len] = '\0';
	fclose(f);

	/* Only the first rule (target: deps) matters; -MP phony rules follow it. */
	char *end = text;
	while (*end && !(*end == '\n' && end > text && end[-1] != '\\')) {
		end++;
	}
	*end = '\0';

	char *deps[MAX_SYMS];
	int ndeps = 0;
	char *colon = strstr(text, ": ");

	for (tok = strtok_r(colon ? colon + 1 : text, " \t\\\n", &save); tok && ndeps < MAX_SYMS;
	     tok = strtok_r(NULL, " \t\\\n", &save)) {
		if (!ends_with(tok, "autoconf.h")) {
			deps[ndeps++] = tok;
		}
	}
	printf("%s: \\\n", argv[2]);
	for (int i = 0; i < ndeps; i++) {
		printf("    %s \\\n", deps[i]);
		scan_file(deps[i]);
	}
	for (int i = 0; i < nsyms; i++) {
		print_sym_file(argv[3], syms[i]);
	}
	printf("\n");
	/* Phony rules for the headers, so a deleted header does not stop make. */
	for (int i = 1; i < ndeps; i++) {
		printf("%s:\n", deps[i]);
	}
	return 0;
}
