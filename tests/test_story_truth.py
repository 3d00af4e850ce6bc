"""Words follow facts: every heading and verdict sentence, checked against the run's JSON.

A battery of varied runs (seeds, settings, fault times, brokers, our own scenario files,
several records); for each, the claims a sentence makes must be facts of that run.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from kafkaretry.render.console import show_stages
from kafkaretry.render.theme import THEME
from kafkaretry.runner import run_scenario
from kafkaretry.scenario import FaultPlan
from tests.conftest import ROOT, SCENARIOS, render_text

STORIES = ROOT / "tests" / "data" / "stories.yaml"

RUNS: list[tuple[Path, str, tuple[str, ...], FaultPlan]] = [
    (SCENARIOS, "ack-loss", (), FaultPlan()),
    (SCENARIOS, "ack-loss", ("enable.idempotence=false",), FaultPlan()),
    (SCENARIOS, "ack-loss", ("acks=1",), FaultPlan()),
    (SCENARIOS, "ack-loss", ("acks=0",), FaultPlan()),
    (SCENARIOS, "ack-loss", ("retries=0",), FaultPlan()),
    (SCENARIOS, "ack-loss", ("request.timeout.ms=5000", "delivery.timeout.ms=5100"), FaultPlan()),
    (SCENARIOS, "broker-down", (), FaultPlan()),
    (SCENARIOS, "broker-down", (), FaultPlan(with_controller=True)),
    (SCENARIOS, "broker-down", (), FaultPlan(broker=5)),
    (SCENARIOS, "broker-down", (), FaultPlan(broker=6, with_controller=True)),
    (SCENARIOS, "broker-down", (), FaultPlan(at_ms=12)),
    (SCENARIOS, "broker-down", (), FaultPlan(at_ms=2)),
    (SCENARIOS, "broker-down", (), FaultPlan(at_ms=40_000)),
    (SCENARIOS, "broker-down", ("min.insync.replicas=3",), FaultPlan()),
    (SCENARIOS, "broker-down", ("acks=1",), FaultPlan()),
    (SCENARIOS, "broker-down", ("network.latency.ms=50",), FaultPlan()),
    (SCENARIOS, "acks1-loss", (), FaultPlan()),
    (SCENARIOS, "acks1-loss", ("acks=all",), FaultPlan()),
    (SCENARIOS, "acks1-loss", ("network.latency.ms=3",), FaultPlan()),
    (SCENARIOS, "acks1-loss", (), FaultPlan(at_ms=13)),
    (SCENARIOS, "acks1-loss", (), FaultPlan(at_ms=40)),
    (STORIES, "quiet", (), FaultPlan()),
    (STORIES, "quiet", ("acks=0",), FaultPlan()),
    (STORIES, "leader-dies-acks-1", (), FaultPlan()),
    (STORIES, "keyless", (), FaultPlan()),
    (STORIES, "no-quorum", (), FaultPlan()),
    (STORIES, "uncommitted-election", (), FaultPlan()),
    (STORIES, "acks-1-lost", ("network.latency.ms=2",), FaultPlan()),
    (STORIES, "acks-1-lost", (), FaultPlan()),
    (STORIES, "reordered", (), FaultPlan()),
    (STORIES, "reordered", ("enable.idempotence=true",), FaultPlan()),
]


def _claims(text: str, data: dict[str, Any]) -> None:  # noqa: PLR0912 - one check per claim
    records = data["records"]
    attempts = [a for r in records for a in r["attempts"]]
    cluster = data["cluster"]
    acks = data["settings"]["acks"]
    if "recognised the retry" in text:
        assert any(a["outcome"] == "deduplicated" for a in attempts)
    if "retries the same batch" in text or "keeps retrying" in text:
        assert any(len(r["attempts"]) >= 2 for r in records)
    if " acknowledges " in text or "acknowledged by broker" in text:
        assert acks != "0"
        assert any(r["status"] == "acknowledged" for r in records)
    if "sees the new leader" in text:
        assert any(c["new_leader"] >= 0 for c in cluster["leader_changes"])
    if "has no leader (LEADER_NOT_AVAILABLE)" in text:
        assert any(c["new_leader"] < 0 for c in cluster["leader_changes"])
    if "elects new leaders" in text:
        assert any(c["new_leader"] >= 0 for c in cluster["leader_changes"])
    if "elect a new active controller" in text:
        assert cluster["controller_elections"]
    if "is the new active controller" in text:
        assert cluster["controller_elections"]
    if "fails at the same moment" in text:
        crashed = {c["at_ms"] for c in cluster["broker_crashes"]}
        assert any(c["at_ms"] in crashed for c in cluster["controller_crashes"])
    if "(retries=0)" in text or "with retries=0" in text:
        assert data["settings"]["retries"] == 0
    if "Failed but stored" in text:
        assert any(r["status"] == "failed" and r["copies"] for r in records)
    if "Acknowledged, then lost" in text:
        assert any(r["lost"] for r in records)
    if "which no follower has copied" in text:
        assert any(r["lost"] and not r["copied_at_ack"] for r in records)
    if "truncates its log" in text or "truncated it from its own log" in text:
        assert cluster["truncations"]
    if "is gone" in text or "are gone" in text:
        assert any(r["lost"] and r["truncated"] for r in records)
    if "now holds record" in text:
        assert any(r["lost"] and r["ack_offset_holds"] is not None for r in records)
    if "already on the wire" in text:
        crashed = {(c["broker"], c["at_ms"]) for c in cluster["broker_crashes"]}
        assert any(
            r["status"] == "acknowledged"
            and any(b == r["acked_by"] and at < r["ack_at_ms"] for b, at in crashed)
            for r in records
        )
    if "copies (offsets" in text:
        assert any(r["duplicated"] for r in records)
    if "Sent without acknowledgement" in text or "without any answer (acks=0)" in text:
        assert acks == "0"
    if "No quorum" in text:
        assert cluster["no_quorum_at_ms"] is not None
    if "the first attempt was acknowledged" in text:
        assert any(len(r["attempts"]) == 1 and r["status"] == "acknowledged" for r in records)
    if "expires" in text:
        assert any(r["expired"] for r in records)
    if "never commit" in text:
        assert cluster["uncommitted_leader_changes"]
    if "Out of order" in text:
        assert any(r["reordered"] for r in records)
    _verdict_claims(text, data)
    _stop_claims(text, data)
    _role_claims(text, data)
    # INVALID_RECORD is told with its cause, and the cause only where that error came back.
    invalid = [r for r in records if r["error"] == "INVALID_RECORD"]
    assert bool(invalid) == ("(cleanup.policy=compact)" in text)
    if "the record has no key, and a compacted topic" in text:
        assert any(r["key"] is None for r in invalid)


_WHO = re.compile(r"(?:Record (\d+)|Records ([\d, ]+)(?: … \(\d+ in all\))?|All (\d+) records): ")


def _verdict_claims(text: str, data: dict[str, Any]) -> None:
    """Each verdict line is true of every record it names."""
    records = data["records"]
    for line in text.splitlines():
        who = _WHO.match(line)
        if who is None:
            named, rest = ([0] if len(records) == 1 else []), line
        else:
            rest = line[who.end() :]
            if who[1]:
                named = [int(who[1])]
            elif who[2]:
                named = [int(i) for i in who[2].split(", ")]
            else:
                named = list(range(int(who[3])))
        for r in (records[i] for i in named):
            if rest.startswith("One copy"):
                assert len(r["copies"]) == 1, line
                assert r["final_leader"] is not None, line
            if "has no leader at the end of the run" in rest:
                assert r["final_leader"] is None, line
            if "the final log does not hold" in rest:
                assert r["final_leader"] is not None, line
                assert r["copies"] == [], line
            if rest.startswith("Not readable"):
                assert r["status"] == "acknowledged", line
                assert r["final_leader"] is None, line
                assert r["copies"] == [], line
                held = re.search(r"in the log of brokers? ([^.]*)\.", rest)
                shown = [int(b) for b in re.findall(r"\d+", held[1])] if held else []
                assert shown == r["held_by"], line


def _changes(data: dict[str, Any], partition: int) -> list[dict[str, Any]]:
    return [c for c in data["cluster"]["leader_changes"] if c["partition"] == partition]


def _stop_claims(text: str, data: dict[str, Any]) -> None:
    """A controlled shutdown's headings say what its write did to each partition."""
    for moves, broker in re.findall(
        r"moves ((?:partition \d+'s leadership to broker \d+(?: and )?)+) once broker (\d+)",
        text,
    ):
        for p, new in re.findall(r"partition (\d+)'s leadership to broker (\d+)", moves):
            assert any(
                (c["old_leader"], c["new_leader"]) == (int(broker), int(new))
                for c in _changes(data, int(p))
            )
    for p, broker, isr in re.findall(
        r"partition (\d+) has no other in-sync replica to take over from broker (\d+): it "
        r"goes offline \(leader none\) and keeps ISR \[([\d, ]*)\]",
        text,
    ):
        assert any(
            c["old_leader"] == int(broker)
            and c["new_leader"] < 0
            and c["isr_after"] == [int(b) for b in isr.split(", ")]
            for c in _changes(data, int(p))
        )
    for p in re.findall(r"No in-sync replica is left: partition (\d+) goes offline", text):
        assert any(c["new_leader"] < 0 for c in _changes(data, int(p)))
    for p, old, new, epoch, at in re.findall(
        r"partition (\d+): leader (\d+) → (\d+|none) \(epoch (\d+)\), committed at (\d+) ms", text
    ):
        assert any(
            (c["old_leader"], c["new_leader"], c["leader_epoch"], c["committed_at_ms"])
            == (int(old), -1 if new == "none" else int(new), int(epoch), int(at))
            for c in _changes(data, int(p))
        )
    returned = {(r["partition"], r["leader"]) for r in data["cluster"]["preferred_returns"]}
    for p, leader in re.findall(
        r"gives partition (\d+) back to its preferred leader, broker (\d+)", text
    ):
        assert (int(p), int(leader)) in returned
    for back in re.findall(r"back to their preferred leaders: ([^\n]*)", text):
        for p, leader in re.findall(r"partition (\d+) to broker (\d+)", back):
            assert (int(p), int(leader)) in returned
    if "out of every ISR" in text:  # a claim no run's facts ever confirmed
        raise AssertionError(text)


