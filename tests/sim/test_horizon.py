"""Every run ends: max.block.ms in send(), every record's fate decided, the run loop's watchdog."""

from __future__ import annotations

from pathlib import Path

from kafkaretry.loading import load_scenario_book
from kafkaretry.render.describe import describe
from kafkaretry.scenario import FaultPlan, scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.horizon import KEPT_GOING_WINDOW, SETTLED_STEPS, RunLimits, Watchdog
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Fate, Trace
from tests.sim.helpers import book, inputs

LIVELOCK = {
    "controller.quorum.election.timeout.ms": "1",
    "controller.quorum.election.backoff.max.ms": "1",
}
ONE_BROKER = """\
cluster: {controllers: [1], brokers: [2]}
topics: [{name: t, partitions: [{replicas: [2]}]}]
scenarios:
  lone:
    record: {key: "1", key_type: int, count: RECORDS}
    faults: [{kind: crash-broker, broker: 2, at_ms: 0}]
"""


def test_the_horizon_adds_max_block_delivery_timeout_faults_and_the_slowest_detection() -> None:
    sim = Simulation(inputs("broker-down"), snapshots=False)
    # 0 (last send) + 1 x 60000 + 120000 + 0 (the crash is armed at 0 and strikes on its
    # trigger, within the record's delivery timeout) + replica.lag.time.max.ms 30000 + 2 x 1 ms
    assert sim.limits == RunLimits(210_002, 30_002, 10_100, 0)


def test_a_split_vote_livelock_is_stopped_and_says_what_kept_going() -> None:
    # 1 ms election timeouts: the standbys split every vote (Kafka 4.1 has no backoff after a
    # lost election), no controller fences the dead leader, the record expires; the run
    # then stops by itself and names the election loop that would go on in Kafka too.
    sim = Simulation(
        scenario_inputs(
            book(), "broker-down", overrides=LIVELOCK, plan=FaultPlan(with_controller=True)
        ),
        snapshots=False,
    )
    trace = sim.run()
    stop = trace.steps[-1].events[-1]
    assert stop == sim.stopped
    assert isinstance(stop, ev.RunStopped)
    assert stop.reason == "settled"
    assert {kind for kind, _ in stop.kept_going} >= {"PreVoteStarted", "ElectionLost"}
    assert trace.fate().outcome == "expired"
    assert describe(stop).plain.startswith("the simulation stops: every record's fate was decided")


def test_the_watchdog_stops_a_run_at_its_action_budget() -> None:
    watchdog = Watchdog(RunLimits(horizon_ms=10**9, settle_ms=10**9, max_steps=5, last_fault_ms=0))
    verdicts = []
    for now in range(6):
        verdicts.append(watchdog.check(now, now + 1, decided=False))
        watchdog.observe(())
    assert verdicts == [None] * 5 + ["steps"]


def test_a_settled_run_stops_soon_after_the_last_fate() -> None:
    stop = ev.RunStopped("settled", 1, SETTLED_STEPS, 15, 0, 3, (("ElectionLost", 9),), 1_000)
    assert describe(stop).plain == (
        "the simulation stops: every record's fate was decided by 15 ms and every fault has "
        f"struck, but the run kept going for {SETTLED_STEPS} more actions "
        "(its last 1000 actions logged ElectionLost x9); 3 action(s) still scheduled. "
        "Kafka would go on like this"
    )


def test_what_kept_going_counts_the_last_actions_quiet_ones_included() -> None:
    limits = RunLimits(horizon_ms=10**9, settle_ms=10**9, max_steps=10**6, last_fault_ms=0)
    watchdog = Watchdog(limits, lambda: (("stop-broker", 10**9),))
    watchdog.observe((ev.MetadataUpdateRequested("disconnect"),))
    for _ in range(KEPT_GOING_WINDOW):
        watchdog.observe(())  # periodic background work that logs nothing
    stop = watchdog.report("steps", 0, 1)
    assert (stop.kept_going, stop.window) == ((), KEPT_GOING_WINDOW)
    assert describe(stop).plain == (
        f"the simulation stops at its budget of {KEPT_GOING_WINDOW + 1} actions with every "
        "record's fate decided and 1 action(s) still scheduled; the stop-broker fault due at "
        f"1000000000 ms never took place; its last {KEPT_GOING_WINDOW} actions logged no event "
        "(periodic background work)"
    )


def test_send_gives_up_after_max_block_ms_when_metadata_never_arrives() -> None:
    trace = Simulation(inputs(**{"network.latency.ms": "16000"}), snapshots=False).run()
    assert trace.fate() == Fate(
        "failed",
        60_000,
        "TimeoutException: Topic kafka-study-topic not present in metadata after 60000 ms.",
    )
    assert trace.partition_of() is None
    assert not trace.attempts()


def test_max_block_ms_zero_fails_send_at_once() -> None:
    trace = Simulation(inputs(**{"max.block.ms": "0"}), snapshots=False).run()
    assert trace.of_type(ev.MetadataWaitTimedOut) == [
        (0, ev.MetadataWaitTimedOut(0, "kafka-study-topic", 0))
    ]
    assert trace.partition_of() is None
    assert trace.fate().outcome == "failed"


def test_a_request_timeout_shorter_than_a_round_trip_fails_the_send() -> None:
    trace = Simulation(inputs(**{"request.timeout.ms": "1"}), snapshots=False).run()
    assert trace.fate() == Fate(
        "failed",
        60_000,
        "TimeoutException: Topic kafka-study-topic not present in metadata after 60000 ms.",
    )


def _lone(tmp_path: Path, records: int) -> Trace:
    path = tmp_path / "one.yaml"
    path.write_text(ONE_BROKER.replace("RECORDS", str(records)), encoding="utf-8")
    return Simulation(scenario_inputs(load_scenario_book(path), "lone"), snapshots=False).run()


def test_a_one_broker_topic_whose_broker_dies_at_0_ms_fails_every_send(tmp_path: Path) -> None:
    trace = _lone(tmp_path, 2)
    # send() blocks the application's thread: the second send() starts when the first throws.
    assert [(at, e.record) for at, e in trace.of_type(ev.MetadataWaitTimedOut)] == [
        (60_000, 0),
        (120_000, 1),
    ]
    assert [trace.fate(r).outcome for r in (0, 1)] == ["failed", "failed"]
