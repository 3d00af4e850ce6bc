"""Chapter rules of acknowledged data that disappears: an acks=1 answer for a record no
follower has, and the returning leader's truncation that removes it.

They join chapters.RULES (same table, same rule shape) and claim only what the run's
analysis shows: who had copied the offset when the answer arrived (`copied_at_ack`), and
which truncation took it away (`truncated`: leader epochs, KIP-101, carried by the Fetch
answer's divergingEpoch since KIP-320).
"""

from __future__ import annotations

from kafkaretry.render.chapter_rule import ChapterRule, Context
from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import RecordOutcome


def acked_uncopied(e: ev.RecordAcknowledged, c: Context) -> bool:
    """This acknowledgement is of an offset no follower had, and the record is lost."""
    r = _record(e.record, c)
    return r is not None and r.lost and r.acked_by == e.broker and not r.copied_at_ack


def _record(index: int, c: Context) -> RecordOutcome | None:
    records = c.analysis.records
    return records[index] if 0 <= index < len(records) else None


def _acked_uncopied(e: ev.RecordAcknowledged, c: Context) -> str:
    title = f"Broker {e.broker} acknowledges record {e.record} (offset {e.offset}), which no "
    title += "follower has copied"
    if c.analysis.acks == 1:
        title += ": with acks=1 the leader answers after its own append"
    r = _record(e.record, c)
    return title + (answer_in_flight(e, c) if r is not None else "")


def answer_in_flight(e: ev.RecordAcknowledged, c: Context) -> str:
    """The clause for an answer that arrives after its broker died, else ''."""
    r = _record(e.record, c)
    died = dead_at(e.broker, r.ack_at_ms, c) if r is not None and r.ack_at_ms is not None else None
    if died is None:
        return ""
    return (
        f". Broker {e.broker} died at {died} ms, but the answer was already on "
        "the wire: TCP delivers it before the reset"
    )


def dead_at(broker: int, at_ms: int, c: Context) -> int | None:
    """When `broker` crashed, if it was down at `at_ms` (an answer from it left before).

    A crash in the same millisecond may come after the answer: only an earlier one counts.
    """
    cluster = c.analysis.cluster
    crashed = max(
        (at for at, b in cluster.broker_crashes if b == broker and at < at_ms), default=-1
    )
    if crashed < 0 or any(
        b == broker and crashed < at <= at_ms for at, b in cluster.broker_restarts
    ):
        return None
    return crashed


def _lost_by(e: ev.ReplicaTruncated, c: Context) -> list[int]:
    return [
        r.index
        for r in c.analysis.records
        if r.lost
        and any(
            (t.broker, t.truncated_to, t.log_end_offset)
            == (e.broker, e.truncated_to, e.log_end_offset)
            for t in r.truncated
        )
    ]


def _truncated(e: ev.ReplicaTruncated, c: Context) -> str:
    back = any(b == e.broker for _, b in c.analysis.cluster.broker_restarts)
    who = (
        f"Broker {e.broker}, back as a follower of broker {e.leader},"
        if back
        else (f"Broker {e.broker}, a follower of broker {e.leader},")
    )
    title = (
        f"{who} truncates its log from offset {e.log_end_offset} to {e.truncated_to}, where "
        "its last leader epoch ends in the leader's log (the Fetch answer's divergingEpoch)"
    )
    lost = _lost_by(e, c)
    if lost:
        ids = ", ".join(map(str, lost))
        title += (
            f": acknowledged record {ids} is gone"
            if len(lost) == 1
            else f": acknowledged records {ids} are gone"
        )
    return title


LOSS_RULES: tuple[ChapterRule, ...] = (
    ChapterRule(ev.RecordAcknowledged, _acked_uncopied, when=acked_uncopied, show_cluster=False),
    ChapterRule(ev.ReplicaTruncated, _truncated),
)
