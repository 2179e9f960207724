/* SPDX-License-Identifier: MIT */
/*
 * vsprintf.c - the printf formatting engine: vformat(), vsnprintf() and snprintf().
 *
 * vformat() walks the format once. Literal text up to the next '%' goes to the emit
 * callback in one call; each directive is parsed into a struct format_spec, its argument
 * fetched, and the result emitted as padding, prefix, zeros and digits. Everything lives
 * on the stack, so it is reentrant and may run in any context the callback allows.
 * What is supported is listed in <toro/stdio.h>; integer output follows ISO C11
 * 7.21.6.1 and matches glibc, which the host unit tests use as the oracle.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <toro/ctype.h>
#include <toro/stdio.h>
#include <toro/string.h>

/*
 * <limits.h> cannot be used: with -nostdinc, Debian's GCC copy chains to glibc's. The
 * compiler's predefined macros give the same limits.
 */
#define INT_MAX __INT_MAX__
#define INT_MIN (-__INT_MAX__ - 1)
#define CHAR_BIT __CHAR_BIT__

enum format_flag {
	FLAG_LEFT = 1 << 0,  /* '-': pad on the right */
	FLAG_PLUS = 1 << 1,  /* '+': always print a sign */
	FLAG_SPACE = 1 << 2, /* ' ': a space where a '+' would be */
	FLAG_ALT = 1 << 3,   /* '#': "0x" for %x, a leading 0 for %o */
	FLAG_ZERO = 1 << 4,  /* '0': pad with zeros after the sign and prefix */
};

enum format_length {
	LEN_NONE,
	LEN_CHAR,    /* hh */
	LEN_SHORT,   /* h */
	LEN_LONG,    /* l */
	LEN_LLONG,   /* ll */
	LEN_SIZE,    /* z */
	LEN_PTRDIFF, /* t */
	LEN_INTMAX,  /* j */
};

struct format_spec {
	unsigned int flags; /* enum format_flag */
	int width;	    /* 0 when absent */
	int precision;	    /* -1 when absent */
	enum format_length length;
	char conversion; /* '\0' if the format ended inside the directive */
};

struct format_out {
	format_emit_fn emit;
	void *ctx;
	size_t count;
};

/* Enough for UINTMAX_MAX in octal: 64 bits / 3 bits per digit, rounded up. */
#define DIGITS_MAX ((sizeof(uintmax_t) * CHAR_BIT + 2) / 3)

static void out_text(struct format_out *out, const char *s, size_t n)
{
	if (n > 0) {
		out->emit(out->ctx, s, n);
		out->count += n;
	}
}

/* Emits @n copies of @c ('0' or ' ') in chunks, from a constant so nothing is copied. */
static void out_fill(struct format_out *out, char c, size_t n)
{
	static const char zeros[] = "00000000000000000000000000000000";
	static const char spaces[] = "                                ";
	const char *chunk = c == '0' ? zeros : spaces;
	const size_t chunk_len = sizeof(zeros) - 1;

	while (n > 0) {
		size_t len = n < chunk_len ? n : chunk_len;

		out_text(out, chunk, len);
		n -= len;
	}
}

/* Reads a width or precision at @p: digits, or '*' taking an int argument. */
static const char *parse_number(const char *p, int *value, va_list *ap)
{
	if (*p == '*') {
		*value = va_arg(*ap, int);
		return p + 1;
	}
	*value = 0;
	for (; isdigit(*p); p++) {
		int digit = *p - '0';

		/* Clamp absurd widths instead of overflowing. */
		*value = *value > (INT_MAX - digit) / 10 ? INT_MAX : *value * 10 + digit;
	}
	return p;
}

static const char *parse_flags(const char *p, unsigned int *flags)
{
	for (;; p++) {
		switch (*p) {
		case '-':
			*flags |= FLAG_LEFT;
			break;
		case '+':
			*flags |= FLAG_PLUS;
			break;
		case ' ':
			*flags |= FLAG_SPACE;
			break;
		case '#':
			*flags |= FLAG_ALT;
			break;
		case '0':
			*flags |= FLAG_ZERO;
			break;
		default:
			return p;
		}
	}
}

