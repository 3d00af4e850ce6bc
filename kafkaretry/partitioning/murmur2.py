"""Kafka's murmur2, bit for bit as `org.apache.kafka.common.utils.Utils.murmur2`.

The Java producer's built-in partitioner (`BuiltInPartitioner.partitionForKey`) computes
`toPositive(murmur2(keyBytes)) % numPartitions` in 32-bit int arithmetic. Python ints are
unbounded, so every multiply is masked back to 32 bits; the result is returned as Java's
*signed* int because that is what a Java developer sees in a debugger or a log.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

SEED = 0x9747B28C  # Utils.murmur2: `final int seed = 0x9747b28c`
M = 0x5BD1E995  # mixing constant `m`
R = 24  # shift `r`
MASK32 = 0xFFFFFFFF
SIGN_BIT_CLEAR = 0x7FFFFFFF  # Utils.toPositive: `number & 0x7fffffff`, not Math.abs

_BLOCKS = struct.Struct("<I")  # Java assembles each 4-byte block little-endian


def to_signed(h: int) -> int:
    """The Java `int` view of a 32-bit pattern."""
    return h - (1 << 32) if h & 0x80000000 else h


def to_positive(h: int) -> int:
    """Utils.toPositive: clear the sign bit (so -1 becomes 2147483647, not 1)."""
    return h & SIGN_BIT_CLEAR


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 of `data` as a signed 32-bit int (UtilsTest.testMurmur2 vectors)."""
    length = len(data)
    h = SEED ^ length
    body = length & ~3
    for (block,) in _BLOCKS.iter_unpack(data[:body]):
        k = (block * M) & MASK32
        k ^= k >> R
        h = ((h * M) & MASK32) ^ ((k * M) & MASK32)
    tail = length & 3
    if tail:
        if tail == 3:
            h ^= data[body + 2] << 16
        if tail >= 2:
            h ^= data[body + 1] << 8
        h = ((h ^ data[body]) * M) & MASK32
    h ^= h >> 13
    h = (h * M) & MASK32
    h ^= h >> 15
    return to_signed(h)


def java_partition(data: bytes, partitions: int) -> int:
    """BuiltInPartitioner.partitionForKey: `toPositive(murmur2(keyBytes)) % numPartitions`."""
    return to_positive(murmur2(data)) % partitions


@dataclass(frozen=True, slots=True)
class Block:
    """One 4-byte body block: its bytes, `k` after mixing, and `h` after absorbing it."""

    index: int
    data: bytes
    k_raw: int
    k_mixed: int
    h_after: int


@dataclass(frozen=True, slots=True)
class Murmur2Trace:
    """Every intermediate value of one murmur2 run, for the stage-by-stage explanation."""

    data: bytes
    h_init: int
    blocks: tuple[Block, ...]
    tail: bytes
    h_after_tail: int
    final_steps: tuple[tuple[str, int], ...]
    unsigned: int

    @property
    def signed(self) -> int:
        return to_signed(self.unsigned)

    @property
    def positive(self) -> int:
        return to_positive(self.unsigned)


def murmur2_trace(data: bytes) -> Murmur2Trace:
    """murmur2 written out step by step; `tests` check it agrees with `murmur2`."""
    length = len(data)
    h = SEED ^ length
    h_init = h
    blocks = []
    body = length & ~3
    for i in range(0, body, 4):
        k_raw = int.from_bytes(data[i : i + 4], "little")
        k = (k_raw * M) & MASK32
        k ^= k >> R
        k = (k * M) & MASK32
        h = ((h * M) & MASK32) ^ k
        blocks.append(Block(i // 4, data[i : i + 4], k_raw, k, h))
    tail = data[body:]
    if len(tail) == 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if tail:
        h = ((h ^ tail[0]) * M) & MASK32
    h_after_tail = h
    steps = []
    h ^= h >> 13
    steps.append(("h ^= h >>> 13", h))
    h = (h * M) & MASK32
    steps.append(("h *= m", h))
    h ^= h >> 15
    steps.append(("h ^= h >>> 15", h))
    return Murmur2Trace(data, h_init, tuple(blocks), tail, h_after_tail, tuple(steps), h)
