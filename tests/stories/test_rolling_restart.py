"""rolling-restart: a graceful stop moves the leader in milliseconds, not a session timeout."""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Literal

import pytest

from kafkaretry.cli import app
from kafkaretry.scenario import FaultPlan, scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import analyse
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as s
from kafkaretry.sim.settings import CrashController, Fault, RestartBroker, StopBroker
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import STABLE_ENV, assert_golden
from tests.fuzz.invariants import violations
from tests.sim.helpers import book
from tests.stories.common import as_json, cli, runner

HOP, LINGER, INTERVAL, SESSION = 1, 25, 2_000, 9_000  # latency; Kafka 4.1 defaults
CHECK_MS = 300_000  # leader.imbalance.check.interval.seconds


def _run(seed: int = 0, at_ms: int | None = None, **sets: str) -> Trace:
    overrides = {name.replace("_", "."): value for name, value in sets.items()}
    plan = FaultPlan(at_ms=at_ms)
    return Simulation(
        scenario_inputs(book(), "rolling-restart", overrides=overrides, plan=plan), seed
    ).run()


def _premise(trace: Trace) -> None:
    """What the story claims, checked on the run: no session-timeout wait anywhere."""
    a = analyse(trace)
    (stop,) = a.cluster.graceful_stops
    assert stop.broker == 4
    # One wantShutDown hop, the controller's append linger, then the Raft commit (2 hops).
    assert stop.moved_at_ms == stop.asked_at_ms + HOP + LINGER + 2 * HOP
    first = a.cluster.leader_changes[0]
    assert (first.partition, first.old_leader, first.new_leader) == (0, 4, 5)
    assert not trace.of_type(k.BrokerSessionExpired)
    assert not trace.of_type(k.BrokerFenced)  # fenced by its own shutdown, not by a timeout
    assert not trace.of_type(k.BrokerCrashed)
    # It exits only once every other broker's heartbeat reported the move (lowest active
    # offset): heartbeats go 50 ms after the first "not yet", then every interval.
    assert stop.exited_at_ms is not None
    assert stop.moved_at_ms < stop.exited_at_ms <= stop.asked_at_ms + 50 + 2 * INTERVAL
    granted = trace.of_type(s.BrokerShutdownGranted)
    assert [e.broker for _, e in granted] == [4]
    assert all(r.status == "acknowledged" for r in a.records)
    for r in a.records:
        if r.attempts[0].at_ms > stop.asked_at_ms:
            assert r.ack_at_ms is not None
            assert r.ack_at_ms - stop.asked_at_ms < 1_000  # about a second at most
        if r.attempts[0].at_ms > stop.moved_at_ms + HOP:  # the brokers applied the move
            assert r.acked_by == 5


@pytest.mark.parametrize("seed", range(31))
def test_the_leader_moves_and_the_producer_follows_within_milliseconds(seed: int) -> None:
    trace = _run(seed)
    _premise(trace)
    # The record sent at 600 ms reaches broker 4, which answers with the new leader (KIP-951);
    # the producer retries there without a backoff and without waiting for metadata.
    answers = [
        (at, e)
        for at, e in trace.of_type(ev.ProduceResponseReceived)
        if e.error == "NOT_LEADER_OR_FOLLOWER"
    ]
    ((answered_at, answer),) = answers
    assert (answer.broker, answer.current_leader, answer.current_leader_epoch) == (4, 5, 1)
    retry = next(at for at, e in trace.of_type(ev.ProduceRequestSent) if e.attempt == 2)
    assert retry - answered_at <= 4 * HOP  # a new connection to broker 5 (TCP + ApiVersions)
    data = as_json(trace)
    back = data["cluster"]["preferred_returns"]
    assert [(p["partition"], p["leader"]) for p in back] == [(0, 4)]
    ((unfenced_at, _),) = trace.of_type(k.BrokerUnfenced)
    rejoined = max(at for at, e in trace.of_type(k.IsrExpanded) if e.partition == 0)
    assert rejoined < back[0]["decided_at_ms"] <= unfenced_at + CHECK_MS
    assert trace.final.brokers[0].replicas[0].leader == 4