def _leader(data: dict[str, Any], partition: int, at_ms: int) -> int:
    """Who led `partition` at `at_ms`: the producer's first metadata, then committed changes."""
    first = next(e for e in data["events"] if e["type"] == "MetadataReceived")
    leader = next((lead for p, lead, _ in first["leaders"] if p == partition), -1)
    for c in _changes(data, partition):
        if c["committed_at_ms"] <= at_ms:
            leader = c["new_leader"]
    return int(leader)


def _role_claims(text: str, data: dict[str, Any]) -> None:
    """ "Broker 5, a follower of partition 0 and the leader of partition 1, fails": each role
    held at the moment it failed or was stopped."""
    cluster = data["cluster"]
    # a role without its partitions cannot be checked (and was once wrong for --broker)
    assert not re.search(r"Broker \d+, (?:the leader|a follower), ", text), text
    role = r"(?:the leader|a follower) of partitions? \d+(?:, \d+)*"
    for broker, roles, what in re.findall(
        rf"Broker (\d+), ({role}(?: and {role})*), (fails|is stopped)", text
    ):
        times = (
            [c["at_ms"] for c in cluster["broker_crashes"] if c["broker"] == int(broker)]
            if what == "fails"
            else [g["asked_at_ms"] for g in cluster["graceful_stops"] if g["broker"] == int(broker)]
        )
        said = [
            (kind, int(p))
            for kind, ps in re.findall(r"(the leader|a follower) of partitions? ([\d, ]+)", roles)
            for p in ps.split(", ")
        ]
        assert any(
            all((_leader(data, p, at) == int(broker)) == (kind == "the leader") for kind, p in said)
            for at in times
        ), roles


