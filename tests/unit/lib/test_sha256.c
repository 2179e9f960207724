/* SPDX-License-Identifier: MIT */
/*
 * test_sha256.c - lib/sha256.c against the FIPS 180-2/180-4 example vectors and
 * against the host's sha256sum (coreutils) as the oracle for random data.
 *
 * The random messages cover every length around the padding boundaries (55, 56,
 * 63, 64, 119, 120 ... bytes, where the length field does or does not fit in the
 * last block) and are also fed in random pieces, so sha256_update()'s partial-block
 * path is checked against the one-call result.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "host_rename.h"
#include <toro/sha256.h>
#define TORO_HOST_RENAME_UNDO
#include "host_rename.h"

#define RANDOM_MAX_LEN 300 /* every length 0..RANDOM_MAX_LEN */
#define BIG_LEN (1 << 20)  /* plus one large message */

static void to_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1])
{
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
	}
}

static void check_vector(const char *msg, size_t len, const char *want)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];

	toro_sha256(msg, len, digest);
	to_hex(digest, hex);
	CHECK_MSG(strcmp(hex, want) == 0, "len %zu: got %s want %s", len, hex, want);
}

/* FIPS 180-2 appendix B (the same examples as the NIST CSRC "SHA256.pdf"). */
static void test_fips_vectors(void)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char four_blocks[] =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char *million = malloc(1000000);

	check_vector("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_vector("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_vector(two_blocks, strlen(two_blocks),
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_vector(four_blocks, strlen(four_blocks),
		     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	memset(million, 'a', 1000000);
	check_vector(million, 1000000,
		     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

/* The digest sha256sum prints for @len bytes of @data, or false if it cannot run. */
static bool oracle(const uint8_t *data, size_t len, char hex[2 * SHA256_DIGEST_SIZE + 1])
{
	char path[] = "/tmp/toro-sha256-XXXXXX";
	char cmd[64];
	int fd = mkstemp(path);
	FILE *p;
	bool ok;

	if (fd < 0) {
		return false;
	}
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
	p = ok ? popen(cmd, "r") : NULL;
	ok = p && fscanf(p, "%64s", hex) == 1 && strlen(hex) == 2 * SHA256_DIGEST_SIZE;
	if (p) {
		ok = pclose(p) == 0 && ok;
	}
	unlink(path);
	return ok;
}

/* The digest of @data fed to sha256_update() in pieces of random sizes. */
static void digest_in_pieces(const uint8_t *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;
	size_t done = 0;

	toro_sha256_init(&ctx);
	while (done < len) {
		size_t piece = (size_t)rand() % 150;

		if (piece > len - done) {
			piece = len - done;
		}
		toro_sha256_update(&ctx, data + done, piece);
		done += piece;
	}
	toro_sha256_final(&ctx, digest);
}

static void check_random(const uint8_t *data, size_t len)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	char got[2 * SHA256_DIGEST_SIZE + 1], want[2 * SHA256_DIGEST_SIZE + 1];

	if (!CHECK_MSG(oracle(data, len, want), "sha256sum failed for len %zu", len)) {
		return;
	}
	toro_sha256(data, len, digest);
	to_hex(digest, got);
	CHECK_MSG(strcmp(got, want) == 0, "len %zu: got %s want %s", len, got, want);
	digest_in_pieces(data, len, digest);
	to_hex(digest, got);
	CHECK_MSG(strcmp(got, want) == 0, "len %zu in pieces: got %s want %s", len, got, want);
}

static void test_random_data(void)
{
	uint8_t *data = malloc(BIG_LEN);

	srand(180);
	for (size_t i = 0; i < BIG_LEN; i++) {
		data[i] = (uint8_t)rand();
	}
	for (size_t len = 0; len <= RANDOM_MAX_LEN; len++) {
		check_random(data + len % 7, len); /* odd alignments too */
	}
	check_random(data, BIG_LEN);
	free(data);
}

int main(void)
{
	test_fips_vectors();
	test_random_data();
	return harness_report();
}
