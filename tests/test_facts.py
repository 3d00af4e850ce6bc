"""The facts compare and sweep count agree with the run, for any seed and setting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.report import summarize
from kafkaretry.scenario import FaultPlan, scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.simulation import Simulation
from kafkaretry.whatif.facts import OUTCOMES, run_facts
from tests.sim.helpers import book


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(["ack-loss", "broker-down"]),
    seed=st.integers(0, 10_000),
    idempotence=st.sampled_from(["true", "false", ""]),
    acks=st.sampled_from(["all", "1"]),
    controller=st.booleans(),
    session=st.sampled_from(["6000", "9000", "18000"]),
)
def test_facts_follow_the_trace(
    name: str, seed: int, idempotence: str, acks: str, controller: bool, session: str
) -> None:
    controller = controller and name == "broker-down"  # ack-loss has no crash to add it to
    sets = {"acks": acks, "broker.session.timeout.ms": session}
    if idempotence:
        sets["enable.idempotence"] = idempotence
    if idempotence == "true" and acks == "1":
        return  # Kafka refuses this combination (ConfigException): nothing runs
    inputs = scenario_inputs(book(), name, overrides=sets, plan=FaultPlan(None, None, controller))
    trace = Simulation(inputs, seed).run()
    facts = run_facts(trace)
    summary = summarize(trace, "int")
    assert sum(n for _, n in facts.outcomes) == facts.records == len(trace.records)
    assert [o for o, _ in facts.outcomes] == list(OUTCOMES)
    assert (facts.outcome == "acknowledged") == summary.acked
    assert facts.copies == summary.copies
    assert facts.attempts == len(summary.attempts)
    assert facts.ack_at_ms == summary.ack_at_ms
    assert facts.duplicated == (1 if summary.copies > 1 else 0)
    assert facts.idempotence == trace.settings.idempotence
    if facts.idempotence and facts.outcome == "acknowledged":
        assert facts.copies == 1  # idempotence: the retry is never appended twice
    crashed = trace.of_type(k.BrokerCrashed)
    if facts.time_to_new_leader_ms is not None:
        assert crashed
        assert facts.time_to_new_leader_ms > 0
    if not crashed:
        assert facts.time_to_new_leader_ms is None
    if facts.time_to_new_controller_ms is not None:
        assert controller
    acked = trace.of_type(ev.RecordAcknowledged)
    assert (facts.time_to_ack_ms is not None) == bool(acked)
