"""`kafkaretry simulate`: the whole story as a list of stages (printed at once, or one by one)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from kafkaretry.partitioning.keys import display_key
from kafkaretry.partitioning.placement import KeyPlacement
from kafkaretry.render.cluster import cluster_tree
from kafkaretry.render.moments import story_moments
from kafkaretry.render.myths import corrections_table
from kafkaretry.render.partition import partition_tree, stage_table
from kafkaretry.render.summary import summary_table
from kafkaretry.render.timeline import timeline_table
from kafkaretry.render.verdict import verdict
from kafkaretry.sim.analysis import analyse
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
    moments = story_moments(trace, topic, keys, analysis, failure=failure, pictures=not brief)
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
        raft_timeouts_changed=_raft_timeouts_changed(trace),
    )
    if corrections is not None:
        stages.append(corrections)
    return stages


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


def _raft_timeouts_changed(trace: Trace) -> tuple[tuple[str, int, int], ...]:
    """The Raft timeouts this run sets away from Kafka's defaults (QuorumConfig's
    DEFAULT_QUORUM_FETCH_TIMEOUT_MS, DEFAULT_QUORUM_ELECTION_TIMEOUT_MS): an unset
    ClusterSettings holds those defaults."""
    used, kafka = trace.cluster, type(trace.cluster)()
    pairs = (
        (
            "controller.quorum.fetch.timeout.ms",
            used.quorum_fetch_timeout_ms,
            kafka.quorum_fetch_timeout_ms,
        ),
        (
            "controller.quorum.election.timeout.ms",
            used.quorum_election_timeout_ms,
            kafka.quorum_election_timeout_ms,
        ),
    )
    return tuple(p for p in pairs if p[1] != p[2])
