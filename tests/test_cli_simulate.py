"""`kafkaretry simulate` through Typer: exit codes, whole error lines, JSON fields, golden text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import assert_golden

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["simulate", *args])


def as_json(*args: str) -> dict[str, Any]:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_fields_for_the_default_run() -> None:
    data = as_json("ack-loss")
    assert list(data) == [
        "scenario",
        "seed",
        "settings",
        "cluster_settings",
        "record",
        "attempts",
        "log",
        "acked",
        "ack_offset",
        "ack_at_ms",
        "failed",
        "controller_election",
        "leader_election",
        "metadata_refreshes",
        "ack_broker",
        "acknowledged_then_lost",
        "out_of_send_order",
        "events",
    ]
    assert data["failed"] == {"broker": None, "controller": None, "isolated": None}
    assert (data["controller_election"], data["leader_election"]) == (None, None)
    assert data["metadata_refreshes"] == [
        {"at_ms": 6, "via_broker": 4, "leader_seen": 4},
        {"at_ms": 30013, "via_broker": 6, "leader_seen": 4},
    ]
    assert data["ack_broker"] == 4
    assert data["acknowledged_then_lost"] == []
    assert data["out_of_send_order"] == []
    assert data["scenario"] == "ack-loss"
    assert data["seed"] == 0
    assert data["settings"]["enable.idempotence"] is True
    assert data["record"] == {"key": "1", "key_type": "int", "partition": 0}
    assert [
        (a["attempt"], a["partition"], a["broker"], a["outcome"]) for a in data["attempts"]
    ] == [
        (1, 0, 4, "response-lost"),
        (2, 0, 4, "deduplicated"),
    ]
    assert data["log"] == {"partition": 0, "copies": 1, "offsets": [0]}
    assert (data["acked"], data["ack_offset"]) == (True, 0)
    assert data["events"][-1]["type"] == "RecordAcknowledged"
    assert data["events"][-1]["at_ms"] == data["ack_at_ms"]


def test_idempotence_off_gives_two_copies() -> None:
    data = as_json("ack-loss", "--set", "enable.idempotence=false")
    assert data["log"]["copies"] == 2
    assert data["ack_offset"] == 1


def test_set_moves_the_retry() -> None:
    data = as_json("ack-loss", "--set", "request.timeout.ms=5000", "--set", "retry.backoff.ms=1000")
    timed_out = next(e for e in data["events"] if e["type"] == "ProduceRequestTimedOut")
    assert timed_out["at_ms"] == data["attempts"][0]["at_ms"] + 5000
    retry = next(e for e in data["events"] if e["type"] == "RetryScheduled")
    assert 800 <= retry["backoff_ms"] <= 1000


def test_key_changes_the_partition() -> None:
    data = as_json("ack-loss", "--key", "kafka", "--key-type", "string")
    assert data["record"]["partition"] == 1
    assert {a["partition"] for a in data["attempts"]} == {1}
    assert {a["broker"] for a in data["attempts"]} == {5}


def test_acks_1_says_why_idempotence_is_off() -> None:
    result = invoke("ack-loss", "--set", "acks=1")
    assert result.exit_code == 0
    assert "silently turns idempotence OFF" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "acks=1", "--set", "enable.idempotence=true"],
            "error: the KafkaProducer constructor throws ConfigException, so nothing is sent: "
            "Must set acks to all in order to use the idempotent producer. Otherwise we "
            "cannot guarantee idempotence.",
        ),
        (
            ["--set", "request.timeout=5"],
            "error: unknown setting 'request.timeout'; did you mean 'request.timeout.ms' or "
            "'broker.session.timeout.ms'?",
        ),
        (
            ["--set", "request.timeout.ms=-5"],
            "error: --set request.timeout.ms: Input should be greater than 0 (got '-5')",
        ),
        (["--set", "acks"], "error: --set takes NAME=VALUE, got 'acks'"),
    ],
)
def test_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = invoke("ack-loss", *args)
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()) == message


def test_unknown_scenario_suggests() -> None:
    result = invoke("ack-los")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown scenario 'ack-los'; did you mean 'ack-loss'?"


def test_output_is_byte_identical_for_a_seed() -> None:
    assert invoke("ack-loss", "--seed", "3").stdout == invoke("ack-loss", "--seed", "3").stdout
    assert as_json("ack-loss", "--seed", "3") == as_json("ack-loss", "--seed", "3")


def test_step_is_ignored_without_a_terminal() -> None:
    assert invoke("ack-loss", "--step").stdout == invoke("ack-loss").stdout


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("simulate-ack-loss", []),
        ("simulate-ack-loss-no-idempotence", ["--set", "enable.idempotence=false"]),
    ],
)
def test_golden_text(name: str, args: list[str]) -> None:
    result = invoke("ack-loss", *args)
    assert result.exit_code == 0
    assert_golden(f"{name}.txt", result.stdout)


def test_step_pauses_between_stages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kafkaretry.cli import _show

    answers: list[str] = []

    def enter(*_: object) -> str:
        answers.append("")
        return ""

    monkeypatch.setattr("builtins.input", enter)
    _show(["stage one", "stage two", "stage three"], pause=True)
    out = capsys.readouterr().out
    assert len(answers) == 2  # after every stage but the last
    assert out.count("Enter for the next stage") == 2
    assert out.index("stage one") < out.index("Enter") < out.index("stage two")