@pytest.mark.parametrize("seed", range(0, 31, 6))
def test_without_auto_rebalance_the_leadership_stays_where_it_went(seed: int) -> None:
    trace = _run(seed, auto_leader_rebalance_enable="false")
    _premise(trace)
    assert not trace.of_type(s.LeaderImbalanceChecked)
    assert trace.final.brokers[0].replicas[0].leader == 5
    assert trace.final.at_ms < 60_000  # nothing waits for a 300 s check that never runs
    out = cli("rolling-restart", "--seed", str(seed), "--set", "auto.leader.rebalance.enable=false")
    assert "gives partition 0 back" not in out.stdout
    assert "auto.leader.rebalance.enable=false" in out.stdout


@pytest.mark.parametrize("at_ms", [0, 100, 300, 700, 1_000, 5_000])
def test_the_premise_holds_wherever_the_stop_falls(at_ms: int) -> None:
    for seed in (0, 7, 30):
        _premise(_run(seed, at_ms))


def test_acks_1_and_a_shorter_check_interval_tell_the_same_story() -> None:
    trace = _run(3, acks="1", leader_imbalance_check_interval_seconds="30")
    _premise(trace)
    ((unfenced_at, _),) = trace.of_type(k.BrokerUnfenced)
    ((checked_at, _),) = trace.of_type(s.LeaderImbalanceChecked)
    assert unfenced_at < checked_at <= unfenced_at + 30_000


def test_a_quick_restart_after_a_clean_stop_is_refused_until_the_session_expires() -> None:
    # KAFKA-19047 let a broker that finished a controlled shutdown re-register at once;
    # KAFKA-19130 reverted that before 4.1: hasValidSession alone decides.
    inputs = scenario_inputs(book(), "rolling-restart")
    faults = tuple(f for f in inputs.faults if not isinstance(f, RestartBroker))
    trace = Simulation(
        dataclasses.replace(inputs, faults=(*faults, RestartBroker(4, 3_000))), 0
    ).run()
    refused = trace.of_type(k.BrokerRegistrationRefused)
    assert refused
    assert {e.error for _, e in refused} == {"DUPLICATE_BROKER_REGISTRATION"}
    ((stopped_at, _),) = trace.of_type(s.BrokerStopped)
    ((registered_at, _),) = trace.of_type(k.BrokerRegistered)
    expires = refused[0][1].session_expires_ms
    assert expires <= stopped_at + SESSION
    assert expires < registered_at <= expires + INTERVAL


@pytest.mark.parametrize("seed", [0, 7, 30])
def test_a_restart_due_before_a_later_stop_starts_the_broker_right_after_it_exits(
    seed: int,
) -> None:
    trace = _run(seed, at_ms=100_000)  # the stop now comes after the restart's 20000 ms
    armed = [e.detail for _, e in trace.of_type(ev.FaultArmed) if e.kind == "restart-broker"]
    assert armed == [
        "broker 4 is still running: the restart waits until it has stopped "
        "(the stop-broker fault is due at 100000 ms)"
    ]
    ((stopped_at, _),) = trace.of_type(s.BrokerStopped)
    ((restarted_at, _),) = trace.of_type(k.BrokerRestarted)
    assert 100_000 < stopped_at == restarted_at
    # The old process's connection is reset although a new process already runs.
    resets = [at for at, e in trace.of_type(ev.ConnectionClosed) if e.broker == 4]
    assert resets == [stopped_at + HOP]
    assert trace.of_type(k.BrokerUnfenced)
    assert not [e for _, e in trace.of_type(ev.RunStopped) if e.unstruck]


