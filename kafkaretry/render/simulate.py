"""`kafkaretry simulate`: the whole story as a list of stages (printed at once, or one by one)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from itertools import groupby

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from kafkaretry.partitioning.keys import display_key
from kafkaretry.partitioning.placement import KeyPlacement
from kafkaretry.render.chapters import RULES, ChapterTracker, Context
from kafkaretry.render.cluster import cluster_tree
from kafkaretry.render.failure_chapters import FAILURE_RULES
from kafkaretry.render.findings import finding_lines
from kafkaretry.render.myths import corrections_table
from kafkaretry.render.overview import overview_tree
from kafkaretry.render.partition import partition_tree, stage_table
from kafkaretry.render.retries import is_refused_retry, refused_summary
from kafkaretry.render.step import step_view
from kafkaretry.render.timeline import summary_table, timeline_table
from kafkaretry.report import summarize
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
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


def _settings(names: Mapping[str, object], shown: tuple[str, ...]) -> str:
    return "  ".join(f"{n}={str(names[n]).lower()}" for n in shown)


def _header(trace: Trace, description: str, *, failure: bool) -> Group:
    producer = _settings(trace.settings.kafka_names(), SHOWN_SETTINGS)
    lines: list[RenderableType] = [
        Rule(Text(f"kafkaretry simulate {trace.scenario}", style="stage")),
        Text(description),
        Text(f"producer: {producer}  (seed {trace.seed})", style="muted"),
    ]
    if failure:  # the timings of the failure story come from these
        cluster = _settings(trace.cluster.kafka_names(), SHOWN_CLUSTER_SETTINGS)
        lines.append(Text(f"cluster: {cluster}", style="muted"))
    return Group(*lines)


def _record_stage(placement: KeyPlacement | None) -> RenderableType:
    title = Text("1. The record and its partition", style="stage")
    if placement is None:
        return Group(title, Text("no key: the built-in sticky partitioner picks the partition"))
    intro = Text(
        f"key {placement.shown_key} ({placement.key_type}) → topic {placement.topic}, "
        f"{placement.partitions} partitions. The partition is fixed here, once, in send().",
    )
    return Group(title, intro, stage_table(placement), partition_tree(placement))


def _keys(trace: Trace, key_type: str) -> dict[int, str]:
    return {
        i: "none" if r.key is None else display_key(r.key, key_type)
        for i, r in enumerate(trace.records)
    }


def story_stages(
    trace: Trace, *, description: str, placement: KeyPlacement | None, key_type: str
) -> list[RenderableType]:
    """Header, the record, the run millisecond by millisecond, final logs, summary, timeline."""
    failure = _has_failure(trace)  # a node crashed: the control plane's story applies
    stages: list[RenderableType] = [
        _header(trace, description, failure=failure),
        _record_stage(placement),
    ]
    topic = trace.records[0].topic if trace.records else ""
    keys = _keys(trace, key_type)
    stages.append(Text("2. What happens, millisecond by millisecond", style="stage"))
    stages.extend(_moments(trace, topic, keys, failure=failure))
    final = cluster_tree(
        trace.final, topic=topic, keys=keys, title=f"3. The final logs at {trace.final.at_ms} ms"
    )
    stages.append(final)
    summary = summarize(trace, key_type)
    deduplicated = any(a.outcome == "deduplicated" for a in summary.attempts)
    verdict = [
        _verdict(summary.copies, summary.idempotence and deduplicated),
        *finding_lines(trace),
    ]
    stages.append(Group(summary_table(summary), *verdict))
    stages.append(timeline_table(trace))
    if _has_node_failure(trace):
        stages.append(corrections_table())
    return stages


def _moments(
    trace: Trace, topic: str, keys: dict[int, str], *, failure: bool
) -> list[RenderableType]:
    """One view per simulated millisecond, with a heading where the story turns."""
    partition = trace.partition_of(0) or 0
    first = trace.of_type(ev.MetadataReceived)
    seen = [(lead, e) for p, lead, e in first[0][1].leaders if p == partition] if first else []
    leader, epoch = seen[0] if seen else (-1, 0)
    rules = (*RULES, *FAILURE_RULES)
    tracker = ChapterTracker(Context(topic, partition, epoch, leader=leader), rules)
    shown: ClusterSnapshot | None = None  # the last overview: "changed" is relative to it
    before: ClusterSnapshot | None = None  # the cluster just before this moment
    out: list[RenderableType] = []
    quiet: list[tuple[int, list[ev.TraceEvent]]] = []
    quiet_kind: str | None = None
    for at, steps in groupby(trace.steps, key=lambda s: s.at_ms):
        group = list(steps)
        events = [e for s in group for e in s.events]
        opened, show_cluster = tracker.chapters(events)
        extra: RenderableType | None = None
        snapshot = group[-1].snapshot
        if any(isinstance(e, ev.ResponseDropped) for e in events) and snapshot:
            extra = cluster_tree(
                snapshot, topic=topic, keys=keys, title="the logs when the ACK is lost"
            )
        elif failure and snapshot and show_cluster:
            extra = overview_tree(snapshot, shown or before, topic=topic, partition=partition)
            shown = snapshot
        before = snapshot or before
        kind = _routine_kind(events) if not opened and extra is None else None
        if kind is None or kind != quiet_kind:
            out.extend(_collapsed(quiet, quiet_kind))
            quiet, quiet_kind = [], kind
        if kind is None:
            out.extend(Text(f"\n{title}", style="stage") for title in opened)
            out.append(step_view(at, events, extra))
        else:
            quiet.append((at, events))
    out.extend(_collapsed(quiet, quiet_kind))
    return out


def _routine_kind(events: list[ev.TraceEvent]) -> str | None:
    if all(isinstance(e, ROUTINE) for e in events):
        return "waiting"
    return "refused" if is_refused_retry(events) else None


# Moments made only of these are the producer waiting out a failure: reconnects refused,
# metadata refreshes that bring no newer leader epoch. Long runs of them are summarised.
ROUTINE = (
    ev.ConnectionClosed,
    ev.MetadataUpdateRequested,
    ev.MetadataRequestSent,
    ev.MetadataReceived,
)
ROUTINE_LABELS = {
    ev.ConnectionClosed: "connections closed or refused",
    ev.MetadataUpdateRequested: "metadata marked stale",
    ev.MetadataRequestSent: "MetadataRequests to a broker",
    ev.MetadataReceived: "answers with no newer leader epoch",
}
SHOWN_ROUTINE = 4  # moments shown before the rest of a quiet stretch is summarised


def _collapsed(
    quiet: list[tuple[int, list[ev.TraceEvent]]], kind: str | None
) -> list[RenderableType]:
    if len(quiet) <= SHOWN_ROUTINE + 1:
        return [step_view(at, events) for at, events in quiet]
    shown = [step_view(at, events) for at, events in quiet[:SHOWN_ROUTINE]]
    rest = quiet[SHOWN_ROUTINE:]
    if kind == "refused":
        return [*shown, refused_summary(rest)]
    counts = Counter(type(e) for _, events in rest for e in events)
    parts = ", ".join(
        f"{counts[kind]} {label}" for kind, label in ROUTINE_LABELS.items() if counts[kind]
    )
    summary = Text(
        f"… and {len(rest)} more moments like these from {rest[0][0]} to {rest[-1][0]} ms "
        f"({parts}): the producer backs off (reconnect.backoff.ms, retry.backoff.ms, "
        "both growing to their .max.ms) while every broker still names the old leader …",
        style="muted",
    )
    return [*shown, summary]


def _verdict(copies: int, deduplicated: bool) -> Text:
    if copies == 1 and deduplicated:
        return Text(
            "One copy: the broker recognised the retry by producer id + sequence number "
            "and answered with the original offset.",
            style="ack",
        )
    if copies > 1:
        return Text(
            f"{copies} copies: without idempotence the broker cannot tell a retry from a "
            "new record, so the retry is appended again.",
            style="failure",
        )
    return Text(f"{copies} cop{'y' if copies == 1 else 'ies'} of the record in the log.")


def _has_node_failure(trace: Trace) -> bool:
    """A node crashed or was cut off in this run: the myths about failover apply."""
    return any(
        isinstance(e, k.BrokerCrashed | k.BrokerIsolated | k.ControllerCrashed)
        for _, e in trace.timed_events()
    )


def _has_failure(trace: Trace) -> bool:
    """A node failed or a replica fell behind: the cluster's timings and pictures matter."""
    return _has_node_failure(trace) or any(
        isinstance(e, ev.ReplicaFetchesDelayed) for _, e in trace.timed_events()
    )
