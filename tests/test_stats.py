"""The chi-square p-value (regularized upper incomplete gamma) against closed forms and tables."""

from __future__ import annotations

import math

import pytest

from kafkaretry.partitioning.stats import chi2_sf, chi2_uniform, gammaincc


@pytest.mark.parametrize("x", [0.01, 0.5, 1.0, 3.0, 10.0, 50.0, 200.0])
def test_closed_forms(x: float) -> None:
    # Q(1, x) = e^-x; chi2 with 1 dof is erfc(sqrt(x/2)); with 4 dof e^-x/2 (1 + x/2).
    assert gammaincc(1, x) == pytest.approx(math.exp(-x), rel=1e-12, abs=1e-300)
    assert chi2_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-10, abs=1e-300)
    assert chi2_sf(x, 4) == pytest.approx(math.exp(-x / 2) * (1 + x / 2), rel=1e-10, abs=1e-300)


@pytest.mark.parametrize(
    ("statistic", "dof", "p"),
    [
        (3.841459, 1, 0.05),  # the textbook 5% critical values
        (18.307038, 10, 0.05),
        (24.724970, 11, 0.01),
        (19.675138, 11, 0.05),
        (10.0, 11, 0.530387),
        (124.342113, 100, 0.05),
    ],
)
def test_table_values(statistic: float, dof: int, p: float) -> None:
    assert chi2_sf(statistic, dof) == pytest.approx(p, rel=1e-4)


def test_edges() -> None:
    assert gammaincc(3.5, 0) == 1.0
    assert chi2_sf(5000, 11) < 1e-300
    with pytest.raises(ValueError, match="a > 0"):
        gammaincc(0, 1)
    assert chi2_uniform([7]) is None
    assert chi2_uniform([0, 0, 0]) is None
    statistic, p = chi2_uniform([10, 10, 10])  # type: ignore[misc]
    assert (statistic, p) == (0.0, 1.0)
