"""Faults with a `when`: they strike on an event of the run, whatever the seed or latency."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kafkaretry.errors import ScenarioFileError
from kafkaretry.loading import load_scenario_book
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim import settings as sim
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import SCENARIOS


def run(when: sim.When, seed: int = 0, latency: str = "1") -> Trace:
    inputs = scenario_inputs(
        load_scenario_book(SCENARIOS), "ack-loss", overrides={"network.latency.ms": latency}
    )
    crash = sim.CrashBroker("partition-leader", 0, when)
    return Simulation(replace(inputs, faults=(crash,)), seed).run()


def _crash_moment(trace: Trace) -> tuple[int, list[ev.TraceEvent]]:
    """The crash's step: the events of the action that triggered it come first."""
    for step in trace.steps:
        if any(isinstance(e, k.BrokerCrashed) for e in step.events):
            return step.at_ms, list(step.events)
    raise AssertionError("no crash")


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("latency", ["1", "3"])
def test_sent_appended_replicated(seed: int, latency: str) -> None:
    _, events = _crash_moment(run(sim.When("sent"), seed, latency))
    assert isinstance(events[0], ev.ProduceRequestSent)
    trace = run(sim.When("appended"), seed, latency)
    _, events = _crash_moment(trace)
    assert isinstance(events[0], ev.RecordAppended)
    assert not trace.of_type(ev.FollowerReplicated)[0][0] < _crash_moment(trace)[0]
    trace = run(sim.When("replicated"), seed, latency)
    at, events = _crash_moment(trace)
    copied = {e.broker for _, e in trace.of_type(ev.FollowerReplicated) if _ <= at}
    assert copied == {5, 6}
    answered = [t for t, e in trace.of_type(ev.ProduceResponseSent) if e.attempt == 1]
    assert answered == []  # the leader never answered attempt 1


def test_acknowledged_and_armed_event() -> None:
    trace = run(sim.When("acknowledged"))
    _, events = _crash_moment(trace)
    crash = next(i for i, e in enumerate(events) if isinstance(e, k.BrokerCrashed))
    assert any(isinstance(e, ev.RecordAcknowledged) for e in events[:crash])
    [(armed_at, armed)] = trace.of_type(ev.FaultArmed)
    assert armed_at == 0
    assert armed.detail == "waits until record 0 is acknowledged"


def test_a_trigger_that_never_comes_never_strikes() -> None:
    trace = run(sim.When("sent", attempt=9))
    assert trace.of_type(k.BrokerCrashed) == []


def test_a_bad_trigger_names_its_place(tmp_path: Path) -> None:
    text = SCENARIOS.read_text(encoding="utf-8").replace(
        "when: {event: replicated, attempt: 1}", "when: {event: copied, attempt: 0}"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_book(path)
    assert caught.value.message == (
        f"{path}: 4 problems\n"
        "  scenarios.broker-down.faults[0].when.event: Input should be 'sent', 'appended', "
        "'replicated', 'acknowledged', 'acknowledged-unreplicated' or 'appended-unfetched' "
        "(got 'copied')\n"
        "  scenarios.broker-down.faults[0].when.attempt: Input should be greater than or "
        "equal to 1 (got 0)\n"
        "  scenarios.broker-unreachable.faults[0].when.event: Input should be 'sent', "
        "'appended', 'replicated', 'acknowledged', 'acknowledged-unreplicated' or "
        "'appended-unfetched' (got 'copied')\n"
        "  scenarios.broker-unreachable.faults[0].when.attempt: Input should be greater than "
        "or equal to 1 (got 0)"
    )


def test_appended_unfetched_waits_for_an_append_no_fetch_carried() -> None:
    # One record: the followers' fetches are parked at the leader (DelayedFetch), so the
    # append is answered to them at once; no append is ever left unfetched.
    assert run(sim.When("appended-unfetched")).of_type(k.BrokerCrashed) == []
    inputs = scenario_inputs(load_scenario_book(SCENARIOS), "acks1-loss")
    trace = Simulation(inputs, 0).run()
    [(_, armed)] = trace.of_type(ev.FaultArmed)[:1]
    assert armed.detail == (
        "waits until the leader appends a record (from record 0 on) that no follower has "
        "fetched yet"
    )
    at, events = _crash_moment(trace)
    appended = events[0]
    assert isinstance(appended, ev.RecordAppended)
    crash = next(i for i, e in enumerate(events) if isinstance(e, k.BrokerCrashed))
    answers = [e for e in events[:crash] if isinstance(e, ev.ProduceResponseSent)]
    assert [(a.error, a.base_offset) for a in answers] == [("NONE", appended.base_offset)]
    copied = [e.last_offset for _, e in trace.of_type(ev.FollowerReplicated) if e.leader == 4]
    assert copied
    assert max(copied) < appended.base_offset  # no follower ever got it
    # The answer sent before the crash reaches the producer; the reset comes after it.
    after = [e for s in trace.steps if s.at_ms > at for e in s.events]
    kinds = [type(e) for e in after if isinstance(e, ev.RecordAcknowledged | ev.ConnectionClosed)]
    assert kinds[:2] == [ev.RecordAcknowledged, ev.ConnectionClosed]


def test_the_file_schema_and_the_model_know_the_same_trigger_events() -> None:
    """config (pydantic, the file's boundary) and sim (no pydantic) each name the events."""
    from typing import get_args

    from kafkaretry.config.faults import Trigger
    from kafkaretry.sim.fault_specs import TriggerEvent

    schema = Trigger.model_fields["event"].annotation
    assert get_args(schema) == get_args(TriggerEvent)
