"""The facts compare and sweep count agree with the run, for any seed and setting."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.report import summarize
from kafkaretry.scenario import FaultPlan, scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as sd
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from kafkaretry.whatif.facts import OUTCOMES, RunFacts, run_facts
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
    crashed = trace.of_type(k.BrokerCrashed)  # the only node fault of these two stories
    if facts.time_to_new_leader_ms is not None:
        assert crashed
        assert facts.time_to_new_leader_ms > 0
    if not crashed:
        assert facts.time_to_new_leader_ms is None
    if facts.time_to_new_controller_ms is not None:
        assert controller
    acked = trace.of_type(ev.RecordAcknowledged)
    assert (facts.time_to_ack_ms is not None) == bool(acked)
    if acked:
        handed = next(at for at, e in trace.of_type(ev.RecordPartitioned) if e.record == 0)
        assert facts.time_to_ack_ms == acked[0][0] - handed
    assert len(facts.times_to_ack_ms) == sum(1 for _, e in acked if e.offset >= 0)


def _run(name: str, sets: dict[str, str] | None = None) -> tuple[RunFacts, Trace]:
    inputs = scenario_inputs(book(), name, overrides=sets or {}, plan=FaultPlan())
    trace = Simulation(inputs, 0).run()
    return run_facts(trace), trace


def test_time_to_ack_runs_from_send_handing_the_record_over() -> None:
    # broker-down, seed 0: send() returns at 6 ms (after the first metadata), the retry is
    # acknowledged by broker 5 at 9642 ms.
    facts, trace = _run("broker-down")
    handed = trace.of_type(ev.RecordPartitioned)[0][0]
    acked = trace.of_type(ev.RecordAcknowledged)[0][0]
    assert (handed, acked) == (6, 9642)
    assert facts.time_to_ack_ms == 9636
    assert facts.times_to_ack_ms == (9636,)


def test_every_acknowledged_record_has_its_time_to_ack() -> None:
    facts, trace = _run("rolling-restart")
    handed = {e.record: at for at, e in trace.of_type(ev.RecordPartitioned)}
    acked = {e.record: at for at, e in trace.of_type(ev.RecordAcknowledged)}
    assert len(acked) == facts.records == 5
    assert facts.times_to_ack_ms == tuple(acked[r] - handed[r] for r in sorted(acked))
    assert facts.time_to_ack_ms == facts.times_to_ack_ms[0]


def test_a_controlled_shutdown_moves_the_leader_too() -> None:
    # rolling-restart: SIGTERM at 500 ms; the controller moves partition 0's leadership
    # 4 -> 5 at once, and a majority of controllers holds that record at 528 ms.
    facts, trace = _run("rolling-restart", {"leader.imbalance.check.interval.seconds": "10"})
    sigterm = trace.of_type(sd.BrokerShutdownRequested)[0][0]
    moved = trace.of_type(k.PartitionLeaderElected)[0][1]
    committed = next(
        at for at, e in trace.of_type(k.MetadataRecordCommitted) if e.offset == moved.offset
    )
    assert (sigterm, moved.old_leader, moved.new_leader, committed) == (500, 4, 5, 528)
    assert facts.time_to_new_leader_ms == 28
    assert not trace.of_type(k.BrokerCrashed)
