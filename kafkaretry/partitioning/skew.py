"""Why a key file's records are uneven: the hash, or a few heavy keys.

The partitioner hashes each distinct key once; every record of that key then follows it to
the same partition. So a test of "does the hash spread keys evenly" counts distinct keys
per partition. A chi-square test over records instead treats the six records of a key seen
six times as six independent draws: for 500 keys repeated 6 times it rejects an even spread
that a fair hash produced (its statistic is ~6x too large). That test is still reported
(`chi2_p`), with that meaning.

The records' own imbalance (skew, max/mean) has a second cause the hash cannot help: a key
holding a large share of all records. A key is "heavy" here when it alone holds at least
HEAVY_SHARE of one partition's even share of records; the diagnosis removes the heavy keys
and measures the skew of what is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.partitioning.stats import chi2_uniform
from kafkaretry.partitioning.tally import HotKey

UNEVEN_P = 0.01
# Cochran's rule for the chi-square approximation: about 5 expected per cell. Below that
# (20 keys on 12 partitions) an uneven count is what a fair hash usually gives, so no
# verdict is drawn from p.
MIN_EXPECTED = 5.0
HEAVY_SHARE = 0.10  # of a partition's even share of records
CARRY = 0.5  # heavy keys "carry" the imbalance when removing them halves skew - 1


def share_floor(records: int, partitions: int) -> int:
    """10% of one partition's even share of records, rounded up."""
    return -(-records // round(partitions / HEAVY_SHARE))


def heavy_floor(records: int, partitions: int) -> int:
    """Fewest records that make a key heavy: 10% of one partition's even share, at least 2."""
    return max(2, share_floor(records, partitions))


@dataclass(frozen=True, slots=True)
class SkewDiagnosis:
    records: int
    partitions: int
    skew: float
    distinct: int | None  # None once the distinct-key table overflowed
    distinct_chi2: tuple[float, float] | None  # (statistic, p) over distinct keys
    records_chi2: tuple[float, float] | None  # every record an independent draw
    heavy: tuple[HotKey, ...]
    heavy_min: int
    skew_without_heavy: float | None  # None when the heavy keys hold every record

    @property
    def heavy_records(self) -> int:
        return sum(h.count for h in self.heavy)

    @property
    def keys_testable(self) -> bool:
        """Enough distinct keys per partition for the chi-square test over keys to mean much."""
        return self.distinct is not None and self.distinct >= MIN_EXPECTED * self.partitions

    @property
    def records_testable(self) -> bool:
        return self.records >= MIN_EXPECTED * self.partitions

    @property
    def even_keys(self) -> bool | None:
        """Does the hash spread distinct keys evenly? None when that is not known."""
        if self.distinct_chi2 is None or not self.keys_testable:
            return None
        return self.distinct_chi2[1] >= UNEVEN_P

    @property
    def records_uneven(self) -> bool:
        """More imbalance than records drawn independently would show: something to explain."""
        return (
            self.records_testable
            and self.records_chi2 is not None
            and self.records_chi2[1] < UNEVEN_P
        )

    @property
    def heavy_from_share(self) -> bool:
        """The heavy-key floor is 10% of a partition's even share (not the minimum of 2)."""
        return share_floor(self.records, self.partitions) >= 2

    @property
    def heavy_carry(self) -> bool:
        """The records are uneven, and removing the heavy keys takes away at least half of
        the excess over an even spread."""
        if not self.heavy or not self.records_uneven:
            return False
        rest = self.skew_without_heavy if self.skew_without_heavy is not None else 1.0
        return (rest - 1) <= CARRY * (self.skew - 1)


def diagnose(
    counts: list[int], key_counts: list[int] | None, candidates: list[HotKey]
) -> SkewDiagnosis:
    """Skew figures for records `counts` per partition and distinct keys `key_counts`.

    `candidates` are the most frequent keys (at least every heavy one), most frequent first.
    """
    n, total = len(counts), sum(counts)
    floor = heavy_floor(total, n)
    heavy = tuple(h for h in candidates if h.count >= floor)
    rest = list(counts)
    for h in heavy:
        rest[h.partition] -= h.count
    left = sum(rest)
    return SkewDiagnosis(
        records=total,
        partitions=n,
        skew=max(counts) * n / total if total else 0.0,
        distinct=sum(key_counts) if key_counts is not None else None,
        distinct_chi2=chi2_uniform(key_counts) if key_counts is not None else None,
        records_chi2=chi2_uniform(counts),
        heavy=heavy,
        heavy_min=floor,
        skew_without_heavy=max(rest) * n / left if left > 0 else None,
    )
