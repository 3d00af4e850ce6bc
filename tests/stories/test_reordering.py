"""reordering: several batches in flight; only idempotence keeps a retried batch in order."""

from __future__ import annotations

import pytest

from kafkaretry.sim import events as ev
from kafkaretry.sim.protocol import OUT_OF_ORDER_SEQUENCE_NUMBER
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
    # Batches 2 and 3 went out while batch 1 (whose request was lost) was still in flight.
    sent = [(at, e.batch, e.attempt) for at, e in trace.of_type(ev.ProduceRequestSent)]
    assert [(b, a) for _, b, a in sent] == [(1, 1), (2, 1), (3, 1), (1, 2)]
    assert sent[3][0] - sent[0][0] >= 30_000  # request.timeout.ms
    assert _log("reordering", seed) == [1, 2, 0]
    assert data["out_of_send_order"] == [
        {"record": 0, "partition": 0, "offset": 2, "overtaken_by": [1, 2]}
    ]
    acked = [e.record for _, e in trace.of_type(ev.RecordAcknowledged)]
    assert acked == [1, 2, 0]


@pytest.mark.parametrize("seed", SEEDS)
def test_with_idempotence_the_order_holds_across_the_retry(seed: int) -> None:
    trace = story("reordering", seed, enable_idempotence="true")
    data = as_json(trace)
    refused = [
        e.batch
        for _, e in trace.of_type(ev.ProduceResponseReceived)
        if e.error == OUT_OF_ORDER_SEQUENCE_NUMBER
    ]
    assert refused == [2]  # batch 3 waits behind batch 2's retry (shouldStopDrainBatches)
    assert _log("reordering", seed, enable_idempotence="true") == [0, 1, 2]
    assert data["out_of_send_order"] == []
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
