"""`kafkaretry simulate`: the whole story as a list of stages (printed at once, or one by one)."""

from __future__ import annotations

from itertools import groupby

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from kafkaretry.partitioning.keys import display_key
from kafkaretry.partitioning.placement import KeyPlacement
from kafkaretry.render.cluster import cluster_tree
from kafkaretry.render.partition import partition_tree, stage_table
from kafkaretry.render.step import step_view
from kafkaretry.render.timeline import summary_table, timeline_table
from kafkaretry.report import summarize
from kafkaretry.sim import events as ev
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


def _header(trace: Trace, description: str) -> Group:
    names = trace.settings.kafka_names()
    shown = "  ".join(f"{n}={str(names[n]).lower()}" for n in SHOWN_SETTINGS)
    return Group(
        Rule(Text(f"kafkaretry simulate {trace.scenario}", style="stage")),
        Text(description),
        Text(f"producer: {shown}  (seed {trace.seed})", style="muted"),
    )


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
    """Header, the record, one stage per simulated millisecond, final log, summary, timeline."""
    stages: list[RenderableType] = [_header(trace, description), _record_stage(placement)]
    topic = trace.records[0].topic if trace.records else ""
    keys = _keys(trace, key_type)
    stages.append(Text("2. What happens, millisecond by millisecond", style="stage"))
    for at, steps in groupby(trace.steps, key=lambda s: s.at_ms):
        group = list(steps)
        events = [e for s in group for e in s.events]
        extra = None
        if any(isinstance(e, ev.ResponseDropped) for e in events) and group[-1].snapshot:
            extra = cluster_tree(
                group[-1].snapshot, topic=topic, keys=keys, title="the logs when the ACK is lost"
            )
        stages.append(step_view(at, events, extra))
    final = cluster_tree(
        trace.final, topic=topic, keys=keys, title=f"3. The final logs at {trace.final.at_ms} ms"
    )
    stages.append(final)
    summary = summarize(trace, key_type)
    stages.append(Group(summary_table(summary), _verdict(summary.copies, summary.idempotence)))
    stages.append(timeline_table(trace))
    return stages


def _verdict(copies: int, idempotence: bool) -> Text:
    if copies == 1 and idempotence:
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
