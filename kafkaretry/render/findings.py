"""What a run did to the application's records, in words: losses and reordering.

Each line states a finding of `kafkaretry.losses` or `kafkaretry.ordering` about this run,
with the settings that made it possible; a run without such findings prints nothing here.
"""

from __future__ import annotations

from rich.text import Text

from kafkaretry.losses import acknowledged_then_lost
from kafkaretry.ordering import out_of_send_order
from kafkaretry.sim.trace import Trace


def finding_lines(trace: Trace) -> list[Text]:
    return [*_losses(trace), *_order(trace)]


def _losses(trace: Trace) -> list[Text]:
    return [
        Text(
            f"Acknowledged, then lost: record {lost.record} (partition {lost.partition}, offset "
            f"{lost.offset}, acknowledged by broker {lost.acknowledged_by} at "
            f"{lost.acknowledged_at_ms} ms): broker {lost.leader_now} leads now and its log "
            "does not hold it.",
            style="failure",
        )
        for lost in acknowledged_then_lost(trace)
    ]


def _order(trace: Trace) -> list[Text]:
    settings = trace.settings
    why = (
        f"its batch was retried while later batches were in flight "
        f"(max.in.flight.requests.per.connection={settings.max_in_flight}) and, without "
        "idempotence, the leader appends whatever arrives"
        if not settings.idempotence
        else "it was appended after them"
    )
    return [
        Text(
            f"Out of send order: record {late.record} (partition {late.partition}, offset "
            f"{late.offset}) was sent before record(s) {', '.join(map(str, late.overtaken_by))} "
            f"but sits after them: {why}.",
            style="failure",
        )
        for late in out_of_send_order(trace)
    ]
