"""min-isr: RF 3, min.insync.replicas=2. One failure: writes go on; two: NOT_ENOUGH_REPLICAS."""

from __future__ import annotations

import pytest

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.protocol import NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT
from kafkaretry.sim.trace import Trace
from tests.conftest import assert_golden
from tests.stories.common import SEEDS, cli, story

DELIVERY_MS, REQUEST_MS = 120_000, 30_000


def _answers(trace: Trace, batch: int) -> list[str]:
    """What the leader answered each attempt of `batch` (heard by the producer or not)."""
    return [e.error for _, e in trace.of_type(ev.ProduceResponseSent) if e.batch == batch]


@pytest.mark.parametrize("seed", SEEDS)
def test_one_failure_is_absorbed_the_second_refuses_writes_until_they_expire(seed: int) -> None:
    trace = story("min-isr", seed)
    fenced = [(at, e.broker) for at, e in trace.of_type(k.BrokerFenced)]
    assert [b for _, b in fenced] == [6, 5]
    acked = {e.record: at for at, e in trace.of_type(ev.RecordAcknowledged)}
    expired = {e.record: at for at, e in trace.of_type(ev.RecordExpired)}
    # Record 1 (15 s) after the first failure: ISR [4, 5] still meets min.insync.replicas.
    assert sorted(acked) == [0, 1]
    assert fenced[0][0] < acked[1] < 15_100
    # Records 2 (30 s) and 3 (45 s) after the second failure: never acknowledged.
    assert expired == {2: 30_000 + DELIVERY_MS, 3: 45_000 + DELIVERY_MS}
    # Record 2 was appended while broker 5 was still in the ISR: it waits in purgatory and
    # times out (the HW cannot pass it below min ISR), then its retries are refused.
    appended = [e.batch for _, e in trace.of_type(ev.RecordAppended)]
    assert appended == [1, 2, 3]
    assert _answers(trace, 3)[0] == REQUEST_TIMED_OUT  # DelayedProduce expired in purgatory
    assert set(_answers(trace, 3)[1:]) == {NOT_ENOUGH_REPLICAS}
    timed_out = trace.of_type(ev.ProduceRequestTimedOut)
    assert [(at - 30_005, e.batch) for at, e in timed_out] == [(REQUEST_MS, 3)]
    # Record 3 is refused before any append, from its first attempt.
    assert set(_answers(trace, 4)) == {NOT_ENOUGH_REPLICAS}
    refused = trace.of_type(ev.NotEnoughReplicas)
    assert {(e.isr, e.min_insync_replicas) for _, e in refused} == {((4,), 2)}
    assert refused[0][0] > fenced[1][0]
    final = trace.final.leader_replica("kafka-study-topic", 0)
    assert final is not None
    assert [entry.record for entry in final.log] == [0, 1, 2]  # record 2 is stored, unacknowledged


def test_with_acks_1_the_same_writes_succeed_on_one_copy() -> None:
    trace = story("min-isr", 0, acks="1")
    assert sorted(e.record for _, e in trace.of_type(ev.RecordAcknowledged)) == [0, 1, 2, 3]
    assert not trace.of_type(ev.NotEnoughReplicas)
    final = trace.final.leader_replica("kafka-study-topic", 0)
    assert final is not None
    assert final.high_watermark == 2  # strict min ISR: records 2 and 3 are not committed


def test_golden_min_isr() -> None:
    assert_golden("simulate-min-isr.txt", cli("min-isr").stdout)