def _outcome_from_events(data: dict[str, Any]) -> str:
    final: dict[int, str] = {}
    for e in data["events"]:
        if e["type"] == "RecordAcknowledged":
            final.setdefault(
                e["record"],
                "sent-without-ack" if data["settings"]["acks"] == "0" else "acknowledged",
            )
        elif e["type"] in ("RecordFailed", "RecordExpired"):
            final.setdefault(e["record"], "failed")
    statuses = {final.get(i, "pending") for i in range(len(data["records"]))}
    return statuses.pop() if len(statuses) == 1 else "mixed"


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize(("path", "name", "sets", "plan"), RUNS)
def test_every_heading_and_verdict_is_true_of_its_run(
    path: Path, name: str, sets: tuple[str, ...], plan: FaultPlan, seed: int
) -> None:
    run = run_scenario(
        path, name, key=None, key_type=None, overrides=list(sets), seed=seed, plan=plan
    )
    data = run.json()
    header, *rest = run.stages(brief=True)  # the header quotes the scenario file's description
    brief = "".join(render_text(stage, width=400) for stage in rest)
    _claims(brief, data)
    _summary_gaps(brief)
    _full_claims([render_text(stage, width=400) for stage in run.stages()[1:]], data)
    assert data["outcome"]["status"] == _outcome_from_events(data)
    assert len(brief.splitlines()) + len(render_text(header).splitlines()) <= 50  # a screen


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_single_replica_partition_has_no_new_leader_to_see(tmp_path: Path, seed: int) -> None:
    single = tmp_path / "single-replica.yaml"
    text = SCENARIOS.read_text(encoding="utf-8")
    single.write_text(text.replace("- replicas: [4, 5, 6]", "- replicas: [4]", 1), "utf-8")
    # Broker 4 dies before the record is sent: it waits for a leader that never comes.
    run = run_scenario(
        single,
        "broker-down",
        key=None,
        key_type=None,
        overrides=[],
        seed=seed,
        plan=FaultPlan(at_ms=2),
    )
    data = run.json()
    brief = "".join(render_text(stage, width=400) for stage in run.stages(brief=True)[1:])
    _claims(brief, data)
    assert "sees the new leader" not in brief
    assert "partition 0 has no leader (LEADER_NOT_AVAILABLE); the batch waits" in brief
    assert data["outcome"]["status"] == "failed"
    # On its trigger broker 4 dies just after it answered: the answer still arrives.
    run = run_scenario(
        single, "broker-down", key=None, key_type=None, overrides=[], seed=seed, plan=FaultPlan()
    )
    brief = "".join(render_text(stage, width=400) for stage in run.stages(brief=True)[1:])
    crashed = run.json()["cluster"]["broker_crashes"][0]["at_ms"]
    assert (
        f"Broker 4 acknowledges the record. Broker 4 died at {crashed} ms, but the answer was "
        "already on the wire: TCP delivers it before the reset"
    ) in brief


