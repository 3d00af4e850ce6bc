"""The summary of a simulated run: a few short rows for one record, a table for several.

Rows come from `RunAnalysis`; a long series of attempts that all went the same way is one
entry with its count and rhythm ("#2-#121 → broker 4: NOT_ENOUGH_REPLICAS, every ~1,000 ms").
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from statistics import median

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kafkaretry.partitioning.keys import display_key
from kafkaretry.sim.analysis import GracefulStop, RecordOutcome, RunAnalysis
from kafkaretry.sim.trace import Attempt

DASH = "\N{EN DASH}"  # ranges of attempts, as in "#2\N{EN DASH}#121"

TABLE_ROWS = 12  # records listed one by one; the rest are counted by how they ended


def key_label(key: str | None, key_type: str) -> str:
    return "no key (null)" if key is None else f"key {display_key(key, key_type)} ({key_type})"


def attempt_runs(attempts: Sequence[Attempt], backoff_max_ms: int | None = None) -> list[str]:
    """Consecutive attempts to the same broker with the same outcome, as one entry each."""
    runs: list[list[Attempt]] = []
    for a in attempts:
        if runs and (runs[-1][-1].broker, runs[-1][-1].outcome) == (a.broker, a.outcome):
            runs[-1].append(a)
        else:
            runs.append([a])
    return [_run_text(run, backoff_max_ms) for run in runs]


def _run_text(run: list[Attempt], backoff_max_ms: int | None) -> str:
    first, last = run[0], run[-1]
    if len(run) == 1:
        return f"#{first.attempt} → broker {first.broker}: {first.outcome}"
    gap = round(median(b.at_ms - a.at_ms for a, b in pairwise(run)))
    rhythm = f"every ~{gap:,} ms"
    if backoff_max_ms and abs(gap - backoff_max_ms) <= backoff_max_ms // 5:
        rhythm += " (retry.backoff.max.ms)"
    return (
        f"#{first.attempt}{DASH}#{last.attempt} → broker {first.broker}: {last.outcome}, {rhythm}"
    )


def status_text(r: RecordOutcome) -> str:
    match r.status:
        case "acknowledged":
            return f"acknowledged by broker {r.acked_by}: offset {r.ack_offset} at {r.ack_at_ms} ms"
        case "sent-without-ack":
            return f"sent without acknowledgement (acks=0, offset -1) at {r.ack_at_ms} ms"
        case "failed":
            why = "TimeoutException (delivery.timeout.ms)" if r.expired else r.error
            return f"failed at {r.resolved_at_ms} ms: {why}"
        case "pending":
            return "pending when the run ended"


def _copies(r: RecordOutcome) -> str:
    if r.partition is None:
        return "0 (never sent: no partition was chosen)"
    if not r.copies:
        leader = "no leader" if r.final_leader is None else f"broker {r.final_leader}"
        return f"0 (not in the final leader's log: {leader})"
    uncommitted = len(r.copies) - len(r.committed)
    note = ""
    if uncommitted:
        note = "; not committed" if not r.committed else f"; {uncommitted} not committed"
    offsets = ", ".join(map(str, r.copies))
    return f"{len(r.copies)} (offset{'s' if len(r.copies) > 1 else ''} {offsets}{note})"


def summary_table(analysis: RunAnalysis, key_type: str, backoff_max_ms: int) -> RenderableType:
    if len(analysis.records) == 1:
        return _one(analysis, analysis.records[0], key_type, backoff_max_ms)
    return _several(analysis, key_type)


def _one(a: RunAnalysis, r: RecordOutcome, key_type: str, backoff_max_ms: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="summary", show_header=False)
    table.add_column("", style="stage", no_wrap=True)
    table.add_column("")
    where = "no partition chosen" if r.partition is None else f"partition {r.partition}"
    table.add_row("record", f"{key_label(r.key, key_type)} → {where}")
    table.add_row("attempts", "\n".join(attempt_runs(r.attempts, backoff_max_ms)) or "none sent")
    table.add_row("idempotence", _idempotence(a))
    good = len(r.copies) == 1 and not r.lost
    table.add_row("copies in the log", Text(_copies(r), style="ack" if good else "failure"))
    table.add_row("outcome", status_text(r))
    facts = cluster_lines(a, r.partition)
    if facts:
        table.add_row("cluster", "\n".join(facts))
    return table


def cluster_lines(a: RunAnalysis, partition: int | None) -> list[str]:
    """What the cluster did, one short line per fact (nothing when no node failed)."""
    c = a.cluster
    lines = [f"broker {b} crashed at {at} ms" for at, b in c.broker_crashes]
    lines += [stop_line(g) for g in c.graceful_stops]
    lines += _stays_moved(a, partition)
    lines += [
        f"controller {n}{' (active)' if active else ''} crashed at {at} ms"
        for at, n, active in c.controller_crashes
    ]
    lines += [
        f"controller {e.new_active} elected active at {e.at_ms} ms (epoch {e.epoch})"
        for e in c.controller_elections
    ]
    if c.no_quorum_at_ms is not None:
        lines.append(f"no controller quorum from {c.no_quorum_at_ms} ms")
    lines += [
        f"partition {ch.partition}: leader {ch.old_leader} → "
        f"{'none' if ch.new_leader < 0 else ch.new_leader} (epoch {ch.leader_epoch}), "
        f"committed at {ch.committed_at_ms} ms"
        for ch in c.leader_changes
        if ch.partition == partition or {ch.old_leader, ch.new_leader} & _failed_brokers(a)
    ]
    by_broker: dict[tuple[int, int, int | None], list[int]] = {}
    for stall in c.stalls:
        by_broker.setdefault((stall.broker, stall.from_ms, stall.until_ms), []).append(
            stall.partition
        )
    # Only acks=all waits for the whole ISR (the high watermark), so say who would stall.
    waits = "acks=all writes wait" if a.acks == -1 else "an acks=all write would wait"
    for (broker, start, end), partitions in by_broker.items():
        until = f"to {end} ms" if end is not None else "to the end"
        names = ", ".join(map(str, partitions))
        lines.append(
            f"partition{'s' if len(partitions) > 1 else ''} {names} kept dead broker {broker} "
            f"in the ISR from {start} {until} ({waits})"
        )
    return lines


def _failed_brokers(a: RunAnalysis) -> set[int]:
    """Brokers that crashed or were stopped: every leadership they lost or got back counts."""
    c = a.cluster
    return {b for _, b in c.broker_crashes} | {g.broker for g in c.graceful_stops}


def _stays_moved(a: RunAnalysis, partition: int | None) -> list[str]:
    """A stopped leader's partition that does not return to it, because the setting is off."""
    c = a.cluster
    stopped = {g.broker for g in c.graceful_stops}
    moved = [ch for ch in c.leader_changes if ch.partition == partition]
    if c.auto_leader_rebalance or not moved or moved[0].old_leader not in stopped:
        return []
    last = moved[-1].new_leader
    if last == moved[0].old_leader:
        return []
    return [f"auto.leader.rebalance.enable=false: partition {partition} stays on broker {last}"]


