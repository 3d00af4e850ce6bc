"""The moments of a run grouped into stages: each heading above the events it tells of.

A moment is one simulated millisecond's events; chapters.RULES decide where a stage opens.
Where one moment opens several stages, it is split at the events that opened them, so no
heading stands empty above another stage's events.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.console import RenderableType
from rich.text import Text

from kafkaretry.render.chapters import ChapterTracker, Context
from kafkaretry.render.cluster import cluster_tree
from kafkaretry.render.overview import overview_tree
from kafkaretry.render.step import step_view
from kafkaretry.render.stretch import REPEATABLE, SHOWN_PER_STAGE, Moment, collapsed, overflow
from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import RunAnalysis
from kafkaretry.sim.snapshot import ClusterSnapshot
from kafkaretry.sim.trace import Trace


def story_moments(
    trace: Trace,
    topic: str,
    keys: dict[int, str],
    analysis: RunAnalysis,
    *,
    failure: bool,
    pictures: bool = True,
) -> list[tuple[str, list[RenderableType]]]:
    """(heading, views) per stage of the run: a stage starts where the story turns.

    `pictures`: rebuild the cluster pictures the views show (--brief shows none)."""
    partition = trace.partition_of(0) or 0
    first = trace.of_type(ev.MetadataReceived)
    seen = [(lead, e) for p, lead, e in first[0][1].leaders if p == partition] if first else []
    leader, epoch = seen[0] if seen else (-1, 0)
    context = Context(
        topic,
        partition,
        epoch,
        analysis,
        first_leader=leader,
        first_leaders=tuple((p, lead) for p, lead, _ in first[0][1].leaders) if first else (),
        replicas=_replicas(trace.final, topic),
    )
    moments = _by_millisecond(trace)
    # Two passes over the same rules: the first finds the moments that show the cluster,
    # so the trace rebuilds just those pictures (it keeps no snapshot per step).
    wanted = _pictured_steps(moments, context, failure=failure) if pictures else []
    snapshots = trace.snapshots_after(wanted)
    tracker = ChapterTracker(context)
    shown: ClusterSnapshot | None = None  # the last overview: "changed" is relative to it
    stages: list[tuple[str, list[RenderableType]]] = [("", [])]
    quiet: list[Moment] = []
    busy: list[Moment] = []
    in_stage = 0  # moments shown in the current stage
    for index, (at, last, events) in enumerate(moments):
        opened, show_cluster = tracker.chapters(events)
        extra: RenderableType | None = None
        snapshot = snapshots.get(last)
        dropped = next((e for e in events if isinstance(e, ev.ResponseDropped)), None)
        if dropped is not None and snapshot:
            lost = "the ACK" if dropped.error == "NONE" else f"the {dropped.error} answer"
            extra = cluster_tree(
                snapshot, topic=topic, keys=keys, title=f"the logs when {lost} is lost"
            )
        elif failure and snapshot and show_cluster:
            # the first overview marks what changed since the moment just before it
            before = snapshots.get(moments[index - 1][1]) if index else None
            extra = overview_tree(snapshot, shown or before, topic=topic, partition=partition)
            shown = snapshot
        plain = not opened and extra is None
        if plain and in_stage >= SHOWN_PER_STAGE:
            busy.append((at, events))  # a long stage: counted at its end, not shown
            continue
        if plain and all(isinstance(e, REPEATABLE) for e in events):
            quiet.append((at, events))
            continue
        stages[-1][1].extend(collapsed(quiet, partition=partition, first_epoch=epoch))
        quiet = []
        if opened and busy:
            stages[-1][1].append(overflow(busy))
            busy = []
        if any(t.startswith("Stage ") for t in opened):
            in_stage = 0
        in_stage += 1
        _place(stages, at, events, _split(opened, tracker.positions, len(events)), extra)
    stages[-1][1].extend(collapsed(quiet, partition=partition, first_epoch=epoch))
    if busy:
        stages[-1][1].append(overflow(busy))
    return stages


def _place(
    stages: list[tuple[str, list[RenderableType]]],
    at: int,
    events: list[ev.TraceEvent],
    parts: list[tuple[list[str], int, int]],
    extra: RenderableType | None,
) -> None:
    """Each part of a moment under its headings; the moment's overview after its last part."""
    for number, (titles, start, end) in enumerate(parts):
        for title in titles:
            if title.startswith("Stage "):
                stages.append((title, []))
            else:  # a turn within the stage: a heading at its moment, not a new stage
                stages[-1][1].append(Text(f"\n{title}", style="stage"))
        last_part = number == len(parts) - 1
        stages[-1][1].append(step_view(at, events[start:end], extra if last_part else None))


def _split(opened: list[str], positions: list[int], count: int) -> list[tuple[list[str], int, int]]:
    """(titles, first event, end) per part of one moment: where a moment opens several
    stages, each heading sits with the events from the one that opened it up to the next
    stage's (a stage never stands empty above another one's events)."""
    cuts = [0]
    numbered = [p for t, p in zip(opened, positions, strict=True) if t.startswith("Stage ")]
    cuts += [p for p in numbered[1:] if p > cuts[-1]]
    parts: list[tuple[list[str], int, int]] = [
        ([], start, end) for start, end in zip(cuts, [*cuts[1:], count], strict=True)
    ]
    for title, position in zip(opened, positions, strict=True):
        parts[bisect_right(cuts, position) - 1][0].append(title)
    return parts


def _replicas(final: ClusterSnapshot, topic: str) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """(partition, brokers with a replica of it) for each partition of `topic`."""
    held: dict[int, list[int]] = {}
    for broker in sorted(final.brokers, key=lambda b: b.id):
        for r in broker.replicas:
            if r.topic == topic:
                held.setdefault(r.partition, []).append(broker.id)
    return tuple((p, tuple(brokers)) for p, brokers in sorted(held.items()))


def _by_millisecond(trace: Trace) -> list[tuple[int, int, list[ev.TraceEvent]]]:
    """(ms, index of its last step, its events) for each simulated millisecond with events."""
    moments: list[tuple[int, int, list[ev.TraceEvent]]] = []
    for index, step in enumerate(trace.steps):
        if moments and moments[-1][0] == step.at_ms:
            moments[-1] = (step.at_ms, index, moments[-1][2])
            moments[-1][2].extend(step.events)
        else:
            moments.append((step.at_ms, index, list(step.events)))
    return moments


def _pictured_steps(
    moments: list[tuple[int, int, list[ev.TraceEvent]]], context: Context, *, failure: bool
) -> list[int]:
    """The steps after which `_moments` shows the cluster (and the one before the first
    overview, which that overview compares with)."""
    tracker = ChapterTracker(context)
    wanted: list[int] = []
    overviews = 0
    for index, (_, last, events) in enumerate(moments):
        _, show_cluster = tracker.chapters(events)
        if any(isinstance(e, ev.ResponseDropped) for e in events):
            wanted.append(last)
        elif failure and show_cluster:
            if not overviews and index:
                wanted.append(moments[index - 1][1])
            wanted.append(last)
            overviews += 1
    return wanted
