# SPDX-License-Identifier: MIT
"""blkcheck - the host's side of apps/blktest, shared by the block-device boot tests.

  fnv1a(data)                          the FNV-1a 64-bit checksum blktest prints
  pattern(first, count, sector_size)   the bytes blktest writes to sectors first..+count
  make_image(path, size, seed)         a raw disk of random bytes; returns them
"""

import random

FNV_OFFSET, FNV_PRIME = 0xcbf29ce484222325, 0x100000001b3


def fnv1a(data):
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


def pattern(first, count, sector_size=512):
    """What blktest writes (apps/blktest/main.c pattern())."""
    return bytes(((s * 31 + i) ^ (i >> 8)) & 0xFF
                 for s in range(first, first + count) for i in range(sector_size))


def make_image(path, size, seed):
    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return data
