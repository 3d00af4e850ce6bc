"""A run as a Mermaid `sequenceDiagram`: producer, brokers and controllers, the requests and
responses, lost messages, crashes, stops, restarts and the controllers' decisions (GitHub and
most wikis draw it).

Plain text, no Rich. Only the story is drawn: repeated metadata refreshes that bring no
new leader, heartbeats and follower fetches would drown it, so a refresh is drawn when it
names a different leader than the previous one, and of a stopping broker's heartbeats only
wantShutDown, the first shouldShutDown=false and the final shouldShutDown=true. The active
controller draws what it decides and writes to the metadata log: fencing and unfencing, a
controlled shutdown, each leader move and ISR change. A new partition leader is drawn twice:
at the controller's decision, and when that broker applies the PartitionChangeRecord (it
leads from then on, not from the decision); a partition left without a leader is drawn at
the decision. A returning replica's truncation (ReplicaTruncated) is drawn on that broker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kafkaretry.render.mermaid_cluster import Drawn, actor, cluster_lines
from kafkaretry.sim import events as ev
from kafkaretry.sim.events import TraceEvent
from kafkaretry.sim.trace import Trace

# Mermaid ends a statement at ";" and reads "#…;" as an entity: keep both out of labels.
_UNSAFE = str.maketrans({";": ",", "#": "no. "})

__all__ = ["mermaid"]


@dataclass(slots=True)
class _Seen:
    leaders: dict[int, int] = field(default_factory=dict)  # partition -> leader last drawn


# One case per event kind drawn, as in describe.py: a table would only move the branches.
def _producer_lines(at: int, e: TraceEvent, seen: _Seen) -> list[str] | None:  # noqa: PLR0911, PLR0912
    """The producer's side of the story; None for an event it does not draw."""
    t = f"t={at}ms"
    match e:
        case ev.ProduceRequestSent(batch=b, broker=br, attempt=a, partition=p):
            return [f"P->>{actor(br)}: {t} Produce batch {b} attempt {a} (partition {p})"]
        case ev.RequestDropped(broker=br, attempt=a):
            return [f"P--x{actor(br)}: {t} request of attempt {a} LOST"]
        case ev.RecordAppended(broker=br, base_offset=o, last_offset=last, attempt=a):
            return [f"Note over {actor(br)}: {t} appends attempt {a} at offsets {o}-{last}"]
        case ev.DuplicateDetected(broker=br, original_offset=o):
            return [f"Note over {actor(br)}: {t} duplicate: not written again (offset {o})"]
        case ev.ResponseDropped(broker=br, attempt=a):
            return [f"{actor(br)}--xP: {t} ProduceResponse of attempt {a} LOST (ACK lost)"]
        case ev.ProduceResponseReceived(broker=br, attempt=a, error=err, base_offset=o):
            return [f"{actor(br)}-->>P: {t} ProduceResponse attempt {a}: {err}, offset {o}"]
        case ev.ProduceRequestTimedOut(attempt=a, timeout_ms=ms):
            return [f"Note over P: {t} attempt {a} timed out (request.timeout.ms={ms})"]
        case ev.RetryScheduled(next_attempt=n, partition=p, error=err):
            return [f"Note over P: {t} retry: attempt {n} to the same partition {p} ({err})"]
        case ev.RecordAcknowledged(record=r, offset=o, broker=br):
            return [f"Note over P: {t} record {r} acknowledged by broker {br}, offset {o}"]
        case ev.RecordExpired(record=r) | ev.RecordFailed(record=r):
            return [f"Note over P: {t} record {r} FAILED"]
        case ev.MetadataReceived(broker=br, leaders=leaders):
            new = {p: lead for p, lead, _ in leaders}
            if all(seen.leaders.get(p) == lead for p, lead in new.items()):
                return []
            seen.leaders.update(new)
            shown = ", ".join(
                f"p{p}→B{lead}" if lead >= 0 else f"p{p}→no leader"
                for p, lead in sorted(new.items())
            )
            return [f"{actor(br)}-->>P: {t} Metadata: {shown}"]
        case _:
            return None


def mermaid(trace: Trace) -> str:
    """The `sequenceDiagram` text, one statement per line, ending with a newline."""
    brokers = [b.id for b in trace.final.brokers]
    control = trace.final.control
    controllers = [c.id for c in control.controllers] if control is not None else []
    out = ["sequenceDiagram", "    participant P as Producer"]
    out += [f"    participant C{c} as Controller {c}" for c in controllers]
    out += [f"    participant B{b} as Broker {b}" for b in brokers]
    seen = _Seen()
    # ControlPlane.start: the first controller listed leads epoch 1.
    drawn = Drawn(active=controllers[0] if controllers else None)
    for at, event in trace.timed_events():
        lines = _producer_lines(at, event, seen)
        if lines is None:
            lines = cluster_lines(at, event, drawn)
        out += [f"    {line.translate(_UNSAFE)}" for line in lines]
    return "\n".join(out) + "\n"
