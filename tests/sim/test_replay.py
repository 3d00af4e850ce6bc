"""A run keeps its events only; pictures of the cluster are rebuilt by replaying it."""

from __future__ import annotations

import pytest

from kafkaretry.sim.simulation import Simulation
from tests.sim.helpers import inputs


@pytest.mark.parametrize(("name", "seed"), [("ack-loss", 0), ("broker-down", 3)])
def test_replayed_snapshots_equal_the_ones_taken_while_running(name: str, seed: int) -> None:
    recorded = Simulation(inputs(name), seed, snapshots=True).run()
    lean = Simulation(inputs(name), seed).run()
    assert [(s.at_ms, s.events) for s in lean.steps] == [
        (s.at_ms, s.events) for s in recorded.steps
    ]
    assert all(step.snapshot is None for step in lean.steps)
    wanted = range(0, len(lean.steps), 7)
    replayed = lean.snapshots_after(wanted)
    assert sorted(replayed) == list(wanted)
    for index in wanted:
        assert replayed[index] == recorded.steps[index].snapshot


def test_a_recorded_snapshot_is_used_without_replaying() -> None:
    recorded = Simulation(inputs(), 0, snapshots=True).run()
    assert recorded.snapshots_after([2]) == {2: recorded.steps[2].snapshot}
