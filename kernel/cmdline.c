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

int cmdline_hoist(char **words, int n, const char *prefix)
{
	size_t len = strlen(prefix);
	int split = 0, moved = 0;

	while (split < n && strcmp(words[split], "--") != 0) {
		split++;
	}
	for (int i = split + 1; i < n; i++) {
		char *w = words[i];

		if (strncmp(w, prefix, len) != 0) {
			continue;
		}
		/* Rotate [split, i] right by one: w lands before the `--`. */
		for (int j = i; j > split; j--) {
			words[j] = words[j - 1];
		}
		words[split++] = w;
		moved++;
	}
	return moved;
}

static char *const *kernel_words;
static int kernel_word_count;

void cmdline_set_kernel_words(char *const *words, int n)
{
	kernel_words = words;
	kernel_word_count = n;
}

int cmdline_each(const char *name, void (*fn)(const char *value, void *arg), void *arg)
{
	size_t len = strlen(name);
	int matched = 0;

	for (int i = 0; i < kernel_word_count; i++) {
		if (strncmp(kernel_words[i], name, len) == 0 && kernel_words[i][len] == '=') {
			fn(kernel_words[i] + len + 1, arg);
			matched++;
		}
	}
	return matched;
}

int cmdline_last_word(const char *a, const char *b)
{
	int last = -1;

	for (int i = 0; i < kernel_word_count; i++) {
		if (strcmp(kernel_words[i], a) == 0) {
			last = 0;
		} else if (strcmp(kernel_words[i], b) == 0) {
			last = 1;
		}
	}
	return last;
}
