"""AlterPartition at the active controller: only the leader, at its epoch, changes the ISR."""

from __future__ import annotations

from kafkaretry.sim.simulation import Simulation
from tests.sim.helpers import inputs

TOPIC = "kafka-study-topic"


def _ask(
    sim: Simulation, broker: int, epoch: int, isr: tuple[int, ...], partition: int = 0
) -> list[object]:
    answers: list[object] = []
    sim.control.alter_partition(broker, TOPIC, partition, epoch, isr, answers.append)
    for _ in sim.steps(until_ms=sim.queue.now_ms + 200):
        pass
    return answers


def test_the_leader_shrinks_the_isr_once_the_record_is_committed() -> None:
    sim = Simulation(inputs("ack-loss"), 0)
    assert _ask(sim, 4, 0, (4, 5)) == [(4, 5)]
    view = sim.control.partition(TOPIC, 0)
    assert (view.leader, view.leader_epoch, view.isr) == (4, 0, (4, 5))  # no epoch bump


def test_a_follower_or_a_stale_epoch_is_refused() -> None:
    sim = Simulation(inputs("ack-loss"), 0)
    assert _ask(sim, 5, 0, (4, 5)) == [None]  # NOT_LEADER_OR_FOLLOWER
    assert _ask(sim, 4, 7, (4, 5)) == [None]  # FENCED_LEADER_EPOCH
    assert sim.control.partition(TOPIC, 0).isr == (4, 5, 6)


def test_only_an_unfenced_broker_may_join_the_isr() -> None:
    sim = Simulation(inputs("broker-down"), 0)
    for _ in sim.steps(until_ms=15_000):
        pass
    assert sim.control.broker_fenced(4)
    view = sim.control.partition(TOPIC, 1)  # led by broker 5, ISR [5, 6] after the fence
    assert view.isr == (5, 6)
    # INELIGIBLE_REPLICA (KIP-841): the fenced broker may not join, a live one may leave.
    assert _ask(sim, 5, view.leader_epoch, (5, 6, 4), partition=1) == [None]
    assert _ask(sim, 5, view.leader_epoch, (5,), partition=1) == [(5,)]
