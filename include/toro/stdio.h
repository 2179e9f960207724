/* SPDX-License-Identifier: MIT */
/*
 * <toro/stdio.h> - formatted output of the Toro C library.
 *
 * vformat() is the engine (lib/vsprintf.c): it turns a format and its arguments into
 * runs of text handed to a callback, so the kernel's log, snprintf() and printf() share
 * one implementation. It uses no heap and no global state, so it is reentrant.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags "-0+ #", width and precision
 * (both may be '*'), length modifiers hh h l ll z t j. %p prints "0x" and lower-case
 * hex (NULL is "0x0"); %s of NULL prints "(null)" (nothing when the precision is below
 * 6, as glibc does). There is no floating point (the kernel is built without SSE) and no
 * %n: those, any unknown conversion, and %c/%s/%p with a length modifier are printed
 * literally, e.g. "%5.2f" prints "%5.2f". A '*' before such a conversion still consumes
 * its int argument.
 *
 * printf(), vprintf(), puts() and putchar() (lib/printf.c) write to the console;
 * getchar() (kernel/console.c) reads from it.
 */
#ifndef TORO_STDIO_H
#define TORO_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/* Returned by character functions to signal failure (getchar() with no console input). */
#define EOF (-1)

/**
 * typedef format_emit_fn - receives the output of vformat().
 * @ctx: the caller's context, passed through unchanged.
 * @s: @n bytes of output (not NUL-terminated; may contain NUL from "%c").
 * @n: always > 0.
 */
typedef void (*format_emit_fn)(void *ctx, const char *s, size_t n);

/**
 * vformat() - format @fmt with @ap, handing the text to @emit in order.
 * Literal text between conversions comes in one call; each conversion in a few.
 * Returns the number of bytes produced, saturated at INT_MAX.
 */
int vformat(format_emit_fn emit, void *ctx, const char *fmt, va_list ap);

/**
 * vsnprintf() - format into @buf of @size bytes (C99 semantics).
 * Writes at most @size - 1 bytes and a NUL when @size > 0; @buf may be NULL when
 * @size is 0. Returns the length the whole output would have (>= @size means it was
 * truncated), saturated at INT_MAX.
 */
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
	__attribute__((format(__printf__, 3, 0)));

/** snprintf() - vsnprintf() with variable arguments. Returns as vsnprintf(). */
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(__printf__, 3, 4)));

/**
 * vprintf() - format to the console. Output is gathered in a small stack buffer so a
 * line reaches console_write() in few calls. Returns the number of bytes written.
 */
int vprintf(const char *restrict fmt, va_list ap) __attribute__((format(__printf__, 1, 0)));

/** printf() - vprintf() with variable arguments. Returns the number of bytes written. */
int printf(const char *restrict fmt, ...) __attribute__((format(__printf__, 1, 2)));

/** puts() - write @s and a newline to the console. Returns a non-negative number. */
int puts(const char *s);

/** putchar() - write (unsigned char)@c to the console. Returns it as an unsigned char. */
int putchar(int c);

/**
 * getchar() - the next byte of console input (kernel/console.c), as an unsigned char.
 * Blocks the calling thread (it sleeps; other threads run) until a byte arrives; a serial
 * terminal sends "\r" for Enter and 0x7f or 0x08 for Backspace, and does not echo.
 * Returns EOF when the console has no input. Call from a thread (main() is one).
 */
int getchar(void);

#endif /* TORO_STDIO_H */
