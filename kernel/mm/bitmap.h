/* SPDX-License-Identifier: MIT */
/*
 * bitmap.h - runs of bits in arrays of 64-bit words, shared by the page
 * allocator (one bit per page of a zone) and the heap (one bit per page of a
 * chunk, one per 16-byte granule with CONFIG_DEBUG_HEAP). A set bit means
 * "in use". Private to kernel/mm; portable, so both are unit-tested on the host.
 */
#ifndef KERNEL_MM_BITMAP_H
#define KERNEL_MM_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BITMAP_WORD_BITS 64
#define BITMAP_WORDS(bits) (((bits) + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS)

static inline bool bitmap_test(const uint64_t *map, size_t bit)
{
	return (map[bit / BITMAP_WORD_BITS] >> (bit % BITMAP_WORD_BITS)) & 1;
}

/* The first bit in [@from, @limit) that equals @value, or @limit if there is none. */
static inline size_t bitmap_find(const uint64_t *map, size_t from, size_t limit, bool value)
{
	while (from < limit) {
		uint64_t word = map[from / BITMAP_WORD_BITS];

		if (!value) {
			word = ~word;
		}
		word &= ~0ULL << (from % BITMAP_WORD_BITS); /* forget the bits below @from */
		if (word) {
			size_t bit = from - from % BITMAP_WORD_BITS + (size_t)__builtin_ctzll(word);

			return bit < limit ? bit : limit;
		}
		from += BITMAP_WORD_BITS - from % BITMAP_WORD_BITS;
	}
	return limit;
}

/* True if every bit of [@from, @from + @count) equals @value. */
static inline bool bitmap_all(const uint64_t *map, size_t from, size_t count, bool value)
{
	return bitmap_find(map, from, from + count, !value) == from + count;
}

/* Set (@value true) or clear the bits [@from, @from + @count), a word at a time. */
static inline void bitmap_assign(uint64_t *map, size_t from, size_t count, bool value)
{
	while (count) {
		size_t shift = from % BITMAP_WORD_BITS;
		size_t n = BITMAP_WORD_BITS - shift < count ? BITMAP_WORD_BITS - shift : count;
		uint64_t mask = (n == BITMAP_WORD_BITS ? ~0ULL : ((1ULL << n) - 1)) << shift;

		if (value) {
			map[from / BITMAP_WORD_BITS] |= mask;
		} else {
			map[from / BITMAP_WORD_BITS] &= ~mask;
		}
		from += n;
		count -= n;
	}
}

/*
 * The first run of @count clear bits inside [@from, @limit) whose start s has
 * (s + @phase) % @align == 0, or @limit if there is none. @align is a power of
 * two; @phase lets the caller align the address a bit stands for, not the bit
 * index (a zone need not start on an aligned page). Every step moves s past a
 * set bit, so the search is linear in the bits it looks at.
 */
static inline size_t bitmap_find_run(const uint64_t *map, size_t from, size_t limit, size_t count,
				     size_t align, size_t phase)
{
	size_t s = from;

	for (;;) {
		size_t used;

		s = bitmap_find(map, s, limit, false);
		s = ((s + phase + align - 1) & ~(align - 1)) - phase;
		if (s >= limit || count > limit - s) {
			return limit;
		}
		used = bitmap_find(map, s, s + count, true);
		if (used == s + count) {
			return s;
		}
		s = used + 1;
	}
}

#endif /* KERNEL_MM_BITMAP_H */
