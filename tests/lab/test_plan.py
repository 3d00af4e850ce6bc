"""The lab's pure parts: node properties, the --fast profile, finding Kafka, the fault table."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest

from kafkaretry.config import FAULT_KINDS
from kafkaretry.lab.faults import FAULT_TABLE, NOT_IN_LAB, FaultContext, FaultSpec, arm
from kafkaretry.lab.install import LabError, find_install, installed_version, require_install
from kafkaretry.lab.nodes import plan_cluster
from kafkaretry.lab.proxy import Verdict
from kafkaretry.lab.timescale import scaled_overrides
from kafkaretry.loading import load_scenario_book
from tests.conftest import SCENARIOS


def _plan() -> object:
    ports = count(9000)
    topology = load_scenario_book(SCENARIOS).topology()
    settings = {"broker.session.timeout.ms": 9000, "unclean.leader.election.enable": False}
    return plan_cluster(topology, settings, lambda: next(ports))


def test_a_controller_gets_the_static_voters_and_only_the_controller_listener() -> None:
    plan = _plan()
    text = plan.properties(plan.node(1), Path("/run/controller-1/data"))  # type: ignore[attr-defined]
    assert text.splitlines()[:7] == [
        "process.roles=controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:9000,2@127.0.0.1:9001,3@127.0.0.1:9002",
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map="
        "CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,LAB:PLAINTEXT,CLIENT:PLAINTEXT",
        "log.dirs=/run/controller-1/data",
        "listeners=CONTROLLER://127.0.0.1:9000",
    ]
    assert text.endswith("broker.session.timeout.ms=9000\nunclean.leader.election.enable=false\n")


def test_a_broker_advertises_the_proxy_for_clients_and_itself_for_replication() -> None:
    plan = _plan()
    lines = plan.properties(plan.node(4), Path("/d")).splitlines()  # type: ignore[attr-defined]
    assert "process.roles=broker" in lines
    # Broker 4's ports, in plan order: CLIENT 9003, INTERNAL 9004, LAB 9005, proxy 9006.
    assert (
        "listeners=INTERNAL://127.0.0.1:9004,LAB://127.0.0.1:9005,CLIENT://127.0.0.1:9003" in lines
    )
    assert (
        "advertised.listeners="
        "INTERNAL://127.0.0.1:9004,LAB://127.0.0.1:9005,CLIENT://127.0.0.1:9006" in lines
    )
    assert "inter.broker.listener.name=INTERNAL" in lines
    assert plan.client_bootstrap == "127.0.0.1:9006,127.0.0.1:9010,127.0.0.1:9014"  # type: ignore[attr-defined]


def test_fast_divides_time_settings_only_and_keeps_linger() -> None:
    effective = {
        "acks": "all",
        "request.timeout.ms": 30000,
        "delivery.timeout.ms": 120000,
        "linger.ms": 5,
        "retry.backoff.ms": 100,
        "broker.session.timeout.ms": 9000,
        "controller.quorum.append.linger.ms": 0,
        "min.insync.replicas": 1,
        "unclean.leader.election.enable": False,
    }
    assert scaled_overrides(effective) == [
        "request.timeout.ms=6000",
        "delivery.timeout.ms=24000",
        "retry.backoff.ms=20",
        "broker.session.timeout.ms=1800",
        "controller.quorum.append.linger.ms=0",
    ]
    assert scaled_overrides({"retry.backoff.ms": 2}) == ["retry.backoff.ms=1"]


def _fake_kafka(root: Path, version: str) -> Path:
    (root / "libs").mkdir(parents=True)
    (root / "libs" / f"kafka_2.13-{version}.jar").write_bytes(b"")
    (root / "libs" / f"kafka-clients-{version}.jar").write_bytes(b"")
    return root


def test_an_apache_layout_is_found_by_its_broker_jar(tmp_path: Path) -> None:
    home = _fake_kafka(tmp_path / "kafka", "4.1.2")
    assert installed_version(home) == "4.1.2"
    found = find_install(home)
    assert found is not None
    assert (found.version, found.source, found.classpath) == (
        "4.1.2",
        "--kafka-home",
        f"{home}/libs/*",
    )


def test_another_kafka_line_is_refused_with_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _fake_kafka(tmp_path / "old", "3.9.1")
    monkeypatch.setenv("KAFKA_HOME", str(home))
    with pytest.raises(LabError) as caught:
        find_install(None)
    assert caught.value.message == (
        f"$KAFKA_HOME {home} is Kafka 3.9.1; kafkaretry's lab needs Kafka 4.1.x"
    )


def test_no_installation_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAFKA_HOME", raising=False)
    with pytest.raises(LabError) as caught:
        require_install(None)
    assert caught.value.message == (
        "no Kafka 4.1 installation found; run `kafkaretry lab setup` "
        "(or pass --kafka-home / set KAFKA_HOME to an unpacked Apache Kafka 4.1)"
    )


def test_the_cache_holds_assembled_installs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KAFKA_HOME", raising=False)
    _fake_kafka(tmp_path / "cache" / "kafka-4.1.0", "4.1.0")
    _fake_kafka(tmp_path / "cache" / "kafka-4.1.2", "4.1.2")
    found = find_install(None)
    assert found is not None
    assert (found.version, found.source) == ("4.1.2", "cache")


def test_every_fault_kind_of_the_scenario_file_has_a_real_action_or_a_refusal() -> None:
    assert sorted([*FAULT_TABLE, *NOT_IN_LAB]) == sorted(FAULT_KINDS)
    assert not set(FAULT_TABLE) & set(NOT_IN_LAB)


def test_a_network_fault_is_refused_with_its_place() -> None:
    from types import SimpleNamespace

    from kafkaretry.lab.inputs import _fault_specs

    scenario = load_scenario_book(SCENARIOS).scenarios["broker-unreachable"]
    plan = SimpleNamespace(broker=None, at_ms=None, with_controller=False)
    with pytest.raises(LabError) as caught:
        _fault_specs("broker-unreachable", scenario, plan)
    assert caught.value.message == (
        "scenarios.broker-unreachable.faults[0]: isolate-broker has no real action in the lab: "
        "a black hole needs the host's links cut for every peer (controllers and brokers), "
        "while the proxy stands only between the producer and the brokers"
    )


def test_the_leader_crash_fires_on_the_answer_and_the_controller_crash_joins_it() -> None:
    ctx = FaultContext(cluster=None, topic="t", partition=0)
    armed = arm(
        ctx,
        [
            FaultSpec("crash-broker", "partition-leader", 13),
            FaultSpec("crash-controller", "active", 13),
        ],
    )
    assert [(a.trigger, a.verdict, a.spec.attempt) for a in armed] == [
        ("response", Verdict.HOLD, 1),
        ("response", Verdict.FORWARD, 1),
    ]


def test_a_crash_at_an_explicit_time_is_timed() -> None:
    ctx = FaultContext(cluster=None, topic="t", partition=0)
    [armed] = arm(ctx, [FaultSpec("crash-broker", 5, 2000, planned_at=False)])
    assert (armed.trigger, armed.verdict) == ("at", Verdict.FORWARD)


def test_a_run_directory_whose_owner_died_is_cleared_with_its_processes(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from kafkaretry.lab.stale import claim, reap

    dead = tmp_path / "kafkaretry-lab-dead"
    dead.mkdir()
    owner = subprocess.Popen(["true"])
    owner.wait()  # exited and reaped: its pid names no process now
    (dead / "owner.pid").write_text(str(owner.pid))
    # A stand-in for a JVM left behind: its command line names the directory.
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(dead)])
    cmdline = Path(f"/proc/{orphan.pid}/cmdline")
    while str(dead).encode() not in cmdline.read_bytes():  # empty until its exec completes
        time.sleep(0.01)
    mine = tmp_path / "kafkaretry-lab-mine"
    mine.mkdir()
    claim(mine)
    try:
        assert reap(tmp_path) == [dead]
        assert orphan.wait(timeout=10) == -9
        assert not dead.exists()
        assert mine.exists()
    finally:
        if orphan.poll() is None:
            orphan.kill()


def test_a_plans_ports_all_differ_and_a_cluster_id_never_starts_with_a_dash() -> None:
    from kafkaretry.lab.cluster import cluster_id
    from kafkaretry.lab.processes import PORT_RANGE, free_port

    taken: set[int] = set()
    ports = [free_port(taken) for _ in range(2000)]
    assert len(set(ports)) == 2000 == len(taken)
    assert all(PORT_RANGE[0] <= p < PORT_RANGE[1] for p in ports)
    ids = [cluster_id() for _ in range(2000)]  # about 1 in 64 base64 texts starts with "-"
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
