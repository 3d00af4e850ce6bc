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
        "fate",
        "failed",
        "controller_election",
        "leader_election",
        "metadata_refreshes",
        "ack_broker",
        "records",
        "outcome",
        "cluster",
        "events",
    ]
    assert data["outcome"] == {"status": "acknowledged", "reason": "deduplicated-retry"}
    [record] = data["records"]
    assert record == {
        "index": 0,
        "key": "1",
        "partition": 0,
        "status": "acknowledged",
        "attempts": data["attempts"],
        "ack_offset": 0,
        "acked_by": 4,
        "ack_at_ms": data["ack_at_ms"],
        "error": None,
        "expired": False,
        "copies": [0],
        "committed": [0],
        "in_final_log": True,
        "final_leader": 4,
        "lost": False,
        "copied_at_ack": [5, 6],
        "truncated": [],
        "ack_offset_holds": 0,
        "held_by": [4, 5, 6],
        "duplicated": False,
        "reordered": False,
        "kind": "deduplicated-retry",
    }
    assert data["failed"] == {"broker": None, "controller": None, "isolated": None}
    assert (data["controller_election"], data["leader_election"]) == (None, None)
    assert data["metadata_refreshes"] == [
        {"at_ms": 6, "via_broker": 4, "leader_seen": 4},
        {"at_ms": 30013, "via_broker": 6, "leader_seen": 4},
    ]
    assert data["ack_broker"] == 4
    assert data["fate"] == {"outcome": "acknowledged", "at_ms": 30136, "error": None}
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
            "error: --set request.timeout.ms: must be a Java INT from 0 to 2147483647 (got '-5')",
        ),
        (["--set", "acks"], "error: --set takes NAME=VALUE, got 'acks'"),
        (
            ["--set", "request.timeout.ms=200000", "--set", "delivery.timeout.ms=120000"],
            "error: the KafkaProducer constructor throws ConfigException, so nothing is sent: "
            "delivery.timeout.ms should be equal to or larger than linger.ms + "
            "request.timeout.ms (here 120000 < 5 + 200000)",
        ),
    ],
)
def test_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = invoke("ack-loss", *args)
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()) == message


def test_an_unset_delivery_timeout_is_raised_as_kafka_does() -> None:
    # The shipped file leaves delivery.timeout.ms at its default, unset: Kafka raises it to
    # linger.ms + request.timeout.ms (KafkaProducer.configureDeliveryTimeout).
    result = invoke("ack-loss", "--set", "request.timeout.ms=200000", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["settings"]["delivery.timeout.ms"] == 200_005


def test_unknown_scenario_suggests() -> None:
    result = invoke("ack-los")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "error: unknown scenario 'ack-los'; did you mean 'ack-loss' or 'acks1-loss'?"
    )


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
    from kafkaretry.cli.simulate import show as _show

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


def test_a_split_vote_livelock_ends_and_says_what_kept_going() -> None:
    data = as_json(
        "broker-down",
        "--with-controller",
        "--set",
        "controller.quorum.election.timeout.ms=1",
        "--set",
        "controller.quorum.election.backoff.max.ms=1",
    )
    # Kafka 4.1 has no backoff after a lost election: the standbys split every vote, nobody
    # fences the dead leader and the record expires; the run then stops by itself.
    stop = data["events"][-1]
    assert (stop["type"], stop["reason"], stop["undecided"]) == ("RunStopped", "settled", 0)
    assert {kind for kind, _ in stop["kept_going"]} >= {"PreVoteStarted", "ElectionLost"}
    assert data["fate"]["outcome"] == "expired"


def test_send_gives_up_after_max_block_ms() -> None:
    data = as_json("ack-loss", "--set", "network.latency.ms=16000")
    assert data["fate"] == {
        "outcome": "failed",
        "at_ms": 60000,
        "error": "TimeoutException: Topic kafka-study-topic not present in metadata "
        "after 60000 ms.",
    }
    assert data["settings"]["max.block.ms"] == 60000
