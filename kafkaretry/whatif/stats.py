"""Order statistics of integer samples (simulated ms), for `sweep`."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Spread:
    """min, p50, p90, p99, max of a sample; percentiles by the nearest-rank method (each
    is a value that occurred: the smallest with at least p% of the sample at or below it)."""

    min: int
    p50: int
    p90: int
    p99: int
    max: int

    def json(self) -> dict[str, int]:
        return {"min": self.min, "p50": self.p50, "p90": self.p90, "p99": self.p99, "max": self.max}


def percentile(ordered: list[int], p: float) -> int:
    """Nearest rank: ordered[ceil(p/100 * n) - 1]; `ordered` sorted, not empty."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def spread(sample: list[int]) -> Spread | None:
    """None for an empty sample (it never happened in any run)."""
    if not sample:
        return None
    ordered = sorted(sample)
    return Spread(
        ordered[0],
        percentile(ordered, 50),
        percentile(ordered, 90),
        percentile(ordered, 99),
        ordered[-1],
    )


def histogram(sample: list[int], low: int, high: int, bins: int) -> list[int]:
    """Counts of `sample` in `bins` equal-width bins over [low, high] (high in the last)."""
    counts = [0] * bins
    width = (high - low) / bins if high > low else 1.0
    for value in sample:
        index = min(bins - 1, max(0, int((value - low) / width)))
        counts[index] += 1
    return counts
