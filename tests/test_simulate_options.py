"""`simulate` options: keys read as `partition` reads them, --no-key, --brief."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import assert_golden

runner = CliRunner()
STORIES = "tests/data/stories.yaml"


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def as_json(*args: str) -> dict[str, Any]:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_key_without_key_type_is_a_string_key_as_in_partition() -> None:
    data = as_json("simulate", "ack-loss", "--key", "hello")
    placed = as_json("partition", "hello")
    assert data["record"] == {
        "key": "hello",
        "key_type": "string",
        "partition": placed["partition"],
    }
    assert as_json("simulate", "ack-loss", "--key", "7", "--key-type", "int")["record"] == {
        "key": "7",
        "key_type": "int",
        "partition": as_json("partition", "7", "--key-type", "int")["partition"],
    }


def test_no_key_sends_a_null_key() -> None:
    data = as_json("simulate", "ack-loss", "--no-key")
    assert data["record"]["key"] is None
    assert data["records"][0]["key"] is None
    result = invoke("simulate", "ack-loss", "--no-key", "--brief")
    assert result.exit_code == 0
    assert "no key (null) → partition" in result.stdout
    assert "None" not in result.stdout


def test_broker_down_without_a_key_crashes_the_leader_of_the_partition_picked() -> None:
    data = as_json("simulate", "broker-down", "--no-key")
    [record] = data["records"]
    [crash] = data["cluster"]["broker_crashes"]
    assert record["attempts"][0]["broker"] == crash["broker"]
    assert record["kind"] == "deduplicated-retry"
    assert record["acked_by"] != crash["broker"]


def test_a_null_key_in_the_file_reads_no_key() -> None:
    result = invoke("simulate", "keyless", "--scenarios", STORIES)
    assert result.exit_code == 0
    assert "no key (null)" in result.stdout
    assert "key None" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ack-loss", "--no-key", "--key", "x"],
            "error: --no-key takes neither --key nor --key-type\n",
        ),
        (
            ["broker-down", "--no-key", "--at-ms", "5"],
            "error: crash-broker with broker: partition-leader needs a keyed record, or a "
            "trigger (when) that waits until the keyless record has its partition: a keyless "
            "record has none until the sticky partitioner picks one\n",
        ),
    ],
)
def test_key_errors(args: list[str], message: str) -> None:
    result = invoke("simulate", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


@pytest.mark.parametrize(
    "args", [["ack-loss"], ["broker-down"], ["broker-down", "--with-controller"]]
)
def test_brief_is_about_a_screen(args: list[str]) -> None:
    result = invoke("simulate", *args, "--brief")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert 15 <= len(lines) <= 45
    assert [line for line in lines if line.startswith("Stage 1 ·")]
    assert "t = " not in result.stdout  # no moments, only headings
    assert "summary" in result.stdout


@pytest.mark.parametrize(
    ("golden", "args"),
    [
        (
            "simulate-brief-acks-1-lost.txt",
            ["acks-1-lost", "--scenarios", STORIES, "--set", "network.latency.ms=2"],
        ),
        ("simulate-brief-min-isr-3.txt", ["broker-down", "--set", "min.insync.replicas=3"]),
        ("simulate-brief-no-quorum.txt", ["no-quorum", "--scenarios", STORIES]),
    ],
)
def test_brief_golden(golden: str, args: list[str]) -> None:
    result = invoke("simulate", *args, "--brief")
    assert result.exit_code == 0
    assert_golden(golden, result.stdout)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize(
    "args",
    [
        ["broker-down", "--with-controller"],
        ["uncommitted-election", "--scenarios", STORIES],
        ["acks-1-lost", "--scenarios", STORIES],
    ],
)
def test_every_json_field_is_documented_in_the_readme(args: list[str]) -> None:
    data = as_json("simulate", *args)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = {k: v for k, v in data.items() if k not in ("settings", "cluster_settings", "events")}
    prose = re.sub(r"```.*?```", "", readme, flags=re.DOTALL)
    spans = " ".join(re.findall(r"`[^`]+`", prose))  # field names appear in code spans
    undocumented = sorted(k for k in _keys(shown) if not re.search(rf"\b{k}\b", spans))
    assert undocumented == []


def test_many_records_stay_a_readable_length() -> None:
    result = invoke("simulate", "busy", "--scenarios", STORIES)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) <= 400
    assert any(line.startswith("… and 2") and "counted rather than shown" in line for line in lines)
    assert any("… and 288 more records (no-retry)" in line for line in lines)
    assert "All 300 records: One copy" in result.stdout
