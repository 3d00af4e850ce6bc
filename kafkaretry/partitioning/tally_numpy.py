"""The key table with numpy: distinct keys as byte matrices per key length, never as objects.

A Python `Counter` of a million short keys costs ~150 bytes and ~0.2 µs per key; here a
distinct key costs its length + 12 bytes, and merging is a sort of the murmur2 values.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from kafkaretry.partitioning import bulk_numpy as bn
from kafkaretry.partitioning.bulk_clients import place_rows
from kafkaretry.partitioning.clients import resolve
from kafkaretry.partitioning.columnar import ArrowKeys
from kafkaretry.partitioning.keysource import Chunk
from kafkaretry.partitioning.tally import HOT_MIN, HotKey, Plan, Summaries, Summary
from kafkaretry.vectorised import arrow_keys_batch

THREADS = max(1, min(4, os.cpu_count() or 1))
Group = tuple[bn.U8, bn.U32, bn.I64]  # rows (keys of one length), murmur2 per row, counts


@dataclass(slots=True)
class NumpyKeyTable:
    groups: dict[int, Group] = field(default_factory=dict)

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> NumpyKeyTable:
        if isinstance(chunk, ArrowKeys):
            batch = arrow_keys_batch(chunk)
        elif isinstance(chunk, bytes):
            batch = bn.batch_from_lines(chunk)
        else:
            batch = bn.batch_from_keys(chunk)
        work = bn.length_groups(batch)
        # NumPy releases the GIL inside gathers, sorts and ufuncs, so two threads over
        # length groups use both cores of a small machine.
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            done = pool.map(lambda item: _distinct(batch, *item), work)
            return cls({length: group for (length, _), group in zip(work, done, strict=True)})

    def size(self) -> int:
        return sum(len(g[1]) for g in self.groups.values())

    def merge(self, other: NumpyKeyTable) -> None:
        for length, (mat, hashes, counts) in other.groups.items():
            mine = self.groups.get(length)
            if mine is None:
                self.groups[length] = (mat, hashes, counts)
                continue
            self.groups[length] = bn.unique_rows(
                np.concatenate((mine[0], mat)),
                np.concatenate((mine[1], hashes)),
                np.concatenate((mine[2], counts)),
            )

    def prune(self, keep: int) -> int:
        """Misra-Gries step: subtract the count ranked `keep`+1 from every key, drop zeros."""
        every = np.concatenate([g[2] for g in self.groups.values()])
        cut = int(np.partition(every, len(every) - keep - 1)[len(every) - keep - 1])
        for length, (mat, hashes, counts) in list(self.groups.items()):
            alive = counts > cut
            self.groups[length] = (mat[alive], hashes[alive], counts[alive] - cut)
        return cut

    def summarize(self, plan: Plan) -> Summaries:
        records, keys = Summary.empty(plan), Summary.empty(plan)
        for mat, hashes, counts in self.groups.values():
            per_key = _group_summary(plan, mat, hashes, None)
            keys.add(per_key)
            # A group of keys seen once each has the same record and key figures.
            once = not len(counts) or int(counts.max()) == 1
            records.add(per_key if once else _group_summary(plan, mat, hashes, counts))
        return Summaries(records, keys)

    def top(self, k: int, partitions: int) -> list[HotKey]:
        every = np.concatenate([g[2] for g in self.groups.values()] or [np.zeros(0, np.int64)])
        if not len(every) or k <= 0 or int(every.max()) < HOT_MIN:
            return []
        rank = len(every) - min(k, len(every))
        floor = max(int(np.partition(every, rank)[rank]), HOT_MIN)
        best: list[tuple[int, bytes, int]] = []
        for mat, hashes, counts in self.groups.values():
            pick = np.concatenate(
                (np.flatnonzero(counts > floor), _first_ties(mat, counts, floor, k))
            )
            parts = bn.positive_mod(hashes[pick], partitions)
            best += [
                (int(counts[i]), mat[i].tobytes(), int(p))
                for i, p in zip(pick.tolist(), parts.tolist(), strict=True)
            ]
        best.sort(key=lambda t: (-t[0], t[1]))
        return [HotKey(key, count, p) for count, key, p in best[:k]]


def _first_ties(mat: bn.U8, counts: bn.I64, floor: int, k: int) -> bn.I64:
    """Rows counted exactly `floor` times, the k smallest by bytes (ties listed like Python)."""
    tied = np.flatnonzero(counts == floor)
    if len(tied) > k and mat.shape[1]:
        as_strings = np.ascontiguousarray(mat[tied]).view(f"S{mat.shape[1]}").ravel()
        tied = tied[np.argsort(as_strings, kind="stable")]
    return tied[:k].astype(np.int64)


def _distinct(batch: bn.KeyBatch, length: int, starts: bn.I64) -> Group:
    mat = bn.gather(batch, starts, length)
    ones = np.ones(len(starts), dtype=np.int64)
    return bn.unique_rows(mat, bn.murmur2_rows(mat), ones)


def _group_summary(plan: Plan, mat: bn.U8, hashes: bn.U32, weights: bn.I64 | None) -> Summary:
    n = plan.partitions
    java = bn.positive_mod(hashes, n)
    out = Summary.empty(plan)
    out.counts = bn.as_ints(bn.weighted_bincount(java, weights, n))
    for m in plan.resizes:
        moved_to = bn.positive_mod(hashes, m)
        kept = moved_to == java
        out.after[m] = bn.as_ints(bn.weighted_bincount(moved_to, weights, m))
        kept_w = None if weights is None else weights[kept]
        out.stay[m] = bn.as_ints(bn.weighted_bincount(java[kept], kept_w, min(n, m)))
    total = len(hashes) if weights is None else int(weights.sum())
    done: dict[str, bn.U32] = {}
    for name in plan.clients:
        placed = place_rows(resolve(name), mat, hashes, n, done)
        if placed is None:
            out.client_ignored[name] = out.client_differs[name] = total
            continue
        out.client_counts[name] = bn.as_ints(bn.weighted_bincount(placed, weights, n))
        differs = placed != java
        out.client_differs[name] = int(differs.sum() if weights is None else weights[differs].sum())
    return out
