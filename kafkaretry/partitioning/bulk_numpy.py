"""Vectorised key hashing with NumPy: murmur2 (Java), FNV-1a (sarama), CRC-32 (librdkafka).

Keys are grouped by length so each group is an (n, L) byte matrix; murmur2 then runs
column block by column block over all n keys at once. uint32 arithmetic wraps modulo
2**32 exactly as Java's `int` multiply does, so no masking is needed (PERF-NOTES.md §2).
Only imported when numpy is installed (`pip install 'kafkaretry[fast]'`).
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kafkaretry.partitioning.hashes import fnv1a_32
from kafkaretry.partitioning.murmur2 import SEED, M, murmur2

U8 = NDArray[np.uint8]
U32 = NDArray[np.uint32]
I64 = NDArray[np.int64]

_M = np.uint32(M)
_FNV_OFFSET = np.uint32(2166136261)  # Go hash/fnv New32a
_FNV_PRIME = np.uint32(16777619)
_NEWLINE = 10


def _crc_table() -> U32:
    # zlib's reflected CRC-32 (polynomial 0xEDB88320), which librdkafka's rd_crc32 matches.
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1)
    return table.astype(np.uint32)


_CRC_TABLE = _crc_table()


@dataclass(frozen=True, slots=True)
class KeyBatch:
    """Many keys in one byte buffer: key i is `buf[starts[i] : starts[i] + lens[i]]`."""

    buf: U8
    starts: I64
    lens: I64


def batch_from_lines(data: bytes) -> KeyBatch:
    """Keys from newline-terminated lines (every line, including the last, ends in \\n)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == _NEWLINE).astype(np.int64, copy=False)
    starts = np.empty_like(ends)
    if len(ends):
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
    return KeyBatch(buf, starts, ends - starts)


def batch_from_keys(keys: list[bytes]) -> KeyBatch:
    """Keys from a list (typed keys serialized by Python, CSV cells)."""
    lens = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    return KeyBatch(np.frombuffer(b"".join(keys) or b"\0", dtype=np.uint8), starts, lens)


def length_groups(batch: KeyBatch) -> list[tuple[int, I64]]:
    """(L, start offsets of every key of length L), one entry per distinct length."""
    # A stable radix argsort on uint16 is ~6x faster than on int64 (PERF-NOTES.md §2).
    # Keys of 65,536 bytes or more share a uint16 with shorter ones: sort those by a wider
    # type (never the case for key files of ordinary keys).
    wide = len(batch.lens) and int(batch.lens.max()) > 0xFFFF
    order = np.argsort(batch.lens if wide else batch.lens.astype(np.uint16), kind="stable")
    sizes = np.bincount(batch.lens)  # keys per length, so no gather of the sorted lengths
    lengths = np.flatnonzero(sizes)
    edges = [0, *np.cumsum(sizes[lengths]).tolist()]
    return [
        (length, batch.starts[order[lo:hi]])
        for length, (lo, hi) in zip(lengths.tolist(), itertools.pairwise(edges), strict=True)
    ]


def take_rows(mat: U8, index: I64) -> U8:
    """mat[index], copying each row as one item rather than byte by byte."""
    length = mat.shape[1]
    if length == 0:
        return mat[index]
    items = np.ascontiguousarray(mat).view(f"V{length}").ravel()
    return items[index].view(np.uint8).reshape(-1, length)


def gather(batch: KeyBatch, starts: I64, length: int) -> U8:
    if length == 0:
        return np.zeros((len(starts), 0), dtype=np.uint8)
    # Every offset as one L-byte void item: fancy indexing then copies whole keys, which is
    # faster than gathering an (n, L) grid of single bytes.
    buf = batch.buf
    items = np.ndarray(shape=(len(buf) - length + 1,), dtype=f"V{length}", buffer=buf, strides=(1,))
    return items[starts].view(np.uint8).reshape(-1, length)


# A column-at-a-time kernel pays NumPy's per-call overhead (~µs) once per column, so for a
# few very long keys it is ~20x slower than hashing each key in plain Python, which is
# linear in the bytes. Such groups are hashed row by row.
ROWWISE_MAX_ROWS = 64
ROWWISE_MIN_LENGTH = 256


def rowwise(mat: U8) -> bool:
    return bool(mat.shape[0] < ROWWISE_MAX_ROWS and mat.shape[1] >= ROWWISE_MIN_LENGTH)


def each_row(mat: U8, fn: Callable[[bytes], int]) -> U32:
    return np.array([fn(row.tobytes()) for row in mat], dtype=np.uint32)