static const char *parse_length(const char *p, enum format_length *length)
{
	switch (*p) {
	case 'h':
		*length = p[1] == 'h' ? LEN_CHAR : LEN_SHORT;
		return p + (p[1] == 'h' ? 2 : 1);
	case 'l':
		*length = p[1] == 'l' ? LEN_LLONG : LEN_LONG;
		return p + (p[1] == 'l' ? 2 : 1);
	case 'z':
		*length = LEN_SIZE;
		return p + 1;
	case 't':
		*length = LEN_PTRDIFF;
		return p + 1;
	case 'j':
		*length = LEN_INTMAX;
		return p + 1;
	default:
		*length = LEN_NONE;
		return p;
	}
}

/*
 * Parses the directive after its '%' at @p into @spec, consuming the arguments of any
 * '*'. Returns the byte after the conversion character (or the format's NUL).
 */
static const char *parse_spec(const char *p, struct format_spec *spec, va_list *ap)
{
	spec->flags = 0;
	p = parse_flags(p, &spec->flags);
	p = parse_number(p, &spec->width, ap);
	if (spec->width < 0) {
		/* C11 7.21.6.1p5: a negative '*' width is a '-' flag and a positive width. */
		spec->flags |= FLAG_LEFT;
		spec->width = spec->width == INT_MIN ? INT_MAX : -spec->width;
	}
	spec->precision = -1;
	if (*p == '.') {
		/* A negative '*' precision counts as none (C11 7.21.6.1p5). */
		p = parse_number(p + 1, &spec->precision, ap);
		if (spec->precision < 0) {
			spec->precision = -1;
		}
	}
	p = parse_length(p, &spec->length);
	spec->conversion = *p;
	return *p ? p + 1 : p;
}

