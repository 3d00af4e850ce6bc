"""Counting keys per partition: the bounded summaries and the pure-Python key table.

A `Summary` is what a key file boils down to for one partition count: records (or distinct
keys) per partition, where they go after each resize, and where each client puts them.
Its size depends on partition counts only, never on the number of keys, so record-level
figures stream through any file in bounded memory. Key-level figures (distinct keys, hot
keys, keys moved) need one counter per distinct key: that is the `KeyTable`.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kafkaretry.partitioning.clients import resolve
from kafkaretry.partitioning.columnar import ArrowKeys
from kafkaretry.partitioning.keysource import Chunk
from kafkaretry.partitioning.murmur2 import murmur2, to_positive


@dataclass(frozen=True, slots=True)
class Plan:
    """What to compute: the topic's partition count, resize targets, other clients."""

    partitions: int
    resizes: tuple[int, ...] = ()
    clients: tuple[str, ...] = ()  # never "java": every comparison is against java


@dataclass(slots=True)
class Summary:
    """Per-partition totals for one weighting (records, or distinct keys)."""

    counts: list[int]
    after: dict[int, list[int]]  # resize target → totals per new partition
    stay: dict[int, list[int]]  # resize target → totals that keep their partition
    client_counts: dict[str, list[int]]
    client_ignored: dict[str, int]  # placed without the key (round-robin, random, sticky)
    client_differs: dict[str, int]  # placed somewhere else than the Java producer would

    @classmethod
    def empty(cls, plan: Plan) -> Summary:
        n = plan.partitions
        return cls(
            counts=[0] * n,
            after={m: [0] * m for m in plan.resizes},
            stay={m: [0] * min(n, m) for m in plan.resizes},
            client_counts={c: [0] * n for c in plan.clients},
            client_ignored=dict.fromkeys(plan.clients, 0),
            client_differs=dict.fromkeys(plan.clients, 0),
        )

    def add(self, other: Summary) -> None:
        _add_into(self.counts, other.counts)
        for m, values in other.after.items():
            _add_into(self.after[m], values)
            _add_into(self.stay[m], other.stay[m])
        for name, values in other.client_counts.items():
            _add_into(self.client_counts[name], values)
            self.client_ignored[name] += other.client_ignored[name]
            self.client_differs[name] += other.client_differs[name]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def moved(self, to: int) -> int:
        return self.total - sum(self.stay[to])


def _add_into(target: list[int], values: Iterable[int]) -> None:
    for i, v in enumerate(values):
        target[i] += v


@dataclass(frozen=True, slots=True)
class Summaries:
    records: Summary
    keys: Summary


HOT_MIN = 2  # a key seen once is not hot: files of unique keys list no hot keys


@dataclass(frozen=True, slots=True)
class HotKey:
    key: bytes
    count: int
    partition: int


@dataclass(slots=True)
class PyKeyTable:
    """The key table without numpy: a Counter of key bytes (about 150 bytes per distinct key)."""

    counts: Counter[bytes] = field(default_factory=Counter)

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> PyKeyTable:
        if isinstance(chunk, ArrowKeys):
            return cls(Counter(chunk.to_list()))
        if isinstance(chunk, bytes):
            keys = chunk.split(b"\n")
            keys.pop()  # every line ends in \n: the last piece is empty
            return cls(Counter(keys))
        return cls(Counter(chunk))

    def size(self) -> int:
        return len(self.counts)

    def merge(self, other: PyKeyTable) -> None:
        self.counts.update(other.counts)

    def prune(self, keep: int) -> int:
        """Misra-Gries step: subtract the count ranked `keep`+1 from every key, drop zeros."""
        values = sorted(self.counts.values(), reverse=True)
        cut = values[keep] if keep < len(values) else 0
        self.counts = Counter({k: c - cut for k, c in self.counts.items() if c > cut})
        return cut

    def summarize(self, plan: Plan) -> Summaries:
        records, keys = Summary.empty(plan), Summary.empty(plan)
        n = plan.partitions
        partitioners = [resolve(name) for name in plan.clients]
        for key, count in self.counts.items():
            h = to_positive(murmur2(key))
            p = h % n
            for summary, weight in ((records, count), (keys, 1)):
                summary.counts[p] += weight
                for m in plan.resizes:
                    q = h % m
                    summary.after[m][q] += weight
                    if q == p:
                        summary.stay[m][p] += weight
            for name, partitioner in zip(plan.clients, partitioners, strict=True):
                c = partitioner.place(key, n)
                for summary, weight in ((records, count), (keys, 1)):
                    _count_client(summary, name, p, c, weight)
        return Summaries(records, keys)

    def top(self, k: int, partitions: int) -> list[HotKey]:
        return [
            HotKey(key, count, to_positive(murmur2(key)) % partitions)
            for key, count in heapq.nsmallest(k, self._repeated(), key=hot_order)
        ]

    def _repeated(self) -> Iterator[tuple[bytes, int]]:
        return ((key, c) for key, c in self.counts.items() if c >= HOT_MIN)


def hot_order(item: tuple[bytes, int]) -> tuple[int, bytes]:
    """Most frequent first; ties by key bytes, so both backends list the same keys."""
    return -item[1], item[0]


def _count_client(summary: Summary, name: str, java: int, placed: int | None, weight: int) -> None:
    if placed is None:
        summary.client_ignored[name] += weight
        summary.client_differs[name] += weight
        return
    summary.client_counts[name][placed] += weight
    if placed != java:
        summary.client_differs[name] += weight
