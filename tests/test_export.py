"""`kafkaretry export`: Markdown + SVG files that exist and parse, one SVG/HTML page, and a
Mermaid sequenceDiagram checked statement by statement."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app

runner = CliRunner()

PARTICIPANT = re.compile(r"^    participant (\w+) as [\w ]+$")
MESSAGE = re.compile(r"^    (\w+)(->>|-->>|--x|-x)(\w+): ([^;#]+)$")
NOTE = re.compile(r"^    Note over (\w+): ([^;#]+)$")


def check_sequence_diagram(text: str) -> list[str]:
    """Structural check of the Mermaid subset kafkaretry writes: a `sequenceDiagram` header,
    participants declared before any statement, and each statement a message or a note
    between declared participants, with no `;` or `#` (which would end or escape it)."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "sequenceDiagram"
    declared: list[str] = []
    statements: list[str] = []
    for line in lines[1:]:
        if m := PARTICIPANT.match(line):
            assert not statements, f"participant after a statement: {line!r}"
            declared.append(m.group(1))
        elif m := MESSAGE.match(line):
            assert {m.group(1), m.group(3)} <= set(declared), line
            statements.append(line.strip())
        elif m := NOTE.match(line):
            assert m.group(1) in declared, line
            statements.append(line.strip())
        else:
            pytest.fail(f"not a sequenceDiagram statement: {line!r}")
    assert len(set(declared)) == len(declared)
    return statements


def test_mermaid_shows_the_lost_ack_and_the_retry() -> None:
    result = runner.invoke(app, ["export", "ack-loss", "--mermaid"])
    assert result.exit_code == 0, result.stderr
    statements = check_sequence_diagram(result.stdout)
    assert any("--xP:" in s and "ACK lost" in s for s in statements)
    assert any(s.startswith("P->>B4:") and "attempt 2" in s for s in statements)
    assert any("duplicate" in s for s in statements)


def test_mermaid_shows_the_crash_the_election_and_the_retry() -> None:
    result = runner.invoke(app, ["export", "broker-down", "--with-controller", "--mermaid"])
    statements = check_sequence_diagram(result.stdout)
    assert "Note over B4: t=13ms CRASH: broker 4 dies" in statements
    assert "Note over C1: t=13ms CRASH: controller 1 dies" in statements
    assert any("elected active controller" in s for s in statements)
    assert any(s.startswith("P->>B5:") and "attempt 2" in s for s in statements)


def test_the_checker_rejects_a_broken_diagram() -> None:
    with pytest.raises(AssertionError):
        check_sequence_diagram("sequenceDiagram\n    participant P as Producer\n    P->>B9: x\n")
    with pytest.raises(pytest.fail.Exception):
        check_sequence_diagram("sequenceDiagram\n    participant P as Producer\n    P->>P: a; b\n")


def test_markdown_with_svg_pictures(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    result = runner.invoke(app, ["export", "ack-loss", str(post), "--json"])
    assert result.exit_code == 0, result.stderr
    written = json.loads(result.stdout)["written"]
    assert written[0] == str(post)
    text = post.read_text(encoding="utf-8")
    assert text.startswith("# kafkaretry simulate ack-loss (seed 0)\n")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images
    assert [str(tmp_path / name) for name in images] == written[1:]
    for name in images:
        root = ET.parse(tmp_path / name).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "## 2. What happens, millisecond by millisecond" in text
    assert "recognised the retry by producer id + sequence number" in text


@pytest.mark.parametrize("suffix", [".svg", ".html"])
def test_whole_run_as_one_page(tmp_path: Path, suffix: str) -> None:
    page = tmp_path / f"run{suffix}"
    result = runner.invoke(app, ["export", "broker-down", str(page)])
    assert (result.exit_code, result.stdout) == (0, f"wrote {page}\n")
    if suffix == ".svg":
        ET.parse(page)
    else:
        assert "<html" in page.read_text(encoding="utf-8").lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ack-loss"], "error: export needs a PATH (.md, .svg or .html) or --mermaid\n"),
        (
            ["ack-loss", "notes.txt"],
            "error: cannot export to 'notes.txt': the file must end in .md, .svg or .html\n",
        ),
        (
            ["ack-loss", "/nonexistent-dir/x.md"],
            "error: cannot write '/nonexistent-dir/x.md': No such file or directory\n",
        ),
    ],
)
def test_errors_are_one_whole_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["export", *args])
    assert (result.exit_code, result.stderr) == (2, message)


