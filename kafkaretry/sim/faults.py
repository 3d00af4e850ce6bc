"""Faults as data: each fault type maps to a handler that installs it into a simulation.

No scenario name appears here: a scenario is a list of faults in scenarios.yaml, and
FAULT_HANDLERS says what each kind of fault does. Dropping a message is a network filter;
killing nodes belongs to the KRaft control plane, which registers its handlers here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kafkaretry.errors import KafkaRetryError
from kafkaretry.sim import events as ev
from kafkaretry.sim.network import Message
from kafkaretry.sim.settings import (
    CrashBroker,
    CrashController,
    DropRequest,
    DropResponse,
    Fault,
    RestartBroker,
    RestartController,
)

if TYPE_CHECKING:
    from kafkaretry.sim.simulation import Simulation

FaultHandler = Callable[[Any, "Simulation"], None]


class UnsupportedFaultError(KafkaRetryError):
    """A fault kind whose simulation does not exist yet."""


def _drop_first(
    sim: Simulation, kind: str, attempt: int, event: Callable[[Message], ev.TraceEvent] | None
) -> None:
    def drop(message: Message) -> bool:
        if message.kind != kind or message.attempt != attempt:
            return False
        sim.network.remove_filter(drop)  # one message, then the link is healthy again
        if event is not None:
            sim.emit(event(message))
        return True

    sim.network.add_filter(drop)


def drop_response(fault: DropResponse, sim: Simulation) -> None:
    def arm() -> None:
        sim.emit(ev.FaultArmed("drop-response", f"the response to attempt {fault.attempt}"))
        _drop_first(
            sim,
            "produce-response",
            fault.attempt,
            lambda m: ev.ResponseDropped(m.src, m.batch, m.attempt),
        )

    sim.queue.at(fault.at_ms, arm)


def drop_request(fault: DropRequest, sim: Simulation) -> None:
    def arm() -> None:
        sim.emit(ev.FaultArmed("drop-request", f"the request of attempt {fault.attempt}"))
        # The client emits RequestDropped: it is the one whose send never arrives.
        _drop_first(sim, "produce-request", fault.attempt, None)

    sim.queue.at(fault.at_ms, arm)


def _not_yet(fault: Fault, sim: Simulation) -> None:
    kind = type(fault).__name__
    raise UnsupportedFaultError(
        f"fault {kind} is not simulated yet: broker and controller failures need the KRaft "
        "control plane (broker heartbeats, fencing, leader election), which is still to come"
    )


FAULT_HANDLERS: dict[type, FaultHandler] = {
    DropResponse: drop_response,
    DropRequest: drop_request,
    CrashBroker: _not_yet,
    RestartBroker: _not_yet,
    CrashController: _not_yet,
    RestartController: _not_yet,
}


def install(faults: tuple[Fault, ...], sim: Simulation) -> None:
    for fault in faults:
        FAULT_HANDLERS[type(fault)](fault, sim)
