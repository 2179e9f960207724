/* SPDX-License-Identifier: MIT */
/* cmdline.c - splitting and searching the kernel command line (cmdline.h). */
#include <stdbool.h>
#include <toro/string.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy one word starting at @p to @dst (in place, dst <= p); return the end. */
static char *take_word(char *p, char **dst)
{
	char *out = p;
	bool quoted = false;

	*dst = out;
	for (; *p && (quoted || !is_blank(*p)); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		*out++ = *p;
	}
	if (*p) {
		p++;
	}
	*out = '\0';
	return p;
}

int cmdline_split(char *buf, char **words, int max)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		while (is_blank(*p)) {
			p++;
		}
		if (!*p) {
			return n;
		}
		if (n == max) {
			return -E2BIG;
		}
		p = take_word(p, &words[n++]);
	}
}

const char *cmdline_find(char *const *words, int n, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;

	for (int i = 0; i < n; i++) {
		if (strncmp(words[i], name, len) != 0) {
			continue;
		}
		if (words[i][len] == '=') {
			found = words[i] + len + 1;
		} else if (words[i][len] == '\0') {
			found = "";
		}
	}
	return found;
}
