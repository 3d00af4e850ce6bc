"""One ISR mechanism for a lagging follower and a restarted one (broker/isr.py, KIP-841)."""

from __future__ import annotations

import pytest

from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from tests.test_kafka41_stories import _restart


@pytest.mark.parametrize("seed", range(6))
def test_the_leader_asks_for_a_restarted_follower_only_once_its_metadata_shows_it_unfenced(
    seed: int,
) -> None:
    trace = _restart(13, 100, seed)
    ((unfenced_at, _),) = trace.of_type(k.BrokerUnfenced)
    asked = [
        (at, e)
        for at, e in trace.of_type(ev.AlterPartitionSent)
        if 4 in e.proposed and 4 not in e.isr
    ]
    # Partition.isReplicaIsrEligible: no request while the leader's metadata shows it fenced;
    # the unfencing reaches the leaders one metadata hop later, then they ask at once.
    assert asked
    assert all(at > unfenced_at for at, _ in asked)
    assert {e.partition for _, e in asked} == {0, 1, 2}
    # Each request the controller accepts is one IsrExpanded, committed after it was asked.
    expanded = trace.of_type(k.IsrExpanded)
    assert sorted(e.partition for _, e in expanded) == [0, 1, 2]
    first_ask = {e.partition: at for at, e in reversed(asked)}
    assert all(at >= first_ask[e.partition] for at, e in expanded)