@pytest.mark.parametrize(
    "sets",
    [
        (),
        ("min.insync.replicas=3",),
        ("acks=1",),
        ("retries=0",),
        ("request.timeout.ms=1000",),
        ("delivery.timeout.ms=300000",),
        ("enable.idempotence=false",),
        ("network.latency.ms=20",),
    ],
)
@pytest.mark.parametrize("name", ["ack-loss", "broker-down"])
def test_no_shipped_story_runs_over_a_few_hundred_lines(name: str, sets: tuple[str, ...]) -> None:
    run = run_scenario(SCENARIOS, name, key=None, key_type=None, overrides=list(sets), seed=0)
    full = "".join(render_text(stage) for stage in run.stages())
    assert len(full.splitlines()) <= 400


class _Reader:
    """Console.input stand-in: Enter `enters` times, then end of input or Ctrl-C."""

    def __init__(self, enters: int, then: type[BaseException]) -> None:
        self.enters, self.then, self.calls = enters, then, 0

    def __call__(self, prompt: str = "") -> str:
        self.calls += 1
        if self.calls > self.enters:
            raise self.then
        return ""


@pytest.mark.parametrize(("then", "finished"), [(EOFError, True), (KeyboardInterrupt, False)])
def test_step_pauses_once_per_stage_and_ends_quietly(
    then: type[BaseException], finished: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_scenario(SCENARIOS, "broker-down", key=None, key_type=None, overrides=[], seed=0)
    stages = run.stages()
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None, theme=THEME)
    reader = _Reader(len(stages) - 2, then)
    monkeypatch.setattr(console, "input", reader)
    assert show_stages(console, stages, pause=True) is finished
    assert reader.calls == len(stages) - 1  # once per stage, not once per millisecond
    assert len(stages) < 20
    assert "Aborted" not in buffer.getvalue()
    assert "Traceback" not in buffer.getvalue()


def _replicas_cut(tmp: Path, lists: tuple[str, str, str]) -> Path:
    """The shipped scenarios with the three partitions' replica lists replaced."""
    text = SCENARIOS.read_text(encoding="utf-8")
    for old, new in zip(("[4, 5, 6]", "[5, 6, 4]", "[6, 4, 5]"), lists, strict=True):
        text = text.replace(f"- replicas: {old}", f"- replicas: {new}", 1)
    path = tmp / f"rf{lists[0].count(',') + 1}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


FACTORS = {
    "rf3": ("[4, 5, 6]", "[5, 6, 4]", "[6, 4, 5]"),
    "rf2": ("[4, 5]", "[5, 6]", "[6, 4]"),
    "rf1": ("[4]", "[5]", "[6]"),
}

