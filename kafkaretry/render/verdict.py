"""The closing verdict of a simulated run: one sentence per kind of outcome the analysis found.

Every sentence is built from `RunAnalysis` facts (kafkaretry.sim.analysis), so it can only
claim what the run showed: no deduplication without a deduplicated attempt, no
acknowledgement with acks=0, no retry without a second attempt.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text

from kafkaretry.sim.analysis import RUN_PRECEDENCE, RecordOutcome, RunAnalysis, VerdictKind

_STYLE: dict[VerdictKind, str] = {
    "acked-then-lost": "failure",
    "duplicated": "failure",
    "failed-but-stored": "failure",
    "no-quorum": "failure",
    "expired": "failure",
    "failed": "failure",
    "no-leader": "warning",
    "sent-without-ack": "warning",
    "pending": "warning",
    "not-sent": "warning",
    "deduplicated-retry": "ack",
    "retried-single-append": "ack",
    "no-retry": "ack",
}

SENTENCES_PER_KIND = 3  # distinct sentences of one kind before the rest are only counted

_IDEMPOTENCE_OFF = {
    "explicit": "enable.idempotence=false was set",
    "acks": "acks={acks} turned idempotence off silently, as enable.idempotence was not set",
    "retries": "retries=0 turned idempotence off silently, as enable.idempotence was not set",
}


def verdict(analysis: RunAnalysis) -> Group:
    """One line per kind of outcome, most surprising first; a reordering line if any."""
    lines: list[Text] = []
    several = len(analysis.records) > 1
    for kind in RUN_PRECEDENCE:
        of_kind = [r for r in analysis.records if r.kind == kind]
        if not of_kind:
            continue
        if not several:
            lines.append(Text(sentence(kind, of_kind[0], analysis), style=_STYLE[kind]))
            continue
        # Records share a line only where the sentence is word for word theirs too: a
        # sentence names offsets and brokers, which differ from record to record.
        said: dict[str, list[RecordOutcome]] = {}
        for r in of_kind:
            said.setdefault(sentence(kind, r, analysis), []).append(r)
        shown = list(said.items())[:SENTENCES_PER_KIND]
        for text, records in shown:
            lines.append(Text(f"{_which(records, len(analysis.records))}: {text}", _STYLE[kind]))
        rest = [r.index for _, records in list(said.items())[SENTENCES_PER_KIND:] for r in records]
        if rest:
            lines.append(
                Text(
                    f"Record{_plural(rest)} {_list(rest)}: the same kind of outcome, each with "
                    "its own offsets (the summary table and --json `records` list them).",
                    _STYLE[kind],
                )
            )
    reordered = [r.index for r in analysis.records if r.reordered]
    if reordered:
        lines.append(
            Text(
                f"Out of order: record{_plural(reordered)} {_list(reordered)} reached the log "
                "before an earlier send() with the same key, so a consumer reads them in a "
                "different order than they were sent.",
                style="failure",
            )
        )
    return Group(*lines)


def sentence(  # noqa: PLR0911, PLR0912 - one case per kind
    kind: VerdictKind, r: RecordOutcome, a: RunAnalysis
) -> str:
    """The verdict for one record of this kind (the first of its kind stands for the rest)."""
    n = len(r.attempts)
    match kind:
        case "deduplicated-retry":
            dedup = next(x for x in r.attempts if x.outcome == "deduplicated")
            return (
                f"One copy: attempt #{dedup.attempt} reached broker {dedup.broker}, which "
                "recognised the retry by producer id + sequence number and answered with the "
                f"original offset {r.ack_offset}."
            )
        case "no-retry":
            return (
                "One copy: the first attempt was acknowledged, so nothing was retried and "
                "there was nothing to deduplicate."
            )
        case "retried-single-append":
            appended = [
                f"#{x.attempt} on broker {x.broker}"
                for x in r.attempts
                if x.appended_offset is not None
            ]
            return (
                f"One copy: of {n} attempts, {_count(len(appended), 'was', 'were')} appended "
                f"({', '.join(appended) or 'none seen'}); the final leader's log (broker "
                f"{r.final_leader}) holds the record once, so nothing was written twice."
            )
        case "duplicated":
            why = _IDEMPOTENCE_OFF.get(a.idempotence_off or "", "").format(acks=a.acks)
            cause = (
                "without idempotence the broker cannot tell a retry from a new record, so the "
                f"retry was appended again ({why})."
                if why
                else "the final log holds it more than once."
            )
            return f"{len(r.copies)} copies (offsets {_list(r.copies)}): {cause}"
        case "acked-then-lost":
            if any(
                ch.unclean and (ch.topic, ch.partition) == (r.topic, r.partition)
                for ch in a.cluster.leader_changes
            ):
                return (
                    f"Acknowledged, then lost: broker {r.acked_by} acknowledged offset "
                    f"{r.ack_offset}, but an unclean leader election "
                    "(unclean.leader.election.enable) gave the partition to broker "
                    f"{r.final_leader}, which had not copied it: its log does not hold the record."
                )
            return _acked_then_lost(r, a)
        case "failed-but-stored":
            read = (
                "a consumer will read a record its producer reported as failed"
                if r.committed
                else "it is not committed (the high watermark has not passed it), so no "
                "consumer reads it until the high watermark passes it"
            )
            return (
                f"Failed but stored: {_failure(r, a)}, yet the final log holds the record "
                f"(offset {_list(r.copies)}); {read}."
            )
        case "expired" | "failed":
            if r.partition is None:  # KafkaProducer.waitOnMetadata gave up (max.block.ms)
                return (
                    "Failed before it was sent: send() waited max.block.ms for the topic's "
                    f"metadata, then the callback got {r.error} at {r.resolved_at_ms} ms; no "
                    "partition was chosen and nothing reached a broker."
                )
            if r.final_leader is None and r.partition is not None:
                return (
                    f"Failed: {_failure(r, a)}; partition {r.partition} has no leader at the end "
                    "of the run (offline), so there is no final log to hold it."
                )
            return f"Failed: {_failure(r, a)}; the final log does not hold the record."
        case "no-leader":
            return _no_leader(r, a)
        case "no-quorum":
            end = f"the callback gets {r.error}" if r.status == "failed" else "it is still pending"
            return (
                f"No quorum: from {a.cluster.no_quorum_at_ms} ms fewer than a majority of "
                "controllers were alive, so no new partition leader could be elected; "
                f"{end}."
            )
        case "sent-without-ack":
            stored = (
                f"in fact the final log holds it at offset {_list(r.copies)}"
                if r.copies
                else "in fact the final log does not hold it"
                if r.final_leader is not None
                else f"partition {r.partition} has no leader at the end of the run (offline)"
            )
            return (
                "Sent without acknowledgement: with acks=0 the send completes once the request "
                "is written (offset -1) and nobody learns whether a broker stored it; "
                f"{stored}."
            )
        case "pending":
            return (
                f"Pending: the run ended at {a.end_ms} ms before the record was acknowledged "
                "or failed."
            )
        case "not-sent":
            return "Not sent: the record never left the producer before the run ended."


def _no_leader(r: RecordOutcome, a: RunAnalysis) -> str:
    if r.held_by:
        held = ", ".join(f"{b} (down)" if b in _down_at_end(a) else str(b) for b in r.held_by)
        where = f"the record is in the log of broker{'s' if len(r.held_by) > 1 else ''} {held}"
    else:
        where = "no broker's log holds the record any more"
    return (
        f"Not readable: broker {r.acked_by} acknowledged offset {r.ack_offset}, but at the end "
        f"of the run partition {r.partition} has no leader (offline), so no consumer can read "
        f"it; {where}."
    )


def _down_at_end(a: RunAnalysis) -> set[int]:
    """Brokers whose last crash or graceful exit came after their last restart."""
    c = a.cluster
    ended = [(at, b) for at, b in c.broker_crashes]
    ended += [(g.exited_at_ms, g.broker) for g in c.graceful_stops if g.exited_at_ms is not None]
    last_end: dict[int, int] = {}
    for at, b in ended:
        last_end[b] = max(at, last_end.get(b, at))
    last_start: dict[int, int] = {}
    for at, b in c.broker_restarts:
        last_start[b] = max(at, last_start.get(b, at))
    return {b for b, at in last_end.items() if at >= last_start.get(b, -1)}


def _failure(r: RecordOutcome, a: RunAnalysis) -> str:
    n = len(r.attempts)
    tried = f"after {_count(n, 'attempt', 'attempts', verb=False)}"
    if r.expired:
        last = r.attempts[-1].outcome if r.attempts else "none sent"
        return (
            f"delivery.timeout.ms passed {tried} (the last: {last}) and the callback gets "
            "TimeoutException"
        )
    cause = error_cause(r.error, keyless=r.key is None)
    if n == 1 and a.retries == 0:
        return f"{cause}with retries=0 the callback gets {r.error} after the first attempt"
    return f"{cause}the callback gets {r.error} {tried}"


def error_cause(error: str | None, *, keyless: bool) -> str:
    """Why the broker answered `error`, where the error alone does not say ("" otherwise)."""
    if error == "INVALID_RECORD":
        # kafkaretry's brokers answer INVALID_RECORD for one reason only: LogValidator.validateKey
        # refuses a record without a key on a topic with cleanup.policy=compact.
        which = "the record has no key" if keyless else "its batch holds a record without a key"
        return (
            f"{which}, and a compacted topic (cleanup.policy=compact) refuses it "
            "(LogValidator.validateKey), not retriable: "
        )
    return ""


def _which(records: Sequence[RecordOutcome], total: int) -> str:
    if len(records) == total:
        return f"All {total} records"
    indices = [r.index for r in records]
    return f"Record{_plural(indices)} {_list(indices)}"


def _list(values: Sequence[int]) -> str:
    shown = ", ".join(map(str, values[:8]))
    return shown + (f" … ({len(values)} in all)" if len(values) > 8 else "")


def _plural(values: Sequence[int]) -> str:
    return "s" if len(values) > 1 else ""


def _count(n: int, one: str, many: str, *, verb: bool = True) -> str:
    if verb:
        return f"{n} {one}" if n == 1 else f"{n} {many}"
    return f"{n} {one if n == 1 else many}"


def _acked_then_lost(r: RecordOutcome, a: RunAnalysis) -> str:
    how = "after its own append (acks=1)" if a.acks == 1 else "it"
    copied = (
        "no follower had copied it"
        if not r.copied_at_ack
        else f"only {'broker' if len(r.copied_at_ack) == 1 else 'brokers'} "
        f"{_list(r.copied_at_ack)} had copied it"
    )
    text = (
        f"Acknowledged, then lost: broker {r.acked_by} acknowledged offset {r.ack_offset} "
        f"{how}, when {copied}; the log of the partition's final leader (broker "
        f"{r.final_leader}) does not hold the record"
    )
    for t in r.truncated:
        text += (
            f"; broker {t.broker} truncated it from its own log at {t.at_ms} ms (to offset "
            f"{t.truncated_to}, where its leader epoch ends on leader {t.leader}: divergingEpoch)"
        )
    if r.ack_offset_holds is not None:
        text += f"; offset {r.ack_offset} now holds record {r.ack_offset_holds}"
    return text + "."
