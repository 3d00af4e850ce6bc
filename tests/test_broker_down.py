"""simulate broker-down [--with-controller]: KRaft failover as Kafka does it (KAFKA.md §6-§7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.report import trace_json
from kafkaretry.scenario import FaultPlan, scenario_inputs
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import views
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import SCENARIOS, STABLE_ENV, assert_golden
from tests.sim.helpers import book

runner = CliRunner()
CONTROLLERS, BROKERS = (1, 2, 3), (4, 5, 6)


NO_PLAN = FaultPlan()


def run(seed: int = 0, key: str = "1", plan: FaultPlan = NO_PLAN, **sets: str) -> Trace:
    overrides = {name.replace("_", "."): value for name, value in sets.items()}
    inputs = scenario_inputs(book(), "broker-down", key=key, overrides=overrides, plan=plan)
    return Simulation(inputs, seed).run()


def cli(*args: str) -> Any:
    return runner.invoke(app, ["simulate", *args], env=STABLE_ENV)


def test_the_leader_moves_after_the_session_timeout_and_the_retry_lands_there() -> None:
    data = trace_json(run(), "int")
    assert data["failed"] == {"broker": 4, "controller": None, "isolated": None}
    assert data["controller_election"] is None  # a broker crash involves no Raft election
    election = data["leader_election"]
    assert (election["old_leader"], election["new_leader"], election["leader_epoch"]) == (4, 5, 1)
    assert election["isr_after"] == [5, 6]
    # Fenced broker.session.timeout.ms after its last heartbeat: 7-9 s after the crash at 13 ms.
    assert 7_000 <= election["at_ms"] - 13 <= 9_000
    assert 7_500 <= data["ack_at_ms"] <= 11_000
    assert {a["partition"] for a in data["attempts"]} == {0}
    assert [a["broker"] for a in data["attempts"]] == [4, 5]
    assert data["ack_broker"] == election["new_leader"]
    assert data["log"]["copies"] == 1  # the followers had it; idempotence dedups the retry


def test_metadata_always_comes_from_a_broker() -> None:
    refreshes = trace_json(run(plan=FaultPlan(with_controller=True)), "int")["metadata_refreshes"]
    assert len(refreshes) > 5
    assert {r["via_broker"] for r in refreshes} <= set(BROKERS)
    seen = [r["leader_seen"] for r in refreshes]
    assert seen[-1] == 5
    assert seen.count(5) == 1


def test_with_controller_a_standby_wins_and_fencing_waits_for_fresh_sessions() -> None:
    trace = run(plan=FaultPlan(with_controller=True))
    data = trace_json(trace, "int")
    assert data["failed"] == {"broker": 4, "controller": 1, "isolated": None}
    elected = data["controller_election"]
    assert elected["new_active"] in (2, 3)
    assert elected["epoch"] > 1
    assert set(elected["votes"]) <= {2, 3}
    assert len(elected["votes"]) == 2
    # Seed 0: controller.quorum.fetch.timeout.ms (2 s) from each standby's own last Fetch
    # response; controller 3 times out first and is refused, controller 2 wins the first round.
    assert (elected["new_active"], elected["epoch"], elected["at_ms"]) == (2, 2, 2025)
    renewed = trace.of_type(k.BrokerSessionsRenewed)[0][0]
    # Trap T12: the new controller gives broker 4 a fresh session, fenced 9 s after it.
    assert data["leader_election"]["at_ms"] - renewed == 9_000
    assert data["ack_broker"] == data["leader_election"]["new_leader"] == 5


def test_with_controller_the_first_round_is_won_in_most_seeds_as_in_kafka() -> None:
    # Kafka 4.1.2, 10 real runs: epoch 2 (one round) in 9, crash -> new active 2185-2630 ms.
    rounds: list[int] = []
    for seed in range(100):
        trace = run(seed, plan=FaultPlan(with_controller=True))
        ((crashed, _),) = trace.of_type(k.ControllerCrashed)
        ((at, elected),) = trace.of_type(k.ControllerElected)
        rounds.append(elected.epoch - 1)
        timeouts = sorted(t for t, _ in trace.of_type(k.FetchTimeoutExpired))
        if elected.epoch == 2:
            # The later standby's fetch timer, then pre-vote and vote (4 hops).
            assert at == timeouts[-1] + 4
            assert 1_500 <= at - crashed <= 2_100
        else:  # a split: both timers ran out within one hop of each other
            assert elected.epoch == 3
            assert timeouts[-1] - timeouts[0] <= 1
    assert 80 <= rounds.count(1) < 100
    assert set(rounds) == {1, 2}


@pytest.mark.parametrize("seed", range(24))
def test_with_controller_over_seeds_kafka_4_1_timing(seed: int) -> None:
    trace = run(seed, plan=FaultPlan(with_controller=True))
    # KAFKA-18345: a lost election never backs off; a timed-out Candidate retries at once.
    prospective = {(at, e.controller) for at, e in trace.of_type(k.PreVoteStarted)}
    for at, lost in trace.of_type(k.ElectionLost):
        if not lost.pre_vote:
            assert lost.wait_ms == 0 if lost.timed_out else lost.wait_ms < 2_000
            if lost.timed_out:
                assert (at, lost.controller) in prospective
    # KIP-1166: every broker applies the committed leader change one hop after the commit.
    ((elected_at, elected),) = [
        (at, e) for at, e in trace.of_type(k.PartitionLeaderElected) if e.partition == 0
    ]
    committed = [
        at for at, e in trace.of_type(k.MetadataRecordCommitted) if e.offset == elected.offset
    ]
    assert len(committed) == 1
    applied = [
        at
        for at, e in trace.of_type(k.BrokerMetadataApplied)
        if e.offset >= elected.offset and at >= committed[0]
    ]
    assert applied[:2] == [committed[0] + 1, committed[0] + 1]
    # KAFKA-17793: the 8th periodic check after activation, i.e. 9 s after the fresh sessions.
    ((expired_at, expired),) = trace.of_type(k.BrokerSessionExpired)
    assert 0 <= expired_at - expired.last_contact_ms - 9_000 < 1_125
    assert elected_at == expired_at


@pytest.mark.parametrize(("timeout", "period"), [("9000", 1_125), ("6000", 750)])
def test_session_timeout_moves_the_timeline(timeout: str, period: int) -> None:
    trace = run(broker_session_timeout_ms=timeout)
    ((at, expired),) = trace.of_type(k.BrokerSessionExpired)
    # The periodic check (every timeout / 8) finds the session expired within one period.
    assert 0 <= at - (expired.last_contact_ms + int(timeout)) < period
    assert trace_json(trace, "int")["leader_election"]["at_ms"] == at


def test_choosing_the_broker_and_the_time() -> None:
    data = trace_json(run(plan=FaultPlan(broker=6, at_ms=500)), "int")
    assert data["failed"]["broker"] == 6
    assert data["leader_election"] is None  # partition 0's leader (4) never failed
    assert [a["broker"] for a in data["attempts"]] == [4]
    assert data["ack_at_ms"] < 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["broker-down", "--broker", "9"],
         "error: --broker 9 is not a broker (brokers: 4, 5, 6)\n"),
        (["ack-loss", "--with-controller"],
         "error: --with-controller changes a crash-broker or stop-broker fault, and scenario "
         "'ack-loss' has neither\n"),
        (["ack-loss", "--broker", "5", "--at-ms", "3"],
         "error: --broker and --at-ms change a crash-broker or stop-broker fault, and scenario "
         "'ack-loss' has neither\n"),
        (["broker-dwn"], "error: unknown scenario 'broker-dwn'; did you mean 'broker-down'?\n"),
    ],
)  # fmt: skip
def test_bad_fault_plans_exit_2(args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr == message


def _custom(tmp_path: Path, faults: list[dict[str, Any]], replicas: list[int] | None = None) -> str:
    data = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    data["scenarios"]["broker-down"]["faults"] = faults
    if replicas is not None:
        data["topics"][0]["partitions"][0] = {"replicas": replicas}
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_no_controller_quorum_means_the_record_expires(tmp_path: Path) -> None:
    path = _custom(
        tmp_path,
        [
            {"kind": "crash-controller", "controller": 1, "at_ms": 13},
            {"kind": "crash-controller", "controller": 2, "at_ms": 13},
            {"kind": "crash-broker", "broker": "partition-leader", "at_ms": 13},
        ],
    )
    result = cli("broker-down", "--scenarios", path, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["acked"] is False
    assert data["leader_election"] is None
    types = [e["type"] for e in data["events"]]
    assert "NoQuorum" in types
    assert types[-1] == "RecordExpired"
    assert data["events"][-1]["at_ms"] == 6 + 120_000  # batch created at 6 ms + delivery.timeout.ms


def test_rf1_with_its_only_replica_dead_expires(tmp_path: Path) -> None:
    # At 11 ms the request is on its way: it reaches a dead broker (an answer sent before the
    # crash, at 12 ms, would still arrive: the reset follows it on the connection).
    path = _custom(tmp_path, [{"kind": "crash-broker", "broker": 4, "at_ms": 11}], replicas=[4])
    data = json.loads(cli("broker-down", "--scenarios", path, "--json").stdout)
    assert data["acked"] is False
    assert data["leader_election"]["new_leader"] == -1  # offline: no eligible replica
    assert data["events"][-1]["type"] == "RecordExpired"


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    key=st.integers(-(2**31), 2**31 - 1).map(str),
    at_ms=st.integers(0, 3_000),
    broker=st.sampled_from([None, *BROKERS]),
    with_controller=st.booleans(),
)
def test_failover_invariants(
    seed: int, key: str, at_ms: int, broker: int | None, with_controller: bool
) -> None:
    trace = run(seed, key, FaultPlan(broker, at_ms, with_controller))
    # At most one active controller per epoch, one leader per partition leader epoch.
    elected = [(e.epoch, e.new_active) for _, e in trace.of_type(k.ControllerElected)]
    assert len(dict(elected)) == len(elected)
    leaders: dict[tuple[int, int], int] = {}
    for _, e in trace.of_type(k.PartitionLeaderElected):
        assert leaders.setdefault((e.partition, e.leader_epoch), e.new_leader) == e.new_leader
        assert e.new_leader == views.NO_LEADER or e.new_leader in e.isr_after
    # An acknowledged acks=all record survives the crash of any single broker.
    ack = trace.acknowledgement(0)
    assert ack is not None, "one broker down must not lose an acks=all record"
    partition, offset = ack[1].partition, ack[1].offset
    topic = trace.records[0].topic
    crashed = {e.broker for _, e in trace.of_type(k.BrokerCrashed)}
    holders = [
        r
        for b in trace.final.brokers
        if b.id not in crashed
        for r in b.replicas
        if r.topic == topic and r.partition == partition and len(r.log) > offset
    ]
    assert holders
    assert all(r.log[offset].record == 0 for r in holders)
    assert len(trace.copies(0)) == 1  # idempotence on by default: never two copies


def test_same_seed_same_bytes() -> None:
    args = ("broker-down", "--with-controller", "--seed", "7")
    first, second = cli(*args), cli(*args)
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    assert cli(*args, "--json").stdout == cli(*args, "--json").stdout


def test_golden_broker_down() -> None:
    assert_golden("simulate-broker-down.txt", cli("broker-down").stdout)


def test_golden_broker_down_with_controller() -> None:
    assert_golden(
        "simulate-broker-down-with-controller.txt", cli("broker-down", "--with-controller").stdout
    )


def test_same_bytes_across_processes_whatever_the_hash_seed() -> None:
    # String hashing differs between processes; nothing in the model may depend on it.
    import os
    import subprocess
    import sys

    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, **STABLE_ENV, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-m", "kafkaretry", "simulate", "broker-down"]
        done = subprocess.run(
            [*command, "--with-controller", "--json"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
