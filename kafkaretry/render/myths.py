"""The closing panel of the failure stories: the popular explanation vs. Kafka (KAFKA.md §7)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich import box
from rich.table import Table
from rich.text import Text

from kafkaretry.sim.analysis import RunAnalysis

# (what people say, what Kafka does); each row is a rule the simulation just showed.
CORRECTIONS: tuple[tuple[str, str], ...] = (
    (
        "A retried record may go to another, healthy partition.",
        "The batch is bound to its partition before it is sent; a retry re-enqueues the same "
        "batch on the same partition. Only the broker it is sent to changes.",
    ),
    (
        "The producer gets the new metadata from the (new) controller.",
        "Clients never talk to controllers. The producer asks a broker (the least loaded one), "
        "which answers from its own metadata cache, replicated from the controllers' log.",
    ),
    (
        "When a broker dies, the controller fails over or elects a leader at once.",
        "The active controller waits for the broker's heartbeat session to expire "
        "(broker.session.timeout.ms = {session} ms; it checks every {session} / 8 = {check} ms, "
        "KAFKA-17793) before fencing "
        "it and electing the first in-sync replica in assignment order that is still "
        "registered and unfenced. No Raft election is involved.",
    ),
    (
        "A new active controller continues the old broker sessions.",
        "On activation it gives every broker a fresh session, so a broker that died together "
        "with the controller is fenced one session timeout after the failover.",
    ),
    (
        "A controller failover stops the cluster.",
        "Produce and fetch continue on the live leaders, and metadata changes wait for the "
        "Raft election ({how_long}: the {fetch} ms fetch timeout, then "
        "pre-vote and vote, longer after a split vote). But with acks=all, every partition "
        "whose ISR still lists a dead broker stalls: its high watermark cannot pass the dead "
        "replica until the active controller fences it, a session timeout after its last "
        "heartbeat or after the failover.",
    ),
    (
        "Restarting a broker makes clients wait until the cluster notices it is gone.",
        "A graceful stop (SIGTERM) is a controlled shutdown: the broker asks to leave and the "
        "active controller moves its leaderships at once ({moved} ms here; a crash waits "
        "broker.session.timeout.ms = {session} ms). The broker exits only once it leads "
        "nothing and every broker knows the new leaders.",
    ),
)


# When a run shows each correction: the facts its row relies on happened in it.
SHOWN_BY: tuple[Callable[[RunAnalysis], bool], ...] = (
    lambda a: bool(a.cluster.broker_crashes) and any(len(r.attempts) > 1 for r in a.records),
    lambda a: bool(a.cluster.broker_crashes or a.cluster.controller_crashes),
    lambda a: len(a.cluster.fenced) > len(a.cluster.fenced_in_shutdown),
    lambda a: bool(a.cluster.controller_elections),
    lambda a: any(active for _, _, active in a.cluster.controller_crashes),
    lambda a: any(g.moved_at_ms is not None for g in a.cluster.graceful_stops),
)


def corrections_table(
    analysis: RunAnalysis,
    *,
    session_timeout_ms: int,
    fetch_timeout_ms: int,
    raft_timeouts_changed: Sequence[tuple[str, int, int]] = (),
) -> Table | None:
    """The rows this run demonstrated (None when it showed none of them), with the run's own
    settings in them. `raft_timeouts_changed`: (config name, this run's value, Kafka's
    default) of each controller.quorum.*.timeout.ms that differs from Kafka's default."""
    rows = [row for row, shown in zip(CORRECTIONS, SHOWN_BY, strict=True) if shown(analysis)]
    if not rows:
        return None
    table = Table(
        title="What the popular explanation gets wrong",
        box=box.ROUNDED,
        show_lines=True,
        expand=True,
    )
    table.add_column("the popular explanation", style="warning", ratio=2)
    table.add_column("what Kafka does", ratio=3)
    numbers = {
        "session": session_timeout_ms,  # broker.session.timeout.ms
        "check": _ms(session_timeout_ms / 8),
        "fetch": fetch_timeout_ms,  # controller.quorum.fetch.timeout.ms
        "how_long": _how_long(raft_timeouts_changed),
        "moved": next(
            (
                g.moved_at_ms - g.asked_at_ms
                for g in analysis.cluster.graceful_stops
                if g.moved_at_ms is not None
            ),
            0,
        ),
    }
    for claim, fact in rows:
        table.add_row(Text(claim), Text(fact.format(**numbers)))
    return table


def _how_long(changed_timeouts: Sequence[tuple[str, int, int]]) -> str:
    """ "Default timeouts" only where the Raft timeouts are Kafka's defaults in this run."""
    changed = [
        f"{name}={value} instead of Kafka's default {default}"
        for name, value, default in changed_timeouts
    ]
    if not changed:
        return "a few seconds with default timeouts"
    return "with " + " and ".join(changed)


def _ms(value: float) -> str:
    """Milliseconds as Kafka's periodic check computes them, without a trailing .0."""
    return f"{value:g}"
