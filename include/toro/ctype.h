/* SPDX-License-Identifier: MIT */
/*
 * <toro/ctype.h> - character classes of the Toro C library, ASCII only.
 *
 * There are no locales: bytes 0x80-0xff and EOF belong to no class, as in the "C"
 * locale. Unlike ISO C, any int is a valid argument (a negative plain char is not
 * undefined behaviour here, it is simply in no class). The functions are static inline
 * so the compiler can fold them into callers; there is no lib/ctype.c.
 */
#ifndef TORO_CTYPE_H
#define TORO_CTYPE_H

/** isdigit() - returns non-zero for '0'..'9'. */
static inline int isdigit(int c)
{
	return c >= '0' && c <= '9';
}

/** isupper() - returns non-zero for 'A'..'Z'. */
static inline int isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

/** islower() - returns non-zero for 'a'..'z'. */
static inline int islower(int c)
{
	return c >= 'a' && c <= 'z';
}

/** isalpha() - returns non-zero for ASCII letters. */
static inline int isalpha(int c)
{
	return isupper(c) || islower(c);
}

/** isalnum() - returns non-zero for ASCII letters and digits. */
static inline int isalnum(int c)
{
	return isalpha(c) || isdigit(c);
}

/** isxdigit() - returns non-zero for '0'..'9', 'a'..'f' and 'A'..'F'. */
static inline int isxdigit(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/** isspace() - returns non-zero for ' ', '\t', '\n', '\v', '\f' and '\r'. */
static inline int isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/** iscntrl() - returns non-zero for the control characters 0x00-0x1f and 0x7f. */
static inline int iscntrl(int c)
{
	return (c >= 0 && c < ' ') || c == 0x7f;
}

/** isprint() - returns non-zero for printable characters, space included (0x20-0x7e). */
static inline int isprint(int c)
{
	return c >= ' ' && c <= '~';
}

/** isgraph() - returns non-zero for printable characters other than space. */
static inline int isgraph(int c)
{
	return c > ' ' && c <= '~';
}

/** ispunct() - returns non-zero for printable characters that are not space or alnum. */
static inline int ispunct(int c)
{
	return isgraph(c) && !isalnum(c);
}

/** toupper() - returns the upper-case letter for 'a'..'z', @c unchanged otherwise. */
static inline int toupper(int c)
{
	return islower(c) ? c - 'a' + 'A' : c;
}

/** tolower() - returns the lower-case letter for 'A'..'Z', @c unchanged otherwise. */
static inline int tolower(int c)
{
	return isupper(c) ? c - 'A' + 'a' : c;
}

#endif /* TORO_CTYPE_H */
