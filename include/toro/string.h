/* SPDX-License-Identifier: MIT */
/*
 * <toro/string.h> - memory and string functions of the Toro C library.
 *
 * Same names and semantics as ISO C <string.h>, plus the BSD strlcpy() and the POSIX
 * strnlen(), strtok_r(), strcasecmp() and strncasecmp(). Nothing here allocates, so
 * strdup() is absent. Implemented in lib/string.c; safe to call from any context.
 */
#ifndef TORO_STRING_H
#define TORO_STRING_H

#include <stddef.h>

/** memcpy() - copy @n bytes from @src to @dst (must not overlap). Returns @dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);

/** memmove() - copy @n bytes from @src to @dst; the areas may overlap. Returns @dst. */
void *memmove(void *dst, const void *src, size_t n);

/** memset() - fill @n bytes at @dst with (unsigned char)@c. Returns @dst. */
void *memset(void *dst, int c, size_t n);

/**
 * memcmp() - compare @n bytes as unsigned char.
 * Returns <0, 0 or >0 as @a sorts before, equal to or after @b.
 */
int memcmp(const void *a, const void *b, size_t n);

/** memchr() - first (unsigned char)@c in @n bytes at @s. Returns a pointer to it or NULL. */
void *memchr(const void *s, int c, size_t n);

/** strlen() - returns the number of bytes in @s before its terminating NUL. */
size_t strlen(const char *s);

/** strnlen() - returns strlen(@s), but at most @max; reads no more than @max bytes. */
size_t strnlen(const char *s, size_t max);

/** strcmp() - compare as unsigned char. Returns <0, 0 or >0 like memcmp(). */
int strcmp(const char *a, const char *b);

/** strncmp() - strcmp() of at most @n bytes. Returns <0, 0 or >0. */
int strncmp(const char *a, const char *b, size_t n);

/** strcpy() - copy @src with its NUL to @dst, which must be large enough. Returns @dst. */
char *strcpy(char *restrict dst, const char *restrict src);

/**
 * strncpy() - copy at most @n bytes of @src to @dst and pad the rest of the @n bytes with
 * NULs. @dst is not NUL-terminated when strlen(@src) >= @n. Returns @dst.
 */
char *strncpy(char *restrict dst, const char *restrict src, size_t n);

/**
 * strlcpy() - copy @src to @dst of @size bytes, truncating, always NUL-terminating when
 * @size > 0. Returns strlen(@src); a result >= @size means the copy was truncated.
 */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

/** strcat() - append @src to the string in @dst, which must be large enough. Returns @dst. */
char *strcat(char *restrict dst, const char *restrict src);

/**
 * strncat() - append at most @n bytes of @src to the string in @dst, then a NUL
 * (so @dst needs strlen(@dst) + @n + 1 bytes). Returns @dst.
 */
char *strncat(char *restrict dst, const char *restrict src, size_t n);

/**
 * strchr() - first (char)@c in @s; @c == '\0' finds the terminator.
 * Returns a pointer to it or NULL.
 */
char *strchr(const char *s, int c);

/** strrchr() - last (char)@c in @s (or its terminator). Returns a pointer to it or NULL. */
char *strrchr(const char *s, int c);

/**
 * strstr() - first occurrence of @needle in @haystack.
 * Returns a pointer to it, @haystack when @needle is "", or NULL.
 */
char *strstr(const char *haystack, const char *needle);

/** strspn() - returns the length of the prefix of @s made only of bytes in @accept. */
size_t strspn(const char *s, const char *accept);

/** strcspn() - returns the length of the prefix of @s made only of bytes not in @reject. */
size_t strcspn(const char *s, const char *reject);

/**
 * strtok_r() - split a string into tokens separated by bytes of @delim.
 * Pass the string in @str on the first call and NULL after; @saveptr keeps the position
 * between calls. Writes NULs into the string. Returns the next token or NULL at the end.
 */
char *strtok_r(char *restrict str, const char *restrict delim, char **restrict saveptr);

/** strcasecmp() - strcmp() ignoring ASCII case. Returns <0, 0 or >0. */
int strcasecmp(const char *a, const char *b);

/** strncasecmp() - strncmp() ignoring ASCII case. Returns <0, 0 or >0. */
int strncasecmp(const char *a, const char *b, size_t n);

#endif /* TORO_STRING_H */
