"""`kafkaretry compare`: the facts side by side, the first divergence and why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import SCENARIOS, assert_golden

runner = CliRunner()


def as_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["compare", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_idempotence_off_gives_two_copies_diverging_at_the_retrys_append() -> None:
    data = as_json("ack-loss", "--vs", "enable.idempotence=false")
    assert list(data) == [
        "changes",
        "settings_changed",
        "runs",
        "differences",
        "diverges_at_ms",
        "divergence",
    ]
    facts = {d["fact"]: (d["left"], d["right"]) for d in data["differences"]}
    assert facts["copies"] == (1, 2)
    assert facts["duplicated"] == (0, 1)
    assert facts["idempotence"] == (True, False)
    assert "outcome" not in facts  # acknowledged on both sides
    divergence = data["divergence"]
    assert divergence["kind"] == "what"
    assert divergence["left"]["type"] == "DuplicateDetected"
    assert divergence["right"]["type"] == "RecordAppended"
    assert divergence["right"]["attempt"] == 2
    assert divergence["right"]["base_offset"] == 1
    assert data["diverges_at_ms"] == divergence["left"]["at_ms"] == 30135
    assert [r["side"] for r in data["runs"]] == ["left", "right"]
    assert data["runs"][1]["log"]["copies"] == 2
    assert "events" not in data["runs"][0]


def test_acks_1_turns_idempotence_off_without_being_asked() -> None:
    data = as_json("ack-loss", "--vs", "acks=1")
    assert data["settings_changed"] == [
        {"setting": "acks", "left": "all", "right": "1", "given": True},
        {"setting": "enable.idempotence", "left": True, "right": False, "given": False},
    ]
    facts = {d["fact"]: (d["left"], d["right"]) for d in data["differences"]}
    assert facts["copies"] == (1, 2)


def test_a_timing_change_diverges_in_when_not_what() -> None:
    data = as_json("broker-down", "--vs", "broker.session.timeout.ms=6000")
    assert data["divergence"]["kind"] == "when"
    left, right = data["divergence"]["left"], data["divergence"]["right"]
    assert left["type"] == right["type"]
    # 3 s less of session, give or take the phase of the periodic fence check (session / 8).
    assert 3000 - 1125 <= left["at_ms"] - right["at_ms"] <= 3000 + 1125


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_controller_timing_change_diverges_where_the_standby_first_notices(seed: int) -> None:
    data = as_json(
        "broker-down",
        "--with-controller",
        "--seed",
        str(seed),
        "--vs",
        "controller.quorum.fetch.timeout.ms=4000",
    )
    divergence = data["divergence"]
    left, right = divergence["left"], divergence["right"]
    assert (divergence["kind"], left["type"], right["type"]) == (
        "when",
        "FetchTimeoutExpired",
        "FetchTimeoutExpired",
    )
    assert right["at_ms"] - left["at_ms"] == 2000


def test_no_difference_at_all() -> None:
    data = as_json("ack-loss", "--vs", "linger.ms=5")
    assert (data["differences"], data["diverges_at_ms"], data["divergence"]) == ([], None, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ack-loss"],
            "error: compare needs at least one --vs NAME=VALUE: the change to compare\n",
        ),
        (["ack-loss", "--vs", "acks"], "error: --set takes NAME=VALUE, got 'acks'\n"),
        (
            ["ack-los", "--vs", "acks=1"],
            "error: unknown scenario 'ack-los'; did you mean 'ack-loss' or 'acks1-loss'?\n",
        ),
    ],
)
def test_errors_are_one_whole_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["compare", *args])
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")


def test_golden_text() -> None:
    result = runner.invoke(app, ["compare", "ack-loss", "--vs", "acks=1"])
    assert result.exit_code == 0, result.stderr
    assert_golden("compare-ack-loss-acks-1.txt", result.stdout)


def test_simulate_compare_is_the_same_as_compare() -> None:
    via_simulate = runner.invoke(app, ["simulate", "ack-loss", "--compare", "acks=1", "--json"])
    direct = runner.invoke(app, ["compare", "ack-loss", "--vs", "acks=1", "--json"])
    assert via_simulate.exit_code == 0, via_simulate.stderr
    assert via_simulate.stdout == direct.stdout


def test_simulate_what_if_options_are_one_at_a_time() -> None:
    result = runner.invoke(app, ["simulate", "ack-loss", "--compare", "acks=1", "--mermaid"])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --compare and --mermaid cannot be combined: choose one\n",
    )


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), name=st.sampled_from(["ack-loss", "broker-down"]))
def test_a_change_to_the_same_value_never_diverges(seed: int, name: str) -> None:
    from kafkaretry.scenario import FaultPlan
    from kafkaretry.whatif.compare import compare

    same = compare(SCENARIOS, name, changes=["linger.ms=5"], common=[], seed=seed, plan=FaultPlan())
    assert (same.divergence, same.differences(), same.settings) == (None, [], ())
    other = compare(
        SCENARIOS,
        "ack-loss",  # in broker-down the first attempt may come after the failover
        changes=["enable.idempotence=false"],
        common=[],
        seed=seed,
        plan=FaultPlan(),
    )
    assert other.divergence is not None
    assert ("copies", 1, 2) in other.differences()