def test_simulate_mermaid_and_export(tmp_path: Path) -> None:
    mermaid = runner.invoke(app, ["simulate", "ack-loss", "--mermaid"])
    assert mermaid.stdout == runner.invoke(app, ["export", "ack-loss", "--mermaid"]).stdout
    post = tmp_path / "run.md"
    result = runner.invoke(app, ["simulate", "broker-down", "--export", str(post)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote {post}\n")
    assert post.is_file()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mermaid_draws_a_new_leader_when_it_applies_the_change(seed: int) -> None:
    args = ["broker-down", "--with-controller", "--seed", str(seed)]
    events = json.loads(runner.invoke(app, ["simulate", *args, "--json"]).stdout)["events"]
    chosen = next(e for e in events if e["type"] == "PartitionLeaderElected")
    applied = next(
        e
        for e in events
        if e["type"] == "BrokerMetadataApplied"
        and e["broker"] == chosen["new_leader"]
        and e["offset"] >= chosen["offset"]
    )
    assert applied["at_ms"] > chosen["at_ms"]
    statements = check_sequence_diagram(runner.invoke(app, ["export", *args, "--mermaid"]).stdout)
    assert (
        f"Note over B{chosen['new_leader']}: t={applied['at_ms']}ms applies the "
        f"PartitionChangeRecord: leads partition {chosen['partition']} (leader epoch "
        f"{chosen['leader_epoch']}, was broker {chosen['old_leader']})"
    ) in statements


def test_mermaid_says_when_a_partition_is_left_without_a_leader(tmp_path: Path) -> None:
    from tests.conftest import SCENARIOS

    single = tmp_path / "single-replica.yaml"
    text = SCENARIOS.read_text(encoding="utf-8")
    single.write_text(text.replace("- replicas: [4, 5, 6]", "- replicas: [4]", 1), "utf-8")
    args = ["export", "broker-down", "--scenarios", str(single), "--mermaid"]
    statements = check_sequence_diagram(runner.invoke(app, args).stdout)
    assert any(
        s.startswith("Note over C1: t=")
        and s.endswith("leaves partition 0 with no leader (was broker 4)")
        for s in statements
    )
    assert not any("leads partition 0" in s for s in statements)


def test_mermaid_draws_a_single_replica_partition_going_offline_and_back(tmp_path: Path) -> None:
    from tests.conftest import SCENARIOS

    single = tmp_path / "single-replica.yaml"
    text = SCENARIOS.read_text(encoding="utf-8")
    single.write_text(text.replace("- replicas: [4, 5, 6]", "- replicas: [4]", 1), "utf-8")
    statements, events = _diagram_and_events("rolling-restart", "--scenarios", str(single))
    offline, back = (e for e in events if e["type"] == "PartitionLeaderElected")
    assert (offline["new_leader"], back["old_leader"], back["new_leader"]) == (-1, -1, 4)
    expected = [
        f"Note over C1: t={offline['at_ms']}ms leaves partition 0 with no leader (was broker 4, "
        "controlled shutdown of broker 4)",
        f"Note over C1: t={back['at_ms']}ms elects broker 4 leader of partition 0, which had "
        f"none (leader epoch {back['leader_epoch']})",
    ]
    assert [s for s in statements if "partition 0" in s and "Note over C1" in s] == expected
    assert any(s.endswith("Metadata: p0→no leader, p1→B5, p2→B6") for s in statements)
    assert any(
        s.endswith("leads partition 0 (leader epoch 2, it had no leader)") for s in statements
    )


def _diagram_and_events(*args: str) -> tuple[list[str], list[dict[str, object]]]:
    events = json.loads(runner.invoke(app, ["simulate", *args, "--json"]).stdout)["events"]
    result = runner.invoke(app, ["export", *args, "--mermaid"])
    assert result.exit_code == 0, result.stderr
    return check_sequence_diagram(result.stdout), events


def _at(events: list[dict[str, object]], kind: str) -> int:
    at = next(e["at_ms"] for e in events if e["type"] == kind)
    assert isinstance(at, int)
    return at


def test_mermaid_draws_the_controlled_shutdown_restart_and_return() -> None:
    statements, events = _diagram_and_events("rolling-restart")
    sigterm, granted = _at(events, "BrokerShutdownRequested"), _at(events, "BrokerShutdownGranted")
    waited = next(e["waited_ms"] for e in events if e["type"] == "BrokerShutdownGranted")
    moved = _at(events, "PartitionLeaderElected")
    expected = [
        f"Note over B4: t={sigterm}ms SIGTERM: broker 4 begins a controlled shutdown",
        f"B4->>C1: t={sigterm}ms BrokerHeartbeat wantShutDown=true",
        f"Note over C1: t={moved}ms moves the leadership of partition 0 from broker 4 to "
        "broker 5 (leader epoch 1, controlled shutdown of broker 4)",
        f"Note over C1: t={moved}ms partition 1: broker 4 leaves the ISR, now [5, 6]",
        f"Note over C1: t={_at(events, 'BrokerInControlledShutdown')}ms broker 4 is in "
        "CONTROLLED_SHUTDOWN (up to metadata offset 4)",
        f"C1-->>B4: t={_at(events, 'ControlledShutdownPending')}ms shouldShutDown=false: "
        "brokers 5, 6 are not yet at metadata offset 4",
        f"C1-->>B4: t={granted}ms shouldShutDown=true: broker 4 fenced "
        f"({waited} ms after wantShutDown came)",
        f"Note over B4: t={_at(events, 'BrokerStopped')}ms the process exits: its connections "
        "close",
        f"Note over B4: t={_at(events, 'BrokerRestarted')}ms RESTART: broker 4 starts again",
        f"B4->>C1: t={_at(events, 'BrokerRegistered')}ms BrokerRegistration: registered, fenced "
        "until caught up (offset 6)",
        f"C1-->>B4: t={_at(events, 'BrokerUnfenced')}ms unfenced: broker 4 caught up (metadata "
        "offset 7)",
        f"Note over C1: t={_at(events, 'IsrExpanded')}ms partition 0: broker 4 rejoins the ISR, "
        "now [5, 6, 4]",
    ]
    # in this order, and the answer NOT_LEADER_OR_FOLLOWER after the move that explains it
    places = [statements.index(s) for s in expected]
    assert places == sorted(places)
    refused = next(i for i, s in enumerate(statements) if "NOT_LEADER_OR_FOLLOWER, offset" in s)
    assert places[2] < refused
    assert any(
        s.startswith("Note over C1: t=")
        and s.endswith("from broker 5 to broker 4 (leader epoch 2, back to its preferred replica)")
        for s in statements
    )
    # readable: no heartbeat or follower fetch of the quiet moments is drawn
    assert sum("shouldShutDown" in s for s in statements) == 2
    assert len(statements) < 60


def test_mermaid_draws_the_restart_and_the_returning_leader_s_truncation() -> None:
    statements, events = _diagram_and_events("acks1-loss")
    cut = next(e for e in events if e["type"] == "ReplicaTruncated")
    assert (cut["broker"], cut["leader"], cut["partition"]) == (4, 5, 0)
    end, to = cut["log_end_offset"], cut["truncated_to"]
    assert isinstance(end, int)
    assert isinstance(to, int)
    dropped = f"offsets {to}-{end - 1}" if end - 1 > to else f"offset {to}"
    truncation = (
        f"Note over B4: t={cut['at_ms']}ms truncates partition 0 to offset {to}: drops "
        f"{dropped}, which leader broker 5 does not have"
    )
    restart = f"Note over B4: t={_at(events, 'BrokerRestarted')}ms RESTART: broker 4 starts again"
    fenced = next(e for e in events if e["type"] == "BrokerFenced")
    fence = (
        f"Note over C1: t={fenced['at_ms']}ms fences broker 4 (metadata offset {fenced['offset']})"
    )
    crash = f"Note over B4: t={_at(events, 'BrokerCrashed')}ms CRASH: broker 4 dies"
    order = [statements.index(s) for s in (crash, fence, restart, truncation)]
    assert order == sorted(order)


def test_mermaid_draws_an_isolated_broker() -> None:
    statements, events = _diagram_and_events("broker-unreachable")
    at = _at(events, "BrokerIsolated")
    assert f"Note over B4: t={at}ms ISOLATED: broker 4 is cut off from the network" in statements


def test_a_stopping_broker_s_waiting_is_drawn_once() -> None:
    from kafkaretry.render.mermaid_cluster import Drawn, cluster_lines
    from kafkaretry.sim.kraft import shutdown_events as sd

    drawn = Drawn(active=2)
    assert len(cluster_lines(10, sd.BrokerShutdownRequested(10, 7), drawn)) == 2
    first = cluster_lines(90, sd.ControlledShutdownPending(90, 7, 3, (8,), True), drawn)
    assert first == [
        "C2-->>B7: t=90ms shouldShutDown=false: broker 8 is not yet at metadata offset 3 "
        "and broker 7 still leads a partition"
    ]
    assert cluster_lines(2090, sd.ControlledShutdownPending(2090, 7, 3, (8,), False), drawn) == []


def _shipped() -> list[tuple[str, ...]]:
    from kafkaretry.loading import load_scenario_book
    from tests.conftest import SCENARIOS

    book = load_scenario_book(SCENARIOS)
    crashes = {"crash-broker", "stop-broker"}
    out: list[tuple[str, ...]] = []
    for name, scenario in book.scenarios.items():
        out.append((name,))
        if any(getattr(f, "kind", None) in crashes for f in scenario.faults):
            out.append((name, "--with-controller", "--seed", "1"))
    return out


@pytest.mark.parametrize("args", _shipped(), ids=" ".join)
def test_every_shipped_story_draws_a_valid_diagram(args: tuple[str, ...]) -> None:
    result = runner.invoke(app, ["export", *args, "--mermaid"])
    assert result.exit_code == 0, result.stderr
    statements = check_sequence_diagram(result.stdout)
    assert statements
