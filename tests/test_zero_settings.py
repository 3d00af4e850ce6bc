"""Zero, where Kafka 4.1's ConfigDef allows it (atLeast(0)): every run ends, no traceback.

The values were refused before; these runs check that the model handles them as Kafka
does instead of hanging on a zero-length timer or crashing on an empty random range.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app

ZEROS = [
    ["request.timeout.ms=0"],
    ["request.timeout.ms=0", "delivery.timeout.ms=0", "linger.ms=0"],
    ["metadata.max.age.ms=0"],
    ["controller.quorum.fetch.timeout.ms=0"],
    ["controller.quorum.election.timeout.ms=0"],
    ["controller.quorum.election.backoff.max.ms=0"],
    ["controller.quorum.request.timeout.ms=0"],
    [  # every quorum timer at 0: elections never settle, and the run stops at its step budget
        "controller.quorum.election.timeout.ms=0",
        "controller.quorum.fetch.timeout.ms=0",
        "controller.quorum.election.backoff.max.ms=0",
        "controller.quorum.request.timeout.ms=0",
    ],
]


def _run(scenario: str, sets: list[str], *more: str) -> dict[str, object]:
    args = ["simulate", scenario, *(a for s in sets for a in ("--set", s)), *more, "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize("sets", ZEROS, ids=",".join)
@pytest.mark.parametrize("scenario", ["broker-down", "rolling-restart"])
def test_a_zero_kafka_allows_runs_to_the_end(scenario: str, sets: list[str]) -> None:
    _run(scenario, sets, "--with-controller")


def test_a_zero_request_timeout_fails_every_request_before_its_answer() -> None:
    # NetworkClient.handleTimedOutRequests: a request older than request.timeout.ms is failed
    # and its connection closed; with 0 and a network that takes time, none is answered, so
    # the producer never learns the leader and send() gives up after max.block.ms
    # (KafkaProducer.waitOnMetadata).
    events = _run("ack-loss", ["request.timeout.ms=0"])["events"]
    assert isinstance(events, list)
    types = [e["type"] for e in events]
    assert "ProduceRequestSent" not in types
    closed = [e for e in events if e["type"] == "ConnectionClosed"]
    sent = [e for e in events if e["type"] == "MetadataRequestSent"]
    assert closed
    assert len(closed) == len(sent)
    assert {e["reason"] for e in closed} == {"metadata request timed out"}
    assert events[-1] == {
        "at_ms": 60_000,
        "type": "MetadataWaitTimedOut",
        "record": 0,
        "topic": "kafka-study-topic",
        "max_block_ms": 60_000,
    }


def test_a_send_that_never_gets_metadata_fails_and_says_so() -> None:
    """request.timeout.ms=0: no metadata answer ever counts, so send() gives up after
    max.block.ms; the record failed (its callback got TimeoutException), it was not pending."""
    from kafkaretry.runner import run_scenario
    from kafkaretry.scenario import FaultPlan
    from tests.conftest import SCENARIOS, render_text

    run = run_scenario(
        SCENARIOS,
        "ack-loss",
        key=None,
        key_type=None,
        overrides=["request.timeout.ms=0"],
        seed=0,
        plan=FaultPlan(),
    )
    data = run.json()
    [record] = data["records"]
    assert (record["status"], record["kind"], record["partition"], record["error"]) == (
        "failed",
        "failed",
        None,
        "TimeoutException",
    )
    assert data["outcome"]["status"] == "failed"
    assert data["fate"]["outcome"] == "failed"
    text = " ".join("".join(render_text(s, width=400) for s in run.stages(brief=True)).split())
    assert (
        "Stage 1 · send() gives up on the record after max.block.ms (60000 ms) without "
        "kafka-study-topic's metadata (KafkaProducer.waitOnMetadata): the callback gets "
        "TimeoutException"
    ) in text
    assert "key 1 (int) → no partition chosen" in text
    assert (
        "Failed before it was sent: send() waited max.block.ms for the topic's metadata, then "
        "the callback got TimeoutException at 60000 ms; no partition was chosen and nothing "
        "reached a broker."
    ) in text
