"""Chi-square test of uniformity without scipy.

"Are these counts what an even spread over n partitions would give?" The statistic
Σ (observed - expected)² / expected follows a χ² distribution with n - 1 degrees of freedom
when every partition is equally likely; its p-value is the upper tail Q(k/2, x/2), the
regularized upper incomplete gamma function (Numerical Recipes §6.2: a series below
x < a + 1, Lentz's continued fraction above).
"""

from __future__ import annotations

import math

_EPS = 1e-15
_TINY = 1e-300
_MAX_TERMS = 10_000


def gammaincc(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a) for a > 0, x ≥ 0."""
    if a <= 0 or x < 0:
        raise ValueError(f"gammaincc needs a > 0 and x >= 0, got a={a}, x={x}")
    if x == 0:
        return 1.0
    if x < a + 1:
        return max(0.0, 1.0 - _lower_series(a, x))
    return _upper_fraction(a, x)


def _prefactor(a: float, x: float) -> float:
    return math.exp(-x + a * math.log(x) - math.lgamma(a))


def _lower_series(a: float, x: float) -> float:
    """P(a, x) = e^-x x^a / Γ(a) · Σ x^n / (a (a+1) … (a+n))."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_TERMS):
        denominator += 1
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * _prefactor(a, x)


def _upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by the continued fraction 1/(x+1-a- 1·(1-a)/(x+3-a- 2·(2-a)/(x+5-a- …)))."""
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return h * _prefactor(a, x)


def chi2_sf(statistic: float, dof: int) -> float:
    """P(χ²_dof ≥ statistic): the p-value of a chi-square test."""
    return gammaincc(dof / 2, statistic / 2)


def chi2_uniform(counts: list[int]) -> tuple[float, float] | None:
    """(χ², p) for "every partition equally likely"; None with one partition or no records."""
    total = sum(counts)
    if len(counts) < 2 or total == 0:
        return None
    expected = total / len(counts)
    statistic = sum((c - expected) ** 2 for c in counts) / expected
    return statistic, chi2_sf(statistic, len(counts) - 1)
