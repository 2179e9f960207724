/* SPDX-License-Identifier: MIT */
/*
 * string.c - memory and string functions of the Toro C library (<toro/string.h>).
 *
 * Plain, obviously correct byte loops; memcpy() and memset() use "rep movsb/stosb" on
 * x86_64, which current CPUs run at full speed (ERMSB). Host unit tests build this file
 * with TORO_HOST_TEST, which selects the portable loops instead.
 *
 * GCC recognises a byte-copy or byte-fill loop and replaces it with a call to memcpy()
 * or memset() (-ftree-loop-distribute-patterns, on at -O2; GCC bug 56888). Inside
 * memcpy() and memset() themselves that call would recurse forever. GCC 12 happens not
 * to do it under -ffreestanding, but nothing promises that, and the host unit tests are
 * not freestanding (there it would quietly test glibc instead of this file), so every
 * function here carries NO_LIBCALL_LOOPS to switch the transformation off.
 */
#include <stddef.h>
#include <stdint.h>
#include <toro/ctype.h>
#include <toro/string.h>

#define NO_LIBCALL_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))

#if defined(__x86_64__) && !defined(TORO_HOST_TEST)

/* The SysV ABI guarantees DF = 0 at every call, so "rep movsb/stosb" copy forward. */
NO_LIBCALL_LOOPS void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

NO_LIBCALL_LOOPS void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

#else

NO_LIBCALL_LOOPS void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

NO_LIBCALL_LOOPS void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--) {
		*d++ = (unsigned char)c;
	}
	return dst;
}

#endif

NO_LIBCALL_LOOPS void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Compare addresses as integers: ordering unrelated pointers is undefined in C. */
	if ((uintptr_t)d - (uintptr_t)s >= n) {
		/* d is below s or past its end: copying forward never reads a byte it wrote. */
		while (n--) {
			*d++ = *s++;
		}
	} else {
		while (n--) {
			d[n] = s[n];
		}
	}
	return dst;
}

NO_LIBCALL_LOOPS int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (; n > 0; n--, x++, y++) {
		if (*x != *y) {
			return *x - *y;
		}
	}
	return 0;
}

NO_LIBCALL_LOOPS void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n > 0; n--, p++) {
		if (*p == (unsigned char)c) {
			return (void *)p;
		}
	}
	return NULL;
}

NO_LIBCALL_LOOPS size_t strlen(const char *s)
{
	const char *p = s;

	while (*p) {
		p++;
	}
	return (size_t)(p - s);
}

NO_LIBCALL_LOOPS size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n]) {
		n++;
	}
	return n;
}

NO_LIBCALL_LOOPS int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

NO_LIBCALL_LOOPS int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n > 0; n--, x++, y++) {
		if (*x != *y || !*x) {
			return *x - *y;
		}
	}
	return 0;
}

NO_LIBCALL_LOOPS char *strcpy(char *restrict dst, const char *restrict src)
{
	char *d = dst;

	while ((*d++ = *src++)) {
	}
	return dst;
}

NO_LIBCALL_LOOPS char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++) {
		dst[i] = src[i];
	}
	for (; i < n; i++) {
		dst[i] = '\0';
	}
	return dst;
}

NO_LIBCALL_LOOPS size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

NO_LIBCALL_LOOPS char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

NO_LIBCALL_LOOPS char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *d = dst + strlen(dst);

	while (n-- > 0 && *src) {
		*d++ = *src++;
	}
	*d = '\0';
	return dst;
}

NO_LIBCALL_LOOPS char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)s;
		}
		if (!*s) {
			return NULL;
		}
	}
}

NO_LIBCALL_LOOPS char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c) {
			last = s;
		}
		if (!*s) {
			return (char *)last;
		}
	}
}

NO_LIBCALL_LOOPS char *strstr(const char *haystack, const char *needle)
{
	size_t len = strlen(needle);

	for (; *haystack; haystack++) {
		if (strncmp(haystack, needle, len) == 0) {
			return (char *)haystack;
		}
	}
	return len == 0 ? (char *)haystack : NULL;
}

NO_LIBCALL_LOOPS size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n])) {
		n++;
	}
	return n;
}

NO_LIBCALL_LOOPS size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n])) {
		n++;
	}
	return n;
}

NO_LIBCALL_LOOPS char *strtok_r(char *restrict str, const char *restrict delim,
				char **restrict saveptr)
{
	char *token = str ? str : *saveptr;
	char *end;

	token += strspn(token, delim);
	if (!*token) {
		*saveptr = token;
		return NULL;
	}
	end = token + strcspn(token, delim);
	if (*end) {
		*end++ = '\0';
	}
	*saveptr = end;
	return token;
}

NO_LIBCALL_LOOPS int strcasecmp(const char *a, const char *b)
{
	return strncasecmp(a, b, SIZE_MAX);
}

NO_LIBCALL_LOOPS int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n > 0; n--, x++, y++) {
		int cx = tolower(*x);
		int cy = tolower(*y);

		if (cx != cy || !cx) {
			return cx - cy;
		}
	}
	return 0;
}
