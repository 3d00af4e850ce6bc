"""Hypothesis: KRaft invariants for any seed, crash time and choice of broker/controller."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.sim.kraft import events as ev
from tests.sim.kraft_harness import TOPIC, Run

seeds = st.integers(0, 2**32 - 1)
times = st.integers(0, 20_000)
brokers = st.sampled_from((4, 5, 6))
controllers = st.one_of(st.none(), st.sampled_from((1, 2, 3)))


def _scenario(seed: int, broker: int, broker_ms: int, controller: int | None, ctrl_ms: int) -> Run:
    run = Run(seed)
    run.at(broker_ms, lambda: run.plane.crash_broker(broker))
    if controller is not None:
        run.at(ctrl_ms, lambda: run.plane.crash_controller(controller))
    assert run.until(10**9), "the run must terminate with an empty queue"
    return run


@settings(max_examples=60, deadline=None)
@given(seeds, brokers, times, controllers, times)
def test_one_active_controller_per_epoch_and_one_leader_per_leader_epoch(
    seed: int, broker: int, broker_ms: int, controller: int | None, ctrl_ms: int
) -> None:
    run = _scenario(seed, broker, broker_ms, controller, ctrl_ms)
    elected: dict[int, int] = {}
    for e in run.events:
        if isinstance(e, ev.ControllerElected):
            assert elected.setdefault(e.epoch, e.new_active) == e.new_active
            assert e.new_active != controller or e.at_ms < ctrl_ms
            assert len(e.votes) >= 2  # a majority of 3
    leaders: dict[tuple[int, int], int] = {}
    for e in run.events:
        if isinstance(e, ev.PartitionLeaderElected):
            key = (e.partition, e.leader_epoch)
            assert leaders.setdefault(key, e.new_leader) == e.new_leader
            assert e.new_leader in e.isr_after
            assert e.new_leader != broker  # a single crash: the new leader is a live replica
            assert run.plane.broker_alive(e.new_leader)
    for p in range(3):
        view = run.plane.partition(TOPIC, p)
        assert view.leader in view.isr
        assert broker not in view.isr  # the crashed broker is fenced out of every ISR
    assert run.plane.broker_fenced(broker)
    if controller is not None and run.of(ev.ControllerElected):
        assert run.plane.controller_epoch() > 1
        assert run.plane.active_controller() not in (None, controller)


@settings(max_examples=30, deadline=None)
@given(seeds, brokers, times, controllers, times)
def test_same_seed_same_events(
    seed: int, broker: int, broker_ms: int, controller: int | None, ctrl_ms: int
) -> None:
    first = _scenario(seed, broker, broker_ms, controller, ctrl_ms)
    second = _scenario(seed, broker, broker_ms, controller, ctrl_ms)
    assert first.events == second.events
    assert first.plane.snapshot() == second.plane.snapshot()


@settings(max_examples=40, deadline=None)
@given(seeds, brokers, times)
def test_fencing_waits_for_the_session_after_the_last_heartbeat(
    seed: int, broker: int, crash_ms: int
) -> None:
    run = _scenario(seed, broker, crash_ms, None, 0)
    (expired,) = [e for e in run.events if isinstance(e, ev.BrokerSessionExpired)]
    assert crash_ms + 7_000 <= expired.at_ms <= crash_ms + 9_000 + 1_125
    assert 0 <= expired.at_ms - (expired.last_contact_ms + 9_000) < expired.check_period_ms
    applied = [e for e in run.events if isinstance(e, ev.BrokerMetadataApplied)]
    assert {e.broker for e in applied} == {4, 5, 6} - {broker}
