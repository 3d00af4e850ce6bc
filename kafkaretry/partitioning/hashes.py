"""The key hashes other clients use instead of (or besides) Java's murmur2.

Each returns the hash as an unsigned 32-bit pattern; the partitioners in `clients.py`
turn it into a partition, each with its own arithmetic.
"""

from __future__ import annotations

import zlib
from typing import Final

from kafkaretry.partitioning.murmur2 import SEED, M

FNV32_OFFSET: Final = 2166136261  # Go hash/fnv New32a; librdkafka src/rdfnv1a.c `offset`
FNV32_PRIME: Final = 16777619
_MASK32: Final = 0xFFFFFFFF


def fnv1a_32(data: bytes) -> int:
    """FNV-1a 32-bit (Go's `hash/fnv.New32a`, librdkafka's `rd_fnv1a` before its abs), unsigned."""
    h = FNV32_OFFSET
    for byte in data:
        h = ((h ^ byte) * FNV32_PRIME) & _MASK32
    return h


def crc32(data: bytes) -> int:
    """CRC-32 (IEEE, reflected): librdkafka `rd_crc32`, Go `crc32.ChecksumIEEE`, zlib."""
    return zlib.crc32(data)


def _int32(x: float) -> int:
    """ECMAScript ToInt32: truncate, then wrap modulo 2**32 into the signed range."""
    n = int(x) & _MASK32
    return n - (1 << 32) if n & 0x80000000 else n


def _times_m(x: float) -> float:
    """JavaScript's `x *= M`: a product of IEEE doubles, rounded to 53 significant bits."""
    return float(x) * float(M)


def kafkajs_legacy_murmur2(data: bytes) -> int:
    """KafkaJS `LegacyPartitioner`'s murmur2 (kafkajs 2.2.4 src/producer/partitioners/legacy/
    murmur2.js), reproduced number for number.

    It is JavaScript arithmetic, not Java's: `k *= M` multiplies IEEE doubles, so products
    above 2**53 lose their low bits before `^` truncates them to 32; and the loop runs while
    `i < length / 4` without flooring, so a key whose length is not a multiple of 4 mixes
    one extra block of its tail bytes padded with 0 (`undefined & 0xff`), then the tail again.
    Returns the unsigned pattern of the signed int the JS function returns.
    """
    length = len(data)
    padded = data + b"\0\0\0"
    h: float = _int32(SEED ^ length)
    for i in range((length + 3) // 4):
        b0, b1, b2, b3 = padded[4 * i : 4 * i + 4]
        k = _times_m(b0 + (b1 << 8) + (b2 << 16) + _int32(b3 << 24))
        k = _times_m(_int32(k) ^ ((int(k) & _MASK32) >> 24))
        h = _int32(_times_m(h)) ^ _int32(k)
    tail = length & 3
    body = length & ~3
    if tail == 3:
        h = _int32(h) ^ (data[body + 2] << 16)
    if tail >= 2:
        h = _int32(h) ^ (data[body + 1] << 8)
    if tail >= 1:
        h = _times_m(_int32(h) ^ data[body])
    h = _int32(h) ^ ((int(h) & _MASK32) >> 13)
    h = _times_m(h)
    h = _int32(h) ^ ((int(h) & _MASK32) >> 15)
    return int(h) & _MASK32
