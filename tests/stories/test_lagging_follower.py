"""lagging-follower: acks=all waits for the whole ISR until replica.lag.time.max.ms shrinks it."""

from __future__ import annotations

import pytest

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from tests.conftest import assert_golden
from tests.stories.common import SEEDS, as_json, cli, story, story_json

LAG_MS = 30_000  # replica.lag.time.max.ms, checked every LAG_MS / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_acks_all_stalls_until_the_isr_shrinks_then_the_follower_rejoins(seed: int) -> None:
    trace = story("lagging-follower", seed)
    data = as_json(trace)
    asked = [(at, e) for at, e in trace.of_type(ev.AlterPartitionSent) if e.out_of_sync]
    assert len(asked) == 1
    at, shrink = asked[0]
    assert (shrink.broker, shrink.isr, shrink.proposed, shrink.out_of_sync) == (
        4,
        (4, 5, 6),
        (4, 5),
        (6,),
    )
    # Out of sync only after replica.lag.time.max.ms, found by a check every 15 s.
    (caught_up,) = shrink.last_caught_up_ms
    assert LAG_MS < at - caught_up <= LAG_MS + LAG_MS // 2
    updated = trace.of_type(ev.LeaderIsrUpdated)[0]
    assert updated[1].isr == (4, 5)
    first = data["attempts"][0]["at_ms"]
    # The ack waits for the shrink (the first attempt times out after 30 s; its retry is
    # recognised as a duplicate and parked until the high watermark passes it).
    assert updated[0] <= data["ack_at_ms"] <= updated[0] + 5
    assert LAG_MS <= data["ack_at_ms"] - first <= LAG_MS + LAG_MS // 2 + 100
    assert data["ack_broker"] == 4
    assert data["log"]["copies"] == 1
    assert not trace.of_type(k.BrokerFenced)  # its heartbeats never stopped
    rejoined = trace.of_type(k.IsrExpanded)
    assert [(e.added, e.isr_after) for _, e in rejoined] == [(6, (4, 5, 6))]
    assert 60_000 < rejoined[0][0] < 61_000  # its next Fetch arrives a minute late


def test_a_shorter_lag_time_acknowledges_before_the_request_times_out() -> None:
    data = story_json("lagging-follower", 0, replica_lag_time_max_ms="10000")
    assert [a["outcome"] for a in data["attempts"]] == ["acknowledged"]
    assert 10_000 < data["ack_at_ms"] < 15_100


def test_acks_1_does_not_wait_for_the_follower() -> None:
    trace = story("lagging-follower", 0, acks="1")
    ack = trace.acknowledgement()
    assert ack is not None
    assert ack[0] < 100
    # The run stops once the record is settled (sim/horizon.py), before the isr-expiration
    # check could find broker 6 lagging: no shrink is claimed, and none is asked for early.
    assert all(at >= 30_000 for at, _ in trace.of_type(ev.AlterPartitionSent))


def test_golden_lagging_follower() -> None:
    assert_golden("simulate-lagging-follower.txt", cli("lagging-follower").stdout)
