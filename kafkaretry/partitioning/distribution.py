"""`partition --keys-file`: how a whole key file spreads over partitions, and what a resize moves.

Streaming rule: record-level figures (counts per partition, records moved by a resize,
records a client places differently) are exact for any file size. Key-level figures need
one counter per distinct key; they are exact up to `max_distinct` distinct keys. Past that
the table keeps the most frequent keys with the Misra-Gries algorithm (a key seen more than
2·records/max_distinct times is never dropped; a kept count is low by at most
`hot_keys_max_error`), and the distinct-key figures become "at least".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, Self

from kafkaretry.errors import KeyFileError
from kafkaretry.partitioning.keysource import Chunk, KeySource
from kafkaretry.partitioning.skew import UNEVEN_P, SkewDiagnosis, diagnose
from kafkaretry.partitioning.tally import HotKey, Plan, PyKeyTable, Summaries, Summary

MAX_DISTINCT = 2_000_000  # ~70 MB as numpy rows, ~300 MB as a Python Counter
Progress = Callable[[int, int | None], None]


class KeyTable(Protocol):
    @classmethod
    def from_chunk(cls, chunk: Chunk) -> Self: ...
    def size(self) -> int: ...
    def merge(self, other: Self) -> None: ...
    def prune(self, keep: int) -> int: ...
    def summarize(self, plan: Plan) -> Summaries: ...
    def top(self, k: int, partitions: int) -> list[HotKey]: ...


def table_class() -> type[KeyTable]:
    """NumPy's table when installed (the `fast` extra), else the pure-Python Counter."""
    if os.environ.get("KAFKARETRY_NO_NUMPY"):
        return PyKeyTable
    # NumPy's bundled OpenBLAS starts one thread per core while numpy is imported (~50 ms
    # of a 2-core machine's start-up); kafkaretry does no linear algebra, so one is enough.
    # setdefault: a value the user exported still wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        from kafkaretry.partitioning.tally_numpy import NumpyKeyTable
    except ImportError:
        return PyKeyTable
    return NumpyKeyTable


@dataclass(frozen=True, slots=True)
class Distribution:
    topic: str
    key_type: str
    source: str
    plan: Plan
    records: Summary
    keys: Summary | None  # None once the distinct-key table overflowed
    distinct_min: int
    hot: list[HotKey]
    hot_error: int
    ranked: list[HotKey]  # the most frequent keys, at least every heavy one (skew.py)
    null_keys: int = 0  # Parquet/Arrow cells without a key: not hashed, not counted

    @property
    def distinct(self) -> int | None:
        return self.keys.total if self.keys else None

    @property
    def expected(self) -> float:
        return self.records.total / self.plan.partitions

    @property
    def skew(self) -> float:
        return max(self.records.counts) / self.expected

    def diagnosis(self) -> SkewDiagnosis:
        keys = self.keys.counts if self.keys else None
        return diagnose(self.records.counts, keys, self.ranked)

    def to_json(self) -> dict[str, Any]:
        from kafkaretry.partitioning.keys import key_text

        diag = self.diagnosis()
        chi2, keys_chi2 = diag.records_chi2, diag.distinct_chi2
        return {
            "topic": self.topic,
            "partitions": self.plan.partitions,
            "key_type": self.key_type,
            "source": self.source,
            "keys": self.records.total,
            "null_keys": self.null_keys,
            "distinct_keys": self.distinct,
            "distinct_keys_min": self.distinct_min,
            "counts": self.records.counts,
            "expected": round(self.expected, 3),
            "skew": round(self.skew, 4),
            "chi2": round(chi2[0], 3) if chi2 else None,
            "chi2_p": chi2[1] if chi2 else None,
            "distinct_chi2": round(keys_chi2[0], 3) if keys_chi2 else None,
            "distinct_chi2_p": keys_chi2[1] if keys_chi2 else None,
            "spread": spread(diag),
            "heavy_key_min": diag.heavy_min,
            "heavy_keys": len(diag.heavy),
            "heavy_share": _share(diag.heavy_records, diag.records),
            "skew_without_heavy": (
                None if diag.skew_without_heavy is None else round(diag.skew_without_heavy, 4)
            ),
            "hot_keys": [
                {"key": key_text(h.key, self.key_type), "count": h.count, "partition": h.partition}
                for h in self.hot
            ],
            "hot_keys_max_error": self.hot_error,
            "resize": [resize_json(self, m) for m in self.plan.resizes],
            "clients": clients_json(self),
        }


