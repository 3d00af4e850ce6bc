"""Other clients' partitioners over byte matrices (keys of one length), with NumPy.

The same partitioners as `clients.py`, vectorised: each hash of `bulk_numpy` (or KafkaJS's
legacy murmur2 below), then the client's own arithmetic from `clients.reduce_hash`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from kafkaretry.partitioning import bulk_numpy as bn
from kafkaretry.partitioning.clients import Partitioner
from kafkaretry.partitioning.hashes import kafkajs_legacy_murmur2
from kafkaretry.partitioning.murmur2 import SEED, M

_M = float(M)
_MASK = np.int64(0xFFFFFFFF)
F64 = NDArray[np.floating[Any]]
I32 = NDArray[np.int32]


def _int32(x: F64 | bn.I64) -> I32:
    """ECMAScript ToInt32 of integral doubles below 2**63 in magnitude."""
    return (x.astype(np.int64) & _MASK).astype(np.uint32).view(np.int32)


def _ushr(x: F64, bits: int) -> I32:
    """ECMAScript `x >>> bits`: ToUint32, then an unsigned shift."""
    return ((x.astype(np.int64) & _MASK) >> bits).astype(np.int32)


def kafkajs_legacy_rows(mat: bn.U8) -> bn.U32:
    """`hashes.kafkajs_legacy_murmur2` of every row, in float64 exactly as JavaScript does."""
    if bn.rowwise(mat):
        return bn.each_row(mat, kafkajs_legacy_murmur2)
    n, length = mat.shape
    blocks = (length + 3) // 4
    padded = np.zeros((n, blocks * 4), dtype=np.int64)
    padded[:, :length] = mat
    h: F64 = np.full(n, float(_int32(np.array([SEED ^ length]))[0]))
    for i in range(blocks):
        b = padded[:, 4 * i : 4 * i + 4]
        k = (b[:, 0] + (b[:, 1] << 8) + (b[:, 2] << 16) + _int32(b[:, 3] << 24)) * _M
        k = (_int32(k) ^ _ushr(k, 24)) * _M
        h = (_int32(h * _M) ^ _int32(k)).astype(np.float64)
    tail, body = length & 3, length & ~3
    if tail:
        hi = _int32(h)
        if tail == 3:
            hi ^= mat[:, body + 2].astype(np.int32) << 16
        if tail >= 2:
            hi ^= mat[:, body + 1].astype(np.int32) << 8
        h = (hi ^ mat[:, body].astype(np.int32)) * _M
    h = (_int32(h) ^ _ushr(h, 13)) * _M
    hi = _int32(h) ^ _ushr(h, 15)
    return hi.view(np.uint32)


def _hash_rows(kind: str, mat: bn.U8, murmur: bn.U32) -> bn.U32:
    if kind == "murmur2":
        return murmur
    if kind == "fnv1a":
        return bn.fnv1a_rows(mat)
    if kind == "crc32":
        return bn.crc32_rows(mat)
    return kafkajs_legacy_rows(mat)


def place_rows(
    p: Partitioner, mat: bn.U8, murmur: bn.U32, n: int, done: dict[str, bn.U32] | None = None
) -> bn.I64 | None:
    """Partition of every row, or None when this partitioner ignores these keys.

    `done` keeps each hash of these rows for the next partitioner that uses it.
    """
    if p.hash is None or (p.empty_unkeyed and mat.shape[1] == 0):
        return None
    done = {} if done is None else done
    if p.hash not in done:
        done[p.hash] = _hash_rows(p.hash, mat, murmur)
    h = done[p.hash]
    if p.reduce == "positive":
        return bn.positive_mod(h, n)
    if p.reduce == "unsigned":
        return (h % np.uint32(n)).astype(np.int64)
    return bn.sarama_mod(h, n)
