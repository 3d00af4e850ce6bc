"""`kafkaretry sweep`: JSON and CSV fields, determinism across worker counts, whole errors,
golden text, and the order statistics it prints."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.whatif.stats import histogram, percentile, spread
from tests.conftest import assert_golden

runner = CliRunner()
SESSION = "broker.session.timeout.ms=6000,9000,18000"


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["sweep", *args])


def test_json_fields_and_the_leader_moves_with_the_session_timeout() -> None:
    result = invoke("broker-down", "--seeds", "30", "--set", SESSION, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["scenario", "seeds", "rows"]
    assert (data["scenario"], data["seeds"]) == ("broker-down", 30)
    rows = data["rows"]
    assert [(r["setting"], r["value"], r["runs"]) for r in rows] == [
        ("broker.session.timeout.ms", v, 30) for v in ("6000", "9000", "18000")
    ]
    assert list(rows[0]) == [
        "setting",
        "value",
        "runs",
        "shares",
        "time_to_ack_ms",
        "time_to_new_leader_ms",
        "time_to_new_controller_ms",
    ]
    assert rows[0]["shares"] == {
        "acknowledged": 1.0,
        "failed": 0.0,
        "lost": 0.0,
        "duplicated": 0.0,
        "sent_without_ack": 0.0,
    }
    assert list(rows[0]["time_to_new_leader_ms"]) == ["min", "p50", "p90", "p99", "max"]
    assert rows[0]["time_to_new_controller_ms"] is None  # no controller crashed
    p50 = [r["time_to_new_leader_ms"]["p50"] for r in rows]
    assert p50[0] < p50[1] < p50[2]
    # The new leader comes once the session has expired (the last heartbeat was at most
    # broker.heartbeat.interval.ms before the crash) and the periodic check, every session / 8
    # (KAFKA-17793), has found it, plus the commit of the leader change.
    for row, session in zip(rows, [6000, 9000, 18000], strict=True):
        times = row["time_to_new_leader_ms"]
        assert session - 2000 <= times["min"] <= times["max"] <= session + session // 8 + 100


def test_same_arguments_same_output_whatever_the_workers() -> None:
    args = ("broker-down", "--seeds", "12", "--set", SESSION, "--with-controller", "--json")
    one = invoke(*args, "--workers", "1")
    two = invoke(*args, "--workers", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert json.loads(one.stdout)["rows"][0]["time_to_new_controller_ms"] is not None


def test_csv_header_and_a_row_without_a_failover() -> None:
    result = invoke("ack-loss", "--seeds", "3", "--csv")
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split(",")[:8] == [
        "setting",
        "value",
        "runs",
        "acknowledged",
        "failed",
        "lost",
        "duplicated",
        "sent_without_ack",
    ]
    assert header.split(",")[-1] == "time_to_new_controller_max_ms"
    assert row.split(",")[:8] == ["", "", "3", "1", "0", "0", "0", "0"]
    assert row.endswith("," * 10)  # never a new leader or controller


def test_acks_0_records_are_sent_without_an_ack() -> None:
    result = invoke("ack-loss", "--seeds", "2", "--set", "acks=0", "--json")
    shares = json.loads(result.stdout)["rows"][0]["shares"]
    assert (shares["acknowledged"], shares["sent_without_ack"]) == (0.0, 1.0)


def test_duplicates_are_counted_without_idempotence() -> None:
    result = invoke("ack-loss", "--seeds", "2", "--set", "enable.idempotence=true,false", "--json")
    shares = [r["shares"]["duplicated"] for r in json.loads(result.stdout)["rows"]]
    assert shares == [0.0, 1.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ack-los"],
            "error: unknown scenario 'ack-los'; did you mean 'ack-loss' or 'acks1-loss'?\n",
        ),
        (
            ["ack-loss", "--set", "acks=2,1"],
            "error: --set acks: Input should be 'all', '1' or '0' (got '2')\n",
        ),
        (
            ["ack-loss", "--set", "acks="],
            "error: --set takes NAME=V1,V2,… with no empty value, got 'acks='\n",
        ),
        (["ack-loss", "--set", "acks"], "error: --set takes NAME=V1,V2,…, got 'acks'\n"),
    ],
)
def test_errors_are_one_whole_line(args: list[str], message: str) -> None:
    result = invoke(*args, "--seeds", "2")
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_golden_table() -> None:
    result = invoke("broker-down", "--seeds", "8", "--set", SESSION, "--with-controller")
    assert result.exit_code == 0, result.stderr
    assert_golden("sweep-broker-down.txt", result.stdout)


def test_percentiles_by_nearest_rank() -> None:
    ordered = list(range(1, 101))
    assert [percentile(ordered, p) for p in (50, 90, 99)] == [50, 90, 99]
    assert spread([]) is None
    single = spread([7])
    assert single is not None
    assert single.json() == dict.fromkeys(("min", "p50", "p90", "p99", "max"), 7)


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=50))
def test_spread_is_ordered_and_drawn_from_the_sample(sample: list[int]) -> None:
    s = spread(sample)
    assert s is not None
    assert s.min <= s.p50 <= s.p90 <= s.p99 <= s.max
    assert {s.min, s.p50, s.p90, s.p99, s.max} <= set(sample)
    assert sum(histogram(sample, s.min, s.max, 16)) == len(sample)


def test_a_controlled_shutdown_counts_as_a_new_leader_and_every_record_as_an_ack() -> None:
    # rolling-restart: SIGTERM at 500 ms moves partition 0's leadership 4 -> 5, committed
    # 28 ms later in every seed; the five records of each run are each acknowledged.
    result = invoke(
        "rolling-restart",
        "--seeds",
        "3",
        "--workers",
        "1",
        "--set",
        "leader.imbalance.check.interval.seconds=10,300",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    for row in rows:
        assert row["time_to_new_leader_ms"] == dict.fromkeys(
            ("min", "p50", "p90", "p99", "max"), 28
        )
        assert row["shares"]["acknowledged"] == 1
    from kafkaretry.whatif.sweep import SweepRequest, sweep
    from tests.conftest import SCENARIOS

    result_rows = sweep(SweepRequest(SCENARIOS, "rolling-restart", 3, (), workers=1)).rows
    assert len(result_rows[0].time_to_acks) == 3 * 5
