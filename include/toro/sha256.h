/* SPDX-License-Identifier: MIT */
/*
 * <toro/sha256.h> - SHA-256 (FIPS 180-4), incremental or in one call.
 *
 *	struct sha256_ctx ctx;
 *	uint8_t digest[SHA256_DIGEST_SIZE];
 *
 *	sha256_init(&ctx);
 *	sha256_update(&ctx, part1, n1);
 *	sha256_update(&ctx, part2, n2);
 *	sha256_final(&ctx, digest);
 *
 * Portable (lib/sha256.c, no heap, no global state); the host unit test
 * checks it against FIPS vectors and sha256sum.
 */
#ifndef TORO_SHA256_H
#define TORO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_ctx {
	uint32_t state[8];		  /* H0..H7 (FIPS 180-4 §6.2) */
	uint64_t length;		  /* bytes hashed so far */
	uint8_t block[SHA256_BLOCK_SIZE]; /* a partial block, length % 64 bytes */
};

/* Start a new digest. */
void sha256_init(struct sha256_ctx *ctx);

/* Hash @len more bytes of @data (any length, any alignment). */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);

/* Pad, finish and write the 32-byte digest to @digest; @ctx must be re-initialised to reuse. */
void sha256_final(struct sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);

/* The digest of @len bytes at @data, in one call. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif /* TORO_SHA256_H */