def spread(diag: SkewDiagnosis) -> str:
    """even, heavy_keys (a few keys carry the imbalance), uneven_keys (the hash's spread) or
    too_few_keys (fewer than 5 distinct keys per partition: no test of the hash)."""
    if diag.heavy_carry:
        return "heavy_keys"
    if diag.distinct is not None and not diag.keys_testable:
        return "too_few_keys"
    even = diag.even_keys
    if even is None:  # distinct keys overflowed: only the record-level test is left
        even = diag.records_chi2 is None or diag.records_chi2[1] >= UNEVEN_P
    return "even" if even else "uneven_keys"


def _share(part: int, whole: int | None) -> float | None:
    return round(part / whole, 6) if whole else None


def resize_json(dist: Distribution, to: int) -> dict[str, Any]:
    moved_keys = dist.keys.moved(to) if dist.keys else None
    moved_records = dist.records.moved(to)
    return {
        "to": to,
        "moved_keys": moved_keys,
        "moved_share": None if moved_keys is None else _share(moved_keys, dist.distinct),
        "moved_records": moved_records,
        "moved_records_share": _share(moved_records, dist.records.total),
        "before": dist.records.counts,
        "after": dist.records.after[to],
        "stayed": dist.records.stay[to],
    }


def clients_json(dist: Distribution) -> dict[str, Any]:
    if not dist.plan.clients:
        return {}
    out: dict[str, Any] = {"java": {"counts": dist.records.counts}}
    for name in dist.plan.clients:
        rec, keys = dist.records, dist.keys
        out[name] = {
            "counts": rec.client_counts[name],
            "key_ignored": rec.client_ignored[name],
            "differs_keys": keys.client_differs[name] if keys else None,
            "differs_records": rec.client_differs[name],
            "differs_share": _share(rec.client_differs[name], rec.total),
        }
    return out


def analyse(
    source: KeySource,
    topic: str,
    plan: Plan,
    *,
    top: int = 10,
    max_distinct: int = MAX_DISTINCT,
    progress: Progress | None = None,
) -> Distribution:
    """Stream `source` once; KeyFileError when it holds no keys."""
    table_type = table_class()
    table: KeyTable | None = None
    streamed: Summary | None = None  # record figures, kept per chunk once the table overflowed
    distinct_min = hot_error = 0
    for chunk in source.chunks():
        part = table_type.from_chunk(chunk)
        if streamed is not None:
            streamed.add(part.summarize(plan).records)
        if table is None:
            table = part
        else:
            table.merge(part)
        if table.size() > max_distinct:
            distinct_min = max(distinct_min, table.size())
            if streamed is None:
                streamed = table.summarize(plan).records
            hot_error += table.prune(max_distinct // 2)
        if progress is not None:
            progress(source.bytes_read, source.total_bytes)
    if table is None or (streamed is None and table.size() == 0):
        raise KeyFileError(f"{source.name} has no keys: put one key per line")
    summaries = table.summarize(plan) if streamed is None else None
    # Every heavy key holds >= 1/(10n) of the records, so there are at most 10n of them.
    ranked = table.top(max(top, 10 * plan.partitions), plan.partitions)
    return Distribution(
        topic=topic,
        key_type=source.key_type,
        source=source.name,
        plan=plan,
        records=summaries.records if summaries else streamed,  # type: ignore[arg-type]
        keys=summaries.keys if summaries else None,
        distinct_min=summaries.keys.total if summaries else distinct_min,
        hot=ranked[:top],
        hot_error=hot_error,
        ranked=ranked,
        null_keys=source.null_keys,
    )
