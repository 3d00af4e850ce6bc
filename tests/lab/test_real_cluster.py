"""The scenarios on a real Kafka 4.1 cluster (--fast), checked against the model.

Each `verify` starts its own six-JVM cluster; the tests assert the outcome facts (partition,
attempts, copies, who acknowledged), which must agree on any machine, and leave the timings to
the README's measurements, which a loaded CI machine would make flaky.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Group

from kafkaretry.render.lab import lab_view
from tests.conftest import render_text

pytestmark = pytest.mark.lab


def _verify(kafka_home: Path, *args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "kafkaretry", "verify", *args, "--fast", "--json"]
    done = subprocess.run(
        [*command, "--kafka-home", str(kafka_home)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


# The facts a broker crash must keep on any machine. How many attempts it takes is left out:
# on a loaded machine the producer can learn the new leader from one broker before the new
# leader itself has applied the change, and its retry then meets NOT_LEADER_OR_FOLLOWER first.
CRASH_FACTS = (
    "partition of every attempt",
    "copies in the partition",
    "acknowledged",
    "acknowledged by broker",
    "new leader of the partition",
    "a surviving controller becomes active",
)


def _outcomes_agree(data: dict[str, Any], only: tuple[str, ...] | None = None) -> None:
    differ = [
        r
        for r in data["agreement"]
        if r["kind"] == "outcome" and not r["agrees"] and (only is None or r["fact"] in only)
    ]
    assert differ == []


@pytest.mark.parametrize(
    ("sets", "copies", "outcomes"),
    [
        ([], 1, ["response-lost", "deduplicated"]),
        (["--set", "enable.idempotence=false"], 2, ["response-lost", "acknowledged"]),
        (["--set", "acks=1"], 2, ["response-lost", "acknowledged"]),
    ],
    ids=["idempotence-on", "idempotence-off", "acks-1"],
)
def test_ack_loss_matches_the_model(
    kafka_home: Path, sets: list[str], copies: int, outcomes: list[str]
) -> None:
    data = _verify(kafka_home, "ack-loss", *sets)
    _outcomes_agree(data)
    [run] = data["real"]["runs"]
    assert data["real"]["kafka_version"].startswith("4.1.")
    assert (run["copies"], [a["outcome"] for a in run["attempts"]]) == (copies, outcomes)
    assert [a["broker"] for a in run["attempts"]] == [4, 4]
    assert run["interceptor_partition"] is None  # onSend runs before the partitioner
    assert run["callback_partition"] == 0
    idempotent = not sets
    assert (run["attempts"][0]["producer_id"] >= 0) is idempotent
    view = render_text(
        Group(
            *lab_view(
                {
                    "scenario": "ack-loss",
                    "record": {"key": "1", "key_type": "int", "partition": 0},
                    "settings": data["settings"],
                    "real": data["real"],
                }
            )
        ),
        width=200,
    )
    assert f" idempotence         {'on' if idempotent else 'OFF'}" in view
    assert " copies in the log   " + str(copies) in view


def _broker_down(data: dict[str, Any]) -> dict[str, Any]:
    _outcomes_agree(data, CRASH_FACTS)
    [run] = data["real"]["runs"]
    crashed = next(f["node"] for f in run["faults"] if f["kind"] == "crash-broker")
    assert crashed == 4
    assert {a["partition"] for a in run["attempts"]} == {0}
    assert run["acked"]
    assert run["ack_broker"] == run["leader_election"]["new_leader"] != crashed
    assert [a["broker"] for a in run["attempts"]][:1] == [crashed]
    assert run["attempts"][-1]["outcome"] == "deduplicated"  # the new leader had copied it
    result: dict[str, Any] = run
    return result


def test_broker_down_is_acknowledged_by_the_new_leader(kafka_home: Path) -> None:
    run = _broker_down(_verify(kafka_home, "broker-down"))
    assert run["controller_election"] is None


def test_broker_down_with_the_controller_elects_a_survivor(kafka_home: Path) -> None:
    run = _broker_down(_verify(kafka_home, "broker-down", "--with-controller"))
    killed = next(f["node"] for f in run["faults"] if f["kind"] == "crash-controller")
    assert killed == run["active_controller_at_start"]
    assert run["controller_election"]["new_active"] not in (killed, -1)


def _ours(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if proc.name.isdigit() and marker in cmdline and "java" in cmdline:
            found.append(cmdline)
    return found


def test_ctrl_c_ends_every_process_and_frees_every_port(kafka_home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    # A job started in the background by a non-interactive shell (as CI may be) inherits SIGINT
    # ignored, and Python then installs no KeyboardInterrupt handler: restore the handler a
    # terminal's foreground job has, then run kafkaretry as `python -m kafkaretry` would.
    start = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv[0] = 'kafkaretry'; runpy.run_module('kafkaretry', run_name='__main__')"
    )
    command = [sys.executable, "-c", start, "lab", "run", "ack-loss", "--fast"]
    proc = subprocess.Popen(
        [*command, "--kafka-home", str(kafka_home)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not any("LabProducer.java" in c for c in _ours(str(tmp_path))):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the producer never started"
            time.sleep(0.2)
        assert sum("kafka.Kafka" in c for c in _ours(str(tmp_path))) == 6
        props = "".join(
            p.read_text() for p in tmp_path.glob("kafkaretry-lab-*/*/server.properties")
        )
        ports = sorted({int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", props)})
        assert len(ports) == 3 + 3 * 4  # controllers; brokers: client, internal, lab, proxy
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert b"Traceback" not in stderr
    assert proc.returncode != 0
    assert _ours(str(tmp_path)) == []
    assert list(tmp_path.glob("kafkaretry-lab-*")) == []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            # SO_REUSEADDR lets closed connections linger in TIME_WAIT, as TCP requires, but
            # bind() still fails while any socket listens on the port.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen()