def stop_line(g: GracefulStop) -> str:
    """A graceful stop in one line: when it was asked, when its leaderships moved, its exit."""
    line = f"broker {g.broker} stopped gracefully at {g.asked_at_ms} ms"
    if g.moved_at_ms is not None:
        line += f"; its leaderships moved {g.moved_at_ms - g.asked_at_ms} ms later"
    if g.exited_at_ms is not None:
        line += f"; it exited at {g.exited_at_ms} ms"
    return line


def _idempotence(a: RunAnalysis) -> str:
    match a.idempotence_off:
        case None:
            return "on"
        case "explicit":
            return "OFF (enable.idempotence=false)"
        case "acks":
            return f"OFF (silently, by acks={a.acks})"
        case "retries":
            return "OFF (silently, by retries=0)"


def _several(a: RunAnalysis, key_type: str) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title=f"summary: {len(a.records)} records")
    for name in ("record", "key", "partition", "status", "attempts", "offsets", "notes"):
        table.add_column(name, no_wrap=name in ("record", "partition"))
    notable = sorted(a.records, key=lambda r: (r.kind in ("no-retry",), r.index))
    shown = sorted(notable[:TABLE_ROWS], key=lambda r: r.index)
    previous = -1
    for r in shown:
        if r.index > previous + 1:  # records left out here: the caption counts them
            table.add_row("…", "", "", "", "", "", "")
        previous = r.index
        notes = [
            n
            for n, on in (
                ("LOST", r.lost),
                ("DUPLICATED", r.duplicated),
                ("REORDERED", r.reordered),
            )
            if on
        ]
        table.add_row(
            str(r.index),
            "null" if r.key is None else display_key(r.key, key_type),
            str(r.partition if r.partition is not None else "-"),
            _short_status(r),
            str(len(r.attempts)),
            ", ".join(map(str, r.copies)) or "-",
            " ".join(notes),
        )
    rest = [r for r in a.records if r not in shown]
    if rest:
        kinds = sorted({r.kind for r in rest})
        table.caption = f"… and {len(rest)} more records ({', '.join(kinds)})"
    # The run's own facts under the table, full width: in a column of it they would wrap
    # at the width of a record's status.
    run = Table(box=None, show_header=False, pad_edge=False)
    run.add_column("", style="stage", no_wrap=True)
    run.add_column("")
    run.add_row("idempotence", _idempotence(a))
    facts = cluster_lines(a, a.records[0].partition)
    if facts:
        run.add_row("cluster", "\n".join(facts))
    return Group(table, Text(""), run)


def _short_status(r: RecordOutcome) -> str:
    match r.status:
        case "acknowledged":
            return f"acked by {r.acked_by} @{r.ack_offset}"
        case "failed":
            return "failed: TimeoutException" if r.expired else f"failed: {r.error}"
        case _:
            return r.status
