"""unclean-election: an out-of-sync replica may lead only when the setting allows it."""

from __future__ import annotations

import pytest

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft.views import NO_LEADER
from kafkaretry.sim.trace import Trace
from tests.conftest import assert_golden
from tests.stories.common import SEEDS, as_json, cli, story


def _elected(trace: Trace) -> list[k.PartitionLeaderElected]:
    return [e for _, e in trace.of_type(k.PartitionLeaderElected) if e.partition == 0]


@pytest.mark.parametrize("seed", SEEDS)
def test_enabled_an_out_of_sync_replica_leads_and_a_committed_record_is_lost(seed: int) -> None:
    trace = story("unclean-election", seed)
    data = as_json(trace)
    shrink = [e for _, e in trace.of_type(ev.AlterPartitionSent) if e.out_of_sync]
    assert [e.out_of_sync for e in shrink] == [(6,)]  # broker 6 left the ISR first
    acked = {e.record: (e.offset, e.broker) for _, e in trace.of_type(ev.RecordAcknowledged)}
    assert acked == {0: (0, 4), 1: (1, 4)}
    last = _elected(trace)[-1]
    assert (last.new_leader, last.unclean, last.isr_after) == (6, True, (6,))
    assert all(not e.unclean for e in _elected(trace)[:-1])
    # Record 1 was committed (the high watermark passed it on broker 4) and acknowledged.
    committed = [
        e.high_watermark
        for _, e in trace.of_type(ev.HighWatermarkAdvanced)
        if (e.broker, e.partition) == (4, 0)
    ]
    assert max(committed) == 2
    ack = trace.acknowledgement(1)
    assert ack is not None
    lost = [r for r in data["records"] if r["lost"]]
    assert [
        (r["index"], r["partition"], r["ack_offset"], r["acked_by"], r["ack_at_ms"]) for r in lost
    ] == [(1, 0, 1, 4, ack[0])]
    assert lost[0]["final_leader"] == 6
    assert lost[0]["kind"] == "acked-then-lost"
    assert data["outcome"]["reason"] == "acked-then-lost"


@pytest.mark.parametrize("seed", SEEDS)
def test_disabled_the_partition_stays_offline_and_nothing_acknowledged_is_lost(seed: int) -> None:
    trace = story("unclean-election", seed, unclean_leader_election_enable="false")
    data = as_json(trace)
    last = _elected(trace)[-1]
    assert (last.new_leader, last.unclean) == (NO_LEADER, False)
    assert last.isr_after in ((4,), (5,))  # the last member stays: never emptied (ELR off)
    final = trace.final.control
    assert final is not None
    assert [p.leader for p in final.partitions if p.partition == 0] == [NO_LEADER]
    assert not any(r["lost"] for r in data["records"])
    assert sorted(e.record for _, e in trace.of_type(ev.RecordAcknowledged)) == [0, 1]


def test_golden_unclean_election() -> None:
    assert_golden("simulate-unclean-election.txt", cli("unclean-election").stdout)


def test_golden_unclean_election_disabled() -> None:
    result = cli("unclean-election", "--set", "unclean.leader.election.enable=false")
    assert_golden("simulate-unclean-election-disabled.txt", result.stdout)
