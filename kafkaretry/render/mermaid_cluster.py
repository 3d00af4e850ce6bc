"""The cluster's side of the Mermaid diagram (render/mermaid.py says what is drawn and why):
crashes, stops, restarts, isolation, truncation, and what the active controller decides."""

from __future__ import annotations

from dataclasses import dataclass, field

from kafkaretry.sim import events as ev
from kafkaretry.sim.events import TraceEvent
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as sd


@dataclass(slots=True)
class Drawn:
    """What the diagram has said so far, where the next line depends on it."""

    active: int | None  # the active controller, as the last ControllerElected says
    # new leader -> (metadata offset, partition, old leader, epoch, unclean) not yet applied
    elected: dict[int, list[tuple[int, int, int, int, bool]]] = field(default_factory=dict)
    stopping: dict[int, bool] = field(default_factory=dict)  # broker -> pending answer drawn
    preferred: tuple[tuple[str, int, int], ...] = ()  # the last electPreferred's choices


def actor(broker: int) -> str:
    """A broker's participant id in the diagram."""
    return f"B{broker}"


def _ids(brokers: tuple[int, ...]) -> str:
    return ", ".join(map(str, brokers))


def _applied(at: int, broker: int, offset: int, drawn: Drawn) -> list[str]:
    waiting = drawn.elected.get(broker, [])
    done = [w for w in waiting if w[0] <= offset]
    drawn.elected[broker] = [w for w in waiting if w[0] > offset]
    return [
        f"Note over {actor(broker)}: t={at}ms applies the PartitionChangeRecord: leads "
        f"partition {p} (leader epoch {epoch}, "
        + (f"was broker {old})" if old >= 0 else "it had no leader)")
        + (", an UNCLEAN election: it was not in the ISR" if unclean else "")
        for _, p, old, epoch, unclean in done
    ]


def _by_controller(drawn: Drawn, fallback: str, text: str) -> str:
    """A note over the active controller (over `fallback` when there is none)."""
    return f"Note over {fallback if drawn.active is None else f'C{drawn.active}'}: {text}"


def _heartbeat(drawn: Drawn, broker: int, text: str, *, answer: bool) -> str:
    """A heartbeat between a broker and the active controller (a note when there is none)."""
    if drawn.active is None:
        return f"Note over {actor(broker)}: {text}"
    c = f"C{drawn.active}"
    return f"{c}-->>{actor(broker)}: {text}" if answer else f"{actor(broker)}->>{c}: {text}"


def _leader_change(at: int, e: k.PartitionLeaderElected, drawn: Drawn) -> list[str]:
    t = f"t={at}ms"
    p, old, new = e.partition, e.old_leader, e.new_leader
    why = ""
    if old in drawn.stopping:
        why = f", controlled shutdown of broker {old}"
    elif (e.topic, p, new) in drawn.preferred:
        why = ", back to its preferred replica"
    elif e.unclean:
        why = f", UNCLEAN: broker {new} is not in the ISR"
    if new < 0:  # PartitionRegistration.NO_LEADER: no eligible replica is left
        was = f" (was broker {old}{why})" if old >= 0 else ""
        text = f"{t} leaves partition {p} with no leader{was}"
        return [_by_controller(drawn, actor(old) if old >= 0 else "P", text)]
    drawn.elected.setdefault(new, []).append((e.offset, p, old, e.leader_epoch, e.unclean))
    if old >= 0:
        text = f"{t} moves the leadership of partition {p} from broker {old} to broker {new}"
    else:
        text = f"{t} elects broker {new} leader of partition {p}, which had none"
    return [_by_controller(drawn, actor(new), f"{text} (leader epoch {e.leader_epoch}{why})")]


