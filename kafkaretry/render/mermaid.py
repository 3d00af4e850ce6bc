"""A run as a Mermaid `sequenceDiagram`: producer, brokers and controllers, the requests and
responses, lost messages, crashes and elections (GitHub and most wikis draw it).

Plain text, no Rich. Only the story is drawn: repeated metadata refreshes that bring no
new leader, heartbeats and follower fetches would drown it, so a refresh is drawn when it
names a different leader than the previous one. A new partition leader is drawn when that
broker applies the controller's PartitionChangeRecord (it leads from then on, not from the
controller's decision); a partition left without a leader is drawn at the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kafkaretry.sim import events as ev
from kafkaretry.sim.events import TraceEvent
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.trace import Trace

# Mermaid ends a statement at ";" and reads "#…;" as an entity: keep both out of labels.
_UNSAFE = str.maketrans({";": ",", "#": "no. "})


def _broker(broker: int) -> str:
    return f"B{broker}"


def _controller(controller: int) -> str:
    return f"C{controller}"


# One case per event kind drawn, as in describe.py: a table would only move the branches.
@dataclass(slots=True)
class _Drawn:
    leaders: dict[int, int] = field(default_factory=dict)  # partition -> leader last drawn
    # new leader -> (metadata offset, partition, old leader, epoch, unclean) not yet applied
    elected: dict[int, list[tuple[int, int, int, int, bool]]] = field(default_factory=dict)


def _applied(at: int, broker: int, offset: int, drawn: _Drawn) -> list[str]:
    waiting = drawn.elected.get(broker, [])
    done = [w for w in waiting if w[0] <= offset]
    drawn.elected[broker] = [w for w in waiting if w[0] > offset]
    return [
        f"Note over {_broker(broker)}: t={at}ms applies the PartitionChangeRecord: leads "
        f"partition {p} (leader epoch {epoch}, was broker {old})"
        + (", an UNCLEAN election: it was not in the ISR" if unclean else "")
        for _, p, old, epoch, unclean in done
    ]


def _lines(at: int, e: TraceEvent, drawn: _Drawn) -> list[str]:  # noqa: PLR0911, PLR0912
    t = f"t={at}ms"
    seen = drawn.leaders
    match e:
        case ev.ProduceRequestSent(batch=b, broker=br, attempt=a, partition=p):
            return [f"P->>{_broker(br)}: {t} Produce batch {b} attempt {a} (partition {p})"]
        case ev.RequestDropped(broker=br, attempt=a):
            return [f"P--x{_broker(br)}: {t} request of attempt {a} LOST"]
        case ev.RecordAppended(broker=br, base_offset=o, last_offset=last, attempt=a):
            return [f"Note over {_broker(br)}: {t} appends attempt {a} at offsets {o}-{last}"]
        case ev.DuplicateDetected(broker=br, original_offset=o):
            return [f"Note over {_broker(br)}: {t} duplicate: not written again (offset {o})"]
        case ev.ResponseDropped(broker=br, attempt=a):
            return [f"{_broker(br)}--xP: {t} ProduceResponse of attempt {a} LOST (ACK lost)"]
        case ev.ProduceResponseReceived(broker=br, attempt=a, error=err, base_offset=o):
            return [f"{_broker(br)}-->>P: {t} ProduceResponse attempt {a}: {err}, offset {o}"]
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
            if all(seen.get(p) == lead for p, lead in new.items()):
                return []
            seen.update(new)
            shown = ", ".join(f"p{p}→B{lead}" for p, lead in sorted(new.items()))
            return [f"{_broker(br)}-->>P: {t} Metadata: {shown}"]
        case k.BrokerCrashed(broker=br):
            return [f"Note over {_broker(br)}: {t} CRASH: broker {br} dies"]
        case k.ControllerCrashed(controller=c):
            return [f"Note over {_controller(c)}: {t} CRASH: controller {c} dies"]
        case k.ControllerElected(new_active=c, epoch=epoch):
            return [f"Note over {_controller(c)}: {t} elected active controller (epoch {epoch})"]
        case k.BrokerFenced(broker=br):
            return [f"Note over {_broker(br)}: {t} fenced by the active controller"]
        case k.PartitionLeaderElected(
            partition=p,
            old_leader=old,
            new_leader=new,
            leader_epoch=epoch,
            offset=offset,
            unclean=unclean,
        ):
            if new >= 0:
                drawn.elected.setdefault(new, []).append((offset, p, old, epoch, unclean))
                return []
            where = _broker(old) if old >= 0 else "P"  # PartitionRegistration.NO_LEADER
            was = f" (was broker {old})" if old >= 0 else ""
            return [
                f"Note over {where}: {t} the controller leaves partition {p} with no leader{was}"
            ]
        case k.BrokerMetadataApplied(broker=br, offset=offset):
            return _applied(at, br, offset, drawn)
        case _:
            return []


def mermaid(trace: Trace) -> str:
    """The `sequenceDiagram` text, one statement per line, ending with a newline."""
    brokers = [b.id for b in trace.final.brokers]
    control = trace.final.control
    controllers = [c.id for c in control.controllers] if control is not None else []
    out = ["sequenceDiagram", "    participant P as Producer"]
    out += [f"    participant C{c} as Controller {c}" for c in controllers]
    out += [f"    participant B{b} as Broker {b}" for b in brokers]
    drawn = _Drawn()
    for at, event in trace.timed_events():
        out += [f"    {line.translate(_UNSAFE)}" for line in _lines(at, event, drawn)]
    return "\n".join(out) + "\n"
