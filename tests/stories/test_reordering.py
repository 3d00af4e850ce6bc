"""reordering: several batches in flight; only idempotence keeps a retried batch in order."""

from __future__ import annotations

import pytest

from kafkaretry.sim import events as ev
from tests.conftest import assert_golden
from tests.stories.common import SEEDS, as_json, cli, story


def _log(name: str, seed: int, **sets: str) -> list[int]:
    trace = story(name, seed, **sets)
    leader = trace.final.leader_replica("kafka-study-topic", 0)
    assert leader is not None
    return [entry.record for entry in leader.log]


@pytest.mark.parametrize("seed", SEEDS)
def test_without_idempotence_the_retried_batch_lands_after_later_ones(seed: int) -> None:
    trace = story("reordering", seed)
    data = as_json(trace)
    assert data["settings"]["enable.idempotence"] is False
    assert data["settings"]["max.in.flight.requests.per.connection"] == 5
    # Batches 2 and 3 went out while batch 1 was in flight; losing batch 1's request broke
    # the connection, so all three time out and are re-enqueued at the head, newest first.
    sent = [(at, e.batch, e.attempt) for at, e in trace.of_type(ev.ProduceRequestSent)]
    assert [(b, a) for _, b, a in sent] == [(1, 1), (2, 1), (3, 1), (3, 2), (2, 2), (1, 2)]
    assert sent[3][0] - sent[0][0] >= 30_000  # request.timeout.ms
    assert _log("reordering", seed) == [2, 1, 0]
    # Records 1 and 2 (same key) sit before record 0, sent earlier: per-key order broke.
    assert [(r["index"], r["copies"], r["reordered"]) for r in data["records"]] == [
        (0, [2], False),
        (1, [1], True),
        (2, [0], True),
    ]
    acked = [e.record for _, e in trace.of_type(ev.RecordAcknowledged)]
    assert acked == [2, 1, 0]


@pytest.mark.parametrize("seed", SEEDS)
def test_with_idempotence_the_order_holds_across_the_retry(seed: int) -> None:
    trace = story("reordering", seed, enable_idempotence="true")
    data = as_json(trace)
    # The idempotent producer re-enqueues in sequence order (insertInSequenceOrder).
    retried = [e.batch for _, e in trace.of_type(ev.ProduceRequestSent) if e.attempt == 2]
    assert retried == [1, 2, 3]
    assert _log("reordering", seed, enable_idempotence="true") == [0, 1, 2]
    assert not any(r["reordered"] for r in data["records"])
    acked = [e.record for _, e in trace.of_type(ev.RecordAcknowledged)]
    assert acked == [0, 1, 2]


def test_one_request_in_flight_keeps_the_order_without_idempotence() -> None:
    # One request in flight: the Sender mutes the partition (guaranteeMessageOrder).
    assert _log("reordering", 0, max_in_flight_requests_per_connection="1") == [0, 1, 2]


def test_golden_reordering() -> None:
    assert_golden("simulate-reordering.txt", cli("reordering").stdout)


def test_golden_reordering_with_idempotence() -> None:
    result = cli("reordering", "--set", "enable.idempotence=true")
    assert_golden("simulate-reordering-idempotent.txt", result.stdout)