# One case per event kind drawn, as in describe.py: a table would only move the branches.
def _shutdown_lines(at: int, e: TraceEvent, drawn: Drawn) -> list[str] | None:  # noqa: PLR0911
    t = f"t={at}ms"
    match e:
        case sd.BrokerShutdownRequested(broker=b):
            drawn.stopping[b] = False
            return [
                f"Note over {actor(b)}: {t} SIGTERM: broker {b} begins a controlled shutdown",
                _heartbeat(drawn, b, f"{t} BrokerHeartbeat wantShutDown=true", answer=False),
            ]
        case sd.BrokerInControlledShutdown(broker=b, offset=o):
            text = f"{t} broker {b} is in CONTROLLED_SHUTDOWN (up to metadata offset {o})"
            return [_by_controller(drawn, actor(b), text)]
        case sd.ControlledShutdownPending(broker=b, offset=o, behind=behind, still_leads=leads):
            if drawn.stopping.get(b, True):
                return []  # drawn once: the later answers say the same
            drawn.stopping[b] = True
            who = f"brokers {_ids(behind)} are" if len(behind) > 1 else f"broker {_ids(behind)} is"
            waits = [f"{who} not yet at metadata offset {o}"] if behind else []
            waits += [f"broker {b} still leads a partition"] if leads else []
            text = f"{t} shouldShutDown=false: {' and '.join(waits) or 'not yet'}"
            return [_heartbeat(drawn, b, text, answer=True)]
        case sd.BrokerShutdownGranted(broker=b, waited_ms=w):
            text = f"{t} shouldShutDown=true: broker {b} fenced ({w} ms after wantShutDown came)"
            return [_heartbeat(drawn, b, text, answer=True)]
        case sd.BrokerStopped(broker=b):
            drawn.stopping.pop(b, None)
            return [f"Note over {actor(b)}: {t} the process exits: its connections close"]
        case sd.LeaderImbalanceChecked(elected=chosen):
            drawn.preferred = chosen
            return []
        case _:
            return None


def cluster_lines(at: int, e: TraceEvent, drawn: Drawn) -> list[str]:  # noqa: PLR0911, PLR0912
    """The lines of one cluster event; [] for one the story leaves out."""
    if (shutdown := _shutdown_lines(at, e, drawn)) is not None:
        return shutdown
    t = f"t={at}ms"
    match e:
        case k.BrokerCrashed(broker=b):
            return [f"Note over {actor(b)}: {t} CRASH: broker {b} dies"]
        case k.BrokerRestarted(broker=b):
            return [f"Note over {actor(b)}: {t} RESTART: broker {b} starts again"]
        case k.BrokerIsolated(broker=b):
            return [f"Note over {actor(b)}: {t} ISOLATED: broker {b} is cut off from the network"]
        case k.BrokerHealed(broker=b):
            return [f"Note over {actor(b)}: {t} broker {b} is reachable again"]
        case k.ControllerCrashed(controller=c):
            return [f"Note over C{c}: {t} CRASH: controller {c} dies"]
        case k.ControllerRestarted(controller=c):
            return [f"Note over C{c}: {t} RESTART: controller {c} starts again"]
        case k.ControllerElected(new_active=c, epoch=epoch):
            drawn.active = c
            return [f"Note over C{c}: {t} elected active controller (epoch {epoch})"]
        case k.BrokerRegistered(broker=b, offset=o):
            text = f"{t} BrokerRegistration: registered, fenced until caught up (offset {o})"
            return [_heartbeat(drawn, b, text, answer=False)]
        case k.BrokerRegistrationRefused(broker=b, error=err):
            return [_heartbeat(drawn, b, f"{t} BrokerRegistration refused: {err}", answer=True)]
        case k.BrokerFenced(broker=b, offset=o):
            return [_by_controller(drawn, actor(b), f"{t} fences broker {b} (metadata offset {o})")]
        case k.BrokerUnfenced(broker=b, offset=o):
            text = f"{t} unfenced: broker {b} caught up (metadata offset {o})"
            return [_heartbeat(drawn, b, text, answer=True)]
        case k.IsrShrunk(partition=p, removed=b, isr_after=isr):
            text = f"{t} partition {p}: broker {b} leaves the ISR, now [{_ids(isr)}]"
            return [_by_controller(drawn, actor(b), text)]
        case k.IsrExpanded(partition=p, added=b, isr_after=isr):
            text = f"{t} partition {p}: broker {b} rejoins the ISR, now [{_ids(isr)}]"
            return [_by_controller(drawn, actor(b), text)]
        case k.PartitionLeaderElected():
            return _leader_change(at, e, drawn)
        case k.BrokerMetadataApplied(broker=b, offset=o):
            return _applied(at, b, o, drawn)
        case ev.ReplicaTruncated(broker=b, leader=lead, partition=p, log_end_offset=end):
            to = e.truncated_to
            dropped = f"offsets {to}-{end - 1}" if end - 1 > to else f"offset {to}"
            return [
                f"Note over {actor(b)}: {t} truncates partition {p} to offset {to}: drops "
                f"{dropped}, which leader broker {lead} does not have"
            ]
        case _:
            return []
