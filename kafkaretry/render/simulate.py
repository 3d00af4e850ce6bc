"""`kafkaretry simulate`: the whole story as a list of stages (printed at once, or one by one)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from kafkaretry.partitioning.keys import display_key
from kafkaretry.partitioning.placement import KeyPlacement
from kafkaretry.render.chapters import ChapterTracker, Context
from kafkaretry.render.cluster import cluster_tree
from kafkaretry.render.myths import corrections_table
from kafkaretry.render.overview import overview_tree
from kafkaretry.render.partition import partition_tree, stage_table
from kafkaretry.render.step import step_view
from kafkaretry.render.stretch import REPEATABLE, SHOWN_PER_STAGE, Moment, collapsed, overflow
from kafkaretry.render.summary import summary_table
from kafkaretry.render.timeline import timeline_table
from kafkaretry.render.verdict import verdict
from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import RunAnalysis, analyse
from kafkaretry.sim.snapshot import ClusterSnapshot
from kafkaretry.sim.trace import Trace

SHOWN_SETTINGS = (
    "acks",
    "enable.idempotence",
    "retries",
    "request.timeout.ms",
    "retry.backoff.ms",
    "delivery.timeout.ms",
    "linger.ms",
)


SHOWN_CLUSTER_SETTINGS = (
    "broker.heartbeat.interval.ms",
    "broker.session.timeout.ms",
    "controller.quorum.fetch.timeout.ms",
    "controller.quorum.election.timeout.ms",
    "min.insync.replicas",
)
# What decides whether a gracefully stopped broker gets its leaderships back.
REBALANCE_SETTINGS = ("auto.leader.rebalance.enable", "leader.imbalance.check.interval.seconds")


def _settings(names: Mapping[str, object], shown: tuple[str, ...]) -> str:
    return "  ".join(f"{n}={str(names[n]).lower()}" for n in shown)


def _header(trace: Trace, description: str, *, failure: bool, stopped: bool) -> Group:
    producer = _settings(trace.settings.kafka_names(), SHOWN_SETTINGS)
    lines: list[RenderableType] = [
        Rule(Text(f"kafkaretry simulate {trace.scenario}", style="stage")),
        Text(description),
        Text(f"producer: {producer}  (seed {trace.seed})", style="muted"),
    ]
    if failure:  # the timings of the failure story come from these
        shown = SHOWN_CLUSTER_SETTINGS + (REBALANCE_SETTINGS if stopped else ())
        cluster = _settings(trace.cluster.kafka_names(), shown)
        lines.append(Text(f"cluster: {cluster}", style="muted"))
    return Group(*lines)


def _record_stage(placement: KeyPlacement | None, count: int) -> RenderableType:
    title = Text(
        "1. The record and its partition"
        if count == 1
        else f"1. The {count} records and their partition",
        style="stage",
    )
    if placement is None:
        return Group(
            title,
            Text("no key (null): the built-in sticky partitioner picks the partition"),
        )
    intro = Text(
        f"key {placement.shown_key} ({placement.key_type}) → topic {placement.topic}, "
        f"{placement.partitions} partitions. The partition is fixed here, once, in send().",
    )
    return Group(title, intro, stage_table(placement), partition_tree(placement))


def _keys(trace: Trace, key_type: str) -> dict[int, str]:
    return {
        i: "null" if r.key is None else display_key(r.key, key_type)
        for i, r in enumerate(trace.records)
    }


def story_stages(
    trace: Trace,
    *,
    description: str,
    placement: KeyPlacement | None,
    key_type: str,
    brief: bool = False,
) -> list[RenderableType]:
    """The story as stages (one per --step pause): header, the record, one stage per turning
    point of the run, the final logs, the summary with its verdict, the timeline.

    `brief`: the header, the stage headings, the summary and the verdict only.
    """
    analysis = analyse(trace)
    failure = analysis.cluster.failed
    header = _header(
        trace, description, failure=failure, stopped=bool(analysis.cluster.graceful_stops)
    )
    topic = trace.records[0].topic if trace.records else ""
    keys = _keys(trace, key_type)
    moments = _moments(trace, topic, keys, analysis, failure=failure, pictures=not brief)
    summary = Group(
        summary_table(analysis, key_type, trace.settings.retry_backoff_max_ms),
        verdict(analysis),
    )
    if brief:
        titles = [
            line
            for title, views in moments
            for line in [Text(title, style="stage")] * bool(title) + _turns(views)
        ]
        return [header, Group(*titles), summary]
    first_title = Text("2. What happens, millisecond by millisecond", style="stage")
    stages: list[RenderableType] = [header, _record_stage(placement, len(trace.records))]
    for index, (title, views) in enumerate(moments):
        parts: list[RenderableType] = [first_title] if index == 0 else []
        if title:
            parts.append(Text(f"\n{title}", style="stage"))
        stages.append(Group(*_spaced([*parts, *views])))
    stages.append(
        cluster_tree(
            trace.final,
            topic=topic,
            keys=keys,
            title=f"3. The final logs at {trace.final.at_ms} ms",
        )
    )
    stages.append(summary)
    stages.append(timeline_table(trace))
    corrections = corrections_table(
        analysis,
        session_timeout_ms=trace.cluster.broker_session_timeout_ms,
        fetch_timeout_ms=trace.cluster.quorum_fetch_timeout_ms,
    )
    if corrections is not None:
        stages.append(corrections)
    return stages


def _moments(
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
    context = Context(topic, partition, epoch, analysis, first_leader=leader)
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
        for title in opened:
            if title.startswith("Stage "):
                stages.append((title, []))
            else:  # a turn within the stage: a heading at its moment, not a new stage
                stages[-1][1].append(Text(f"\n{title}", style="stage"))
        stages[-1][1].append(step_view(at, events, extra))
    stages[-1][1].extend(collapsed(quiet, partition=partition, first_epoch=epoch))
    if busy:
        stages[-1][1].append(overflow(busy))
    return stages


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


def _spaced(items: list[RenderableType]) -> list[RenderableType]:
    """A blank line between the moments of a stage, as between stages."""
    out: list[RenderableType] = []
    for item in items:
        if out:
            out.append(Text(""))
        out.append(item)
    return out


def _turns(views: list[RenderableType]) -> list[Text]:
    """The headings of turns within a stage (--brief lists them under the stage's own)."""
    return [
        Text(v.plain.strip(), style="stage")
        for v in views
        if isinstance(v, Text) and v.plain.startswith("\n…")
    ]