def murmur2_rows(mat: U8) -> U32:
    """Utils.murmur2 of every row of an (n, L) byte matrix, as uint32 bit patterns."""
    if rowwise(mat):
        return each_row(mat, lambda data: murmur2(data) & 0xFFFFFFFF)
    n, length = mat.shape
    h = np.full(n, (SEED ^ length) & 0xFFFFFFFF, dtype=np.uint32)
    body = length & ~3
    if body:
        blocks = np.ascontiguousarray(mat[:, :body]).view("<u4")  # Java reads little-endian
        for j in range(body // 4):
            k = blocks[:, j] * _M
            k ^= k >> np.uint32(24)
            k *= _M
            h *= _M
            h ^= k
    tail = length & 3
    if tail:  # the fall-through switch over the last 1-3 bytes
        if tail == 3:
            h ^= mat[:, body + 2].astype(np.uint32) << np.uint32(16)
        if tail >= 2:
            h ^= mat[:, body + 1].astype(np.uint32) << np.uint32(8)
        h ^= mat[:, body]
        h *= _M
    h ^= h >> np.uint32(13)
    h *= _M
    h ^= h >> np.uint32(15)
    return h


def fnv1a_rows(mat: U8) -> U32:
    """FNV-1a 32 of every row: xor the byte, then multiply, byte by byte."""
    if rowwise(mat):
        return each_row(mat, fnv1a_32)
    h = np.full(mat.shape[0], _FNV_OFFSET, dtype=np.uint32)
    for j in range(mat.shape[1]):
        h ^= mat[:, j]
        h *= _FNV_PRIME
    return h


def crc32_rows(mat: U8) -> U32:
    """zlib.crc32 of every row, table-driven one byte column at a time."""
    if rowwise(mat):
        return each_row(mat, zlib.crc32)
    h = np.full(mat.shape[0], 0xFFFFFFFF, dtype=np.uint32)
    for j in range(mat.shape[1]):
        h = _CRC_TABLE[(h ^ mat[:, j]) & np.uint32(0xFF)] ^ (h >> np.uint32(8))
    return h ^ np.uint32(0xFFFFFFFF)


RADIX_MIN = 1 << 12  # below this, a comparison sort beats two passes over 65,536 buckets


def hash_order(hashes: U32) -> I64:
    """An argsort of uint32 values: two stable radix passes over 16-bit halves.

    NumPy radix-sorts only types of 16 bits or fewer; two such passes (low half, then high
    half) sort 1M murmur2 values ~8x faster than np.argsort's comparison sort on uint32.
    """
    if len(hashes) < RADIX_MIN:
        return np.argsort(hashes).astype(np.int64, copy=False)
    low = np.argsort(hashes.astype(np.uint16), kind="stable")  # the cast keeps the low 16 bits
    high = (hashes >> np.uint32(16)).astype(np.uint16)[low]
    return low[np.argsort(high, kind="stable")].astype(np.int64, copy=False)


def unique_rows(mat: U8, hashes: U32, counts: I64) -> tuple[U8, U32, I64]:
    """Merge equal rows, summing their counts; exact even when two keys share a hash.

    Equal rows have equal hashes, so only rows whose hash repeats can be duplicates: sort
    the hashes, compare the bytes of neighbours with one hash, and leave every other row in
    place (a file of distinct keys copies no rows at all).
    """
    if len(hashes) < 2:
        return mat, hashes, counts
    order = hash_order(hashes)
    ranked = hashes[order]
    pairs = np.flatnonzero(ranked[1:] == ranked[:-1])  # sorted position p and p + 1
    if not len(pairs):
        return mat, hashes, counts
    differ = (take_rows(mat, order[pairs]) != take_rows(mat, order[pairs + 1])).any(axis=1)
    # A hash shared by different keys (about 1 in 2**32 per pair): its whole run is sorted
    # out by bytes below. Every other run of one hash is one key, repeated.
    mixed = np.isin(ranked[pairs], ranked[pairs[differ]])
    same = pairs[~mixed]
    summed = counts.copy()
    keep = np.ones(len(hashes), dtype=bool)
    if len(same):
        chain = np.concatenate(([True], np.diff(same) != 1))  # p starts a run of equal rows
        summed[order[same[chain]]] += np.add.reduceat(
            counts[order[same + 1]], np.flatnonzero(chain)
        )
        keep[order[same + 1]] = False
    if not mixed.any():
        return mat[keep], hashes[keep], summed[keep]
    tangled = order[_runs(pairs[mixed], len(ranked))]
    keep[tangled] = False
    rows, hashes_once, merged = _sort_out(mat[tangled], hashes[tangled], counts[tangled])
    return (
        np.concatenate((mat[keep], rows)),
        np.concatenate((hashes[keep], hashes_once)),
        np.concatenate((summed[keep], merged)),
    )


def _runs(pairs: I64, size: int) -> I64:
    """Sorted positions p and p + 1 of every pair, each once."""
    marked = np.zeros(size, dtype=bool)
    marked[pairs] = marked[pairs + 1] = True
    return np.flatnonzero(marked)


def _sort_out(mat: U8, hashes: U32, counts: I64) -> tuple[U8, U32, I64]:
    """Merge equal rows by sorting the bytes themselves: for the few rows whose hash collided.

    np.lexsort over byte columns rather than np.unique(axis=0), which imports numpy.ma
    (~20 ms of start-up) in NumPy 2.
    """
    order = np.lexsort(mat.T[::-1])  # lexsort's last key is the primary one
    mat, hashes, counts = mat[order], hashes[order], counts[order]
    starts = np.flatnonzero(np.concatenate(([True], (mat[1:] != mat[:-1]).any(axis=1))))
    return mat[starts], hashes[starts], np.add.reduceat(counts, starts)


def positive_mod(hashes: U32, partitions: int) -> I64:
    """Utils.toPositive(h) % n."""
    return ((hashes & np.uint32(0x7FFFFFFF)) % np.uint32(partitions)).astype(np.int64)


def sarama_mod(hashes: U32, partitions: int) -> I64:
    """|int32(h)| % n (Go's remainder keeps the sign, sarama negates it); abs via int64."""
    return np.abs(hashes.view(np.int32).astype(np.int64)) % partitions


def weighted_bincount(parts: I64, weights: I64 | None, size: int) -> I64:
    if weights is None:
        return np.bincount(parts, minlength=size).astype(np.int64)
    # float64 weights are exact below 2**53 records.
    return np.rint(np.bincount(parts, weights=weights, minlength=size)).astype(np.int64)


def as_ints(values: Any) -> list[int]:
    return [int(v) for v in np.asarray(values).tolist()]