# (scenario, --set, fault plan, --no-key): the stops, the failovers with no one left to lead
STOP_RUNS: list[tuple[str, tuple[str, ...], FaultPlan, bool]] = [
    ("rolling-restart", (), FaultPlan(), False),
    ("rolling-restart", (), FaultPlan(broker=5), False),
    ("rolling-restart", (), FaultPlan(broker=6), False),
    ("rolling-restart", (), FaultPlan(), True),
    ("rolling-restart", ("auto.leader.rebalance.enable=false",), FaultPlan(broker=5), False),
    ("rolling-restart", ("leader.imbalance.check.interval.seconds=10",), FaultPlan(), False),
    ("unclean-election", (), FaultPlan(), False),
    ("unclean-election", ("unclean.leader.election.enable=false",), FaultPlan(), False),
    ("acks1-loss", (), FaultPlan(broker=5), False),
    ("acks1-loss", (), FaultPlan(), True),
    ("broker-down", (), FaultPlan(), False),
    ("broker-down", (), FaultPlan(broker=6, at_ms=40), True),
    (
        "broker-down",
        ("controller.quorum.fetch.timeout.ms=5000",),
        FaultPlan(with_controller=True),
        False,
    ),
]


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("factor", sorted(FACTORS))
@pytest.mark.parametrize(("name", "sets", "plan", "no_key"), STOP_RUNS)
def test_stops_and_small_replication_factors_are_told_truly(
    tmp_path: Path,
    factor: str,
    name: str,
    sets: tuple[str, ...],
    plan: FaultPlan,
    no_key: bool,
    seed: int,
) -> None:
    path = _replicas_cut(tmp_path, FACTORS[factor])
    run = run_scenario(
        path,
        name,
        key=None,
        key_type=None,
        overrides=list(sets),
        seed=seed,
        plan=plan,
        no_key=no_key,
    )
    data = run.json()
    brief = "".join(render_text(stage, width=400) for stage in run.stages(brief=True)[1:])
    _claims(brief, data)
    _summary_gaps(brief)
    full = [render_text(stage, width=400) for stage in run.stages()[1:]]
    _full_claims(full, data)


def _summary_gaps(brief: str) -> None:
    """The records table marks every record it leaves out between two rows it shows."""
    rows = re.findall(r"^ (\d+|…) ", brief.split("summary: ", 1)[-1], flags=re.MULTILINE)
    previous = None
    for row in rows:
        if row == "…":
            previous = None
            continue
        if previous is not None:
            assert int(row) == previous + 1, rows
        previous = int(row)


def _full_claims(stages: list[str], data: dict[str, Any]) -> None:
    """Claims only the full story makes: its event lines, stage layout and closing table."""
    full = "".join(stages)
    cluster = data["cluster"]
    for stage in stages:  # a heading sits above the events it tells of
        lines = [line for line in stage.splitlines() if line.strip()]
        if lines and lines[0].startswith("Stage "):
            assert len(lines) > 1, stage
    # "new" only of a controller that won an election in this run
    if re.search(r"(?<!no )new active controller", full):
        assert cluster["controller_elections"]
    if "with default timeouts" in full:
        raft = data["cluster_settings"]
        assert raft["controller.quorum.fetch.timeout.ms"] == 2000
        assert raft["controller.quorum.election.timeout.ms"] == 1000
    fenced = {(f["at_ms"], f["broker"], f["reason"]) for f in cluster["fenced"]}
    for at, broker in re.findall(
        r"t = (\d+) ms\n(?:  .*\n)*?  • broker (\d+) leads nothing .*the controller fences it", full
    ):
        assert (int(at), int(broker), "controlled-shutdown") in fenced
    for e in data["events"]:
        if e["type"] == "BrokerShutdownGranted":
            assert (e["at_ms"], e["broker"], "controlled-shutdown") in fenced
        if e["type"] == "BrokerFenced":
            assert (e["at_ms"], e["broker"], "session-expired") in fenced


def test_a_controlled_shutdown_ends_in_a_fence_the_json_lists() -> None:
    # ReplicationControlManager.processBrokerHeartbeat: SHUTDOWN_NOW -> handleBrokerFenced.
    run = run_scenario(SCENARIOS, "rolling-restart", key=None, key_type=None, overrides=[], seed=0)
    data = run.json()
    [granted] = [e for e in data["events"] if e["type"] == "BrokerShutdownGranted"]
    assert data["cluster"]["fenced"] == [
        {"at_ms": granted["at_ms"], "broker": 4, "reason": "controlled-shutdown"}
    ]
    committed = [
        e["at_ms"]
        for e in data["events"]
        if e["type"] == "MetadataRecordCommitted"
        and e["what"] == "BrokerRegistrationChange broker=4 fence"
    ]
    assert committed
    assert committed[0] > granted["at_ms"]
