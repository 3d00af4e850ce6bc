"""KIP-580 exponential backoff and the produce-error table."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkaretry.sim.client.rules import PRODUCE_ERRORS, exponential_backoff, reaction


@pytest.mark.parametrize(
    ("attempts", "low", "high"),
    [(0, 80, 120), (1, 160, 240), (2, 320, 480), (3, 640, 960), (4, 800, 1000), (9, 800, 1000)],
)
@given(seed=st.integers(0, 2**32))
def test_backoff_ranges_with_defaults(seed: int, attempts: int, low: int, high: int) -> None:
    value = exponential_backoff(random.Random(seed), 100, 1000, attempts)
    assert low <= value <= high


def test_backoff_is_constant_when_max_is_not_above_initial() -> None:
    assert exponential_backoff(random.Random(0), 500, 200, 7) == 200


def test_backoff_depends_only_on_the_stream() -> None:
    a = [exponential_backoff(random.Random(3), 100, 1000, n) for n in range(6)]
    b = [exponential_backoff(random.Random(3), 100, 1000, n) for n in range(6)]
    assert a == b


def test_only_invalid_metadata_errors_refresh_metadata_themselves() -> None:
    # A client-side timeout refreshes metadata through the disconnect it causes, not as an
    # error: TimeoutException is not an InvalidMetadataException (Sender.completeBatch).
    timeout = reaction("REQUEST_TIMED_OUT")
    replicas = reaction("NOT_ENOUGH_REPLICAS")
    network = reaction("NETWORK_EXCEPTION")
    assert timeout is not None
    assert timeout.retriable
    assert not timeout.refresh_metadata
    assert network is not None
    assert network.refresh_metadata
    assert replicas is not None
    assert replicas.retriable
    assert not replicas.refresh_metadata
    assert reaction("INVALID_RECORD") is None
    assert all(r.retriable for r in PRODUCE_ERRORS.values())