static intmax_t fetch_signed(enum format_length length, va_list *ap)
{
	switch (length) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		/* The signed type of size_t's width: ptrdiff_t on every target GCC supports. */
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t fetch_unsigned(enum format_length length, va_list *ap)
{
	switch (length) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	case LEN_PTRDIFF:
		/* The unsigned type of ptrdiff_t's width. */
		return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Writes @value in @base backwards ending at @end. Returns the number of digits. */
static size_t format_digits(char *end, uintmax_t value, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		*--end = digits[value % base];
		value /= base;
		n++;
	} while (value);
	return n;
}

/* Emits @len bytes of @body with the spaces @spec's width asks for. */
static void out_padded(struct format_out *out, const struct format_spec *spec, const char *body,
		       size_t len)
{
	size_t pad = (size_t)spec->width > len ? (size_t)spec->width - len : 0;

	if (!(spec->flags & FLAG_LEFT)) {
		out_fill(out, ' ', pad);
	}
	out_text(out, body, len);
	if (spec->flags & FLAG_LEFT) {
		out_fill(out, ' ', pad);
	}
}

/*
 * Emits one integer: [spaces] [sign or 0x] [zeros] digits [spaces]. @prefix is "-",
 * "+", " ", "0x", "0X" or "". Zeros come from the precision, from '0' (only without a
 * precision and without '-'), and from '#' with %o, which needs a leading 0.
 */
static void out_integer(struct format_out *out, const struct format_spec *spec, uintmax_t value,
			unsigned int base, const char *prefix)
{
	char buf[DIGITS_MAX];
	char *end = buf + sizeof(buf);
	size_t ndigits = format_digits(end, value, base, spec->conversion == 'X');
	size_t nprefix = strlen(prefix);
	size_t zeros, body, pad;

	if (spec->precision == 0 && value == 0) {
		ndigits = 0; /* C11 7.21.6.1p8: "%.0d" of 0 prints no characters */
	}
	zeros = spec->precision > 0 && (size_t)spec->precision > ndigits
			? (size_t)spec->precision - ndigits
			: 0;
	if (base == 8 && (spec->flags & FLAG_ALT) && zeros == 0 &&
	    (ndigits == 0 || end[-ndigits] != '0')) {
		zeros = 1;
	}
	body = nprefix + zeros + ndigits;
	pad = (size_t)spec->width > body ? (size_t)spec->width - body : 0;
	if ((spec->flags & (FLAG_ZERO | FLAG_LEFT)) == FLAG_ZERO && spec->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(spec->flags & FLAG_LEFT)) {
		out_fill(out, ' ', pad);
	}
	out_text(out, prefix, nprefix);
	out_fill(out, '0', zeros);
	out_text(out, end - ndigits, ndigits);
	if (spec->flags & FLAG_LEFT) {
		out_fill(out, ' ', pad);
	}
}

static void format_signed(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	intmax_t value = fetch_signed(spec->length, ap);
	/* Negate in unsigned arithmetic so INTMAX_MIN does not overflow. */
	uintmax_t magnitude = value < 0 ? 0 - (uintmax_t)value : (uintmax_t)value;
	const char *sign = "";

	if (value < 0) {
		sign = "-";
	} else if (spec->flags & FLAG_PLUS) {
		sign = "+";
	} else if (spec->flags & FLAG_SPACE) {
		sign = " ";
	}
	out_integer(out, spec, magnitude, 10, sign);
}

static void format_unsigned(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	uintmax_t value = fetch_unsigned(spec->length, ap);
	const char *prefix = "";
	unsigned int base = 10;

	if (spec->conversion == 'o') {
		base = 8;
	} else if (spec->conversion == 'x' || spec->conversion == 'X') {
		base = 16;
		if ((spec->flags & FLAG_ALT) && value != 0) {
			prefix = spec->conversion == 'x' ? "0x" : "0X";
		}
	}
	out_integer(out, spec, value, base, prefix);
}

static void format_pointer(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	struct format_spec hex = *spec;

	hex.conversion = 'x';
	out_integer(out, &hex, (uintptr_t)va_arg(*ap, void *), 16, "0x");
}

static void format_string(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	size_t max = spec->precision < 0 ? SIZE_MAX : (size_t)spec->precision;

	if (!s) {
		/* As glibc: print "(null)" only if the precision lets it print whole. */
		s = max >= sizeof("(null)") - 1 ? "(null)" : "";
	}
	out_padded(out, spec, s, strnlen(s, max));
}

static void format_char(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	char c = (char)(unsigned char)va_arg(*ap, int);

	out_padded(out, spec, &c, 1);
}

/* Formats one directive. Returns false if it is not supported (and nothing was emitted). */
static bool format_directive(struct format_out *out, const struct format_spec *spec, va_list *ap)
{
	bool has_length = spec->length != LEN_NONE;

	switch (spec->conversion) {
	case 'd':
	case 'i':
		format_signed(out, spec, ap);
		return true;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		format_unsigned(out, spec, ap);
		return true;
	case 'p':
		if (has_length) {
			return false;
		}
		format_pointer(out, spec, ap);
		return true;
	case 's':
		if (has_length) {
			return false; /* %ls would need wide characters */
		}
		format_string(out, spec, ap);
		return true;
	case 'c':
		if (has_length) {
			return false;
		}
		format_char(out, spec, ap);
		return true;
	case '%':
		out_text(out, "%", 1);
		return true;
	default:
		return false;
	}
}

int vformat(format_emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
	struct format_out out = {.emit = emit, .ctx = ctx, .count = 0};
	struct format_spec spec;
	va_list args;

	/* Helpers take a va_list pointer; &ap of a parameter is not one on x86_64. */
	va_copy(args, ap);
	while (*fmt) {
		const char *run = fmt;
		const char *end;

		while (*fmt && *fmt != '%') {
			fmt++;
		}
		out_text(&out, run, (size_t)(fmt - run));
		if (!*fmt) {
			break;
		}
		end = parse_spec(fmt + 1, &spec, &args);
		if (!format_directive(&out, &spec, &args)) {
			/* Unsupported: print the directive as written, '%' included. */
			out_text(&out, fmt, (size_t)(end - fmt));
		}
		fmt = end;
	}
	va_end(args);
	return out.count > INT_MAX ? INT_MAX : (int)out.count;
}

struct snprintf_buf {
	char *buf;
	size_t room; /* bytes of text buf can take: its size minus the NUL */
	size_t len;
};

static void snprintf_emit(void *ctx, const char *s, size_t n)
{
	struct snprintf_buf *b = ctx;
	size_t left = b->room - b->len;

	if (n > left) {
		n = left;
	}
	if (n > 0) {
		/* Guarded: with size 0, buf may be NULL and must not be touched at all. */
		memcpy(b->buf + b->len, s, n);
		b->len += n;
	}
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct snprintf_buf b = {.buf = buf, .room = size > 0 ? size - 1 : 0, .len = 0};
	int ret = vformat(snprintf_emit, &b, fmt, ap);

	if (size > 0) {
		buf[b.len] = '\0';
	}
	return ret;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
