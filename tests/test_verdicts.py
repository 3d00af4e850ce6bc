"""The verdict sentence of each outcome kind, as a reader sees it (whole text, fixed width)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafkaretry.render.verdict import verdict
from kafkaretry.runner import run_scenario
from kafkaretry.scenario import FaultPlan
from kafkaretry.sim.analysis import analyse
from tests.conftest import ROOT, SCENARIOS, render_text

STORIES = ROOT / "tests" / "data" / "stories.yaml"

CASES: list[tuple[Path, str, tuple[str, ...], FaultPlan, str, str]] = [
    (
        SCENARIOS,
        "ack-loss",
        (),
        FaultPlan(),
        "deduplicated-retry",
        "One copy: attempt #2 reached broker 4, which recognised the retry by producer id + "
        "sequence number and answered with the original offset 0.",
    ),
    (
        STORIES,
        "quiet",
        (),
        FaultPlan(),
        "no-retry",
        "All 3 records: One copy: the first attempt was acknowledged, so nothing was retried "
        "and there was nothing to deduplicate.",
    ),
    (
        SCENARIOS,
        "broker-down",
        (),
        FaultPlan(at_ms=12),
        "retried-single-append",
        "One copy: of 2 attempts, 1 was appended (#2 on broker 5); the final leader's log "
        "(broker 5) holds the record once, so nothing was written twice.",
    ),
    (
        SCENARIOS,
        "ack-loss",
        ("enable.idempotence=false",),
        FaultPlan(),
        "duplicated",
        "2 copies (offsets 0, 1): without idempotence the broker cannot tell a retry from a "
        "new record, so the retry was appended again (enable.idempotence=false was set).",
    ),
    (
        SCENARIOS,
        "ack-loss",
        ("acks=1",),
        FaultPlan(),
        "duplicated",
        "2 copies (offsets 0, 1): without idempotence the broker cannot tell a retry from a "
        "new record, so the retry was appended again (acks=1 turned idempotence off silently, "
        "as enable.idempotence was not set).",
    ),
    (
        SCENARIOS,
        "ack-loss",
        ("retries=0",),
        FaultPlan(),
        "failed-but-stored",
        "Failed but stored: with retries=0 the callback gets REQUEST_TIMED_OUT after the first "
        "attempt, yet the final log holds the record (offset 0); a consumer will read a record "
        "its producer reported as failed.",
    ),
    (
        SCENARIOS,
        "broker-down",
        ("min.insync.replicas=3",),
        FaultPlan(),
        "failed-but-stored",
        "Failed but stored: delivery.timeout.ms passed after 120 attempts (the last: "
        "NOT_ENOUGH_REPLICAS) and the callback gets TimeoutException, yet the final log holds "
        "the record (offset 0); it is not committed (the high watermark has not passed it), so "
        "no consumer reads it until the high watermark passes it.",
    ),
    (
        STORIES,
        "request-lost-expires",
        (),
        FaultPlan(),
        "expired",
        "Failed: delivery.timeout.ms passed after 1 attempt (the last: request-lost) and the "
        "callback gets TimeoutException; the final log does not hold the record.",
    ),
    (
        STORIES,
        "leader-dies-on-send",
        (),
        FaultPlan(),
        "failed",
        "Failed: with retries=0 the callback gets NETWORK_EXCEPTION after the first attempt; "
        "the final log does not hold the record.",
    ),
    (
        SCENARIOS,
        "ack-loss",
        ("acks=0",),
        FaultPlan(),
        "sent-without-ack",
        "Sent without acknowledgement: with acks=0 the send completes once the request is "
        "written (offset -1) and nobody learns whether a broker stored it; in fact the final "
        "log holds it at offset 0.",
    ),
    (
        STORIES,
        "no-quorum",
        (),
        FaultPlan(),
        "no-quorum",
        "No quorum: from 5 ms fewer than a majority of controllers were alive, so no new "
        "partition leader could be elected; the callback gets TimeoutException.",
    ),
    (
        STORIES,
        "acks-1-lost",
        ("network.latency.ms=2",),
        FaultPlan(),
        "acked-then-lost",
        "Record 7: Acknowledged, then lost: broker 4 acknowledged offset 7 after its own append "
        "(acks=1), when no follower had copied it; the log of the partition's final leader "
        "(broker 5) does not hold the record; offset 7 now holds record 8.",
    ),
    (
        SCENARIOS,
        "acks1-loss",
        (),
        FaultPlan(),
        "acked-then-lost",
        "Record 11: Acknowledged, then lost: broker 4 acknowledged offset 11 after its own "
        "append (acks=1), when no follower had copied it; the log of the partition's final "
        "leader (broker 4) does not hold the record; broker 4 truncated it from its own log at "
        "20025 ms (to offset 11, where its leader epoch ends on leader 5: divergingEpoch); "
        "offset 11 now holds record 12.",
    ),
]


@pytest.mark.parametrize(("path", "name", "sets", "plan", "kind", "first_line"), CASES)
def test_verdict_of_each_kind(
    path: Path, name: str, sets: tuple[str, ...], plan: FaultPlan, kind: str, first_line: str
) -> None:
    run = run_scenario(path, name, key=None, key_type=None, overrides=list(sets), seed=0, plan=plan)
    analysis = analyse(run.trace)
    assert analysis.outcome.reason == kind
    text = render_text(verdict(analysis), width=1000)
    assert text.splitlines()[0] == first_line