def test_a_stop_past_the_end_of_the_run_is_reported_as_never_taken_place() -> None:
    result = runner.invoke(
        app, ["simulate", "rolling-restart", "--at-ms", "999999999", "--json"], env=STABLE_ENV
    )
    assert result.exit_code == 0
    events = json.loads(result.stdout)["events"]
    (stop,) = [e for e in events if e["type"] == "RunStopped"]
    assert stop["unstruck"] == [["stop-broker", 999_999_999], ["restart-broker", 20_000]]
    assert (stop["reason"], stop["undecided"], stop["kept_going"]) == ("steps", 0, [])
    assert stop["window"] == 1_000
    assert not [e for e in events if e["type"] in ("BrokerShutdownRequested", "BrokerStopped")]
    text = " ".join(cli("rolling-restart", "--at-ms", "999999999").stdout.split())
    assert (
        "with every record's fate decided and 1 action(s) still scheduled; the stop-broker "
        "fault due at 999999999 ms never took place; the restart-broker fault due at 20000 ms "
        "never took place; its last 1000 actions logged no event (periodic background work)"
    ) in text
    assert "still going" not in text


def test_a_stopping_broker_never_asks_to_rejoin_an_isr() -> None:
    # ReplicaManager.beginControlledShutdown: it stops fetching where it left the ISR, and
    # Partition.isReplicaIsrEligible refuses a broker in controlled shutdown.
    trace = _run(0)
    ((stopped_at, _),) = trace.of_type(s.BrokerStopped)
    early = [e for at, e in trace.of_type(ev.AlterPartitionSent) if at < stopped_at]
    assert not [e for e in early if 4 in e.proposed and 4 not in e.isr]


def test_golden() -> None:
    assert_golden("simulate-rolling-restart.txt", cli("rolling-restart").stdout)


def test_golden_brief_without_rebalance() -> None:
    out = cli("rolling-restart", "--brief", "--set", "auto.leader.rebalance.enable=false")
    assert_golden("simulate-brief-rolling-restart-no-rebalance.txt", out.stdout)


def _random_stops(seed: int) -> Simulation:
    """rolling-restart with random stops, restarts and a controller crash now and then."""
    rng = random.Random(seed)
    sets = {
        "acks": rng.choice(["all", "1"]),
        "broker.heartbeat.interval.ms": str(rng.choice([100, 2_000, 3_000])),
        "leader.imbalance.check.interval.seconds": str(rng.choice([1, 30, 300])),
        "auto.leader.rebalance.enable": rng.choice(["true", "false"]),
    }
    base = scenario_inputs(book(), "rolling-restart", overrides=sets)
    faults: list[Fault] = []
    targets: list[int | Literal["partition-leader"]] = [4, 5, 6, "partition-leader"]
    for broker in rng.sample(targets, rng.randint(1, 3)):
        at = rng.randint(0, 12_000)
        faults.append(StopBroker(broker, at))
        if isinstance(broker, int) and rng.random() < 0.8:
            faults.append(RestartBroker(broker, at + rng.choice([0, 50, 3_000, 15_000])))
    if rng.random() < 0.3:
        faults.append(CrashController("active", rng.randint(0, 5_000)))
    return Simulation(dataclasses.replace(base, faults=tuple(faults)), seed)


@pytest.mark.parametrize("seed", range(40))
def test_random_graceful_stops_keep_every_invariant(seed: int) -> None:
    sim = _random_stops(seed)
    trace = sim.run()
    assert violations(trace) == []
    assert sim.queue.now_ms <= sim.limits.horizon_ms
    # A stop never looks like a crash, and a stopped broker never answers after its exit.
    assert not trace.of_type(k.BrokerCrashed)
    for stopped_at, stopped in trace.of_type(s.BrokerStopped):
        restarts = [at for at, e in trace.of_type(k.BrokerRestarted) if e.broker == stopped.broker]
        back = min((at for at in restarts if at >= stopped_at), default=None)
        answered = [
            at
            for at, e in trace.of_type(ev.ProduceResponseSent)
            if e.broker == stopped.broker and at > stopped_at and (back is None or at < back)
        ]
        assert answered == []


@pytest.mark.parametrize(
    ("sets", "correct"),
    [([], [0, 0, 0]), (["--set", "auto.leader.rebalance.enable=false"], [0, 0, 1])],
)
def test_the_quiz_answers_follow_the_run(sets: list[str], correct: list[int]) -> None:
    result = runner.invoke(
        app, ["quiz", "rolling-restart", "--answers", "0,0,0", "--json", *sets], env=STABLE_ENV
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [q["correct"] for q in data["questions"]] == correct
