"""Faults as data: each fault type maps to a handler that installs it into a simulation.

No scenario name appears here: a scenario is a list of faults in scenarios.yaml, and
FAULT_HANDLERS says what each kind of fault does. Dropping a message is a network filter,
and it breaks the connection it travelled on, as a lost TCP segment does;
killing nodes goes through the KRaft control plane, which notices only as Kafka does
(missed heartbeats, Raft fetch timeouts), never by being told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kafkaretry.sim import events as ev
from kafkaretry.sim.engine.network import Message
from kafkaretry.sim.events import TraceEvent
from kafkaretry.sim.faults.ledger import FaultLedger
from kafkaretry.sim.faults.network_faults import heal, isolate_broker, slow_broker
from kafkaretry.sim.faults.target import (
    FaultTarget,
    UnsupportedFaultError,
    live_broker,
    watch_keyless,
)
from kafkaretry.sim.faults.triggers import arm_trigger
from kafkaretry.sim.kraft.events import BrokerCrashed
from kafkaretry.sim.kraft.shutdown_events import BrokerShutdownRequested, BrokerStopped
from kafkaretry.sim.protocol import NONE
from kafkaretry.sim.settings import (
    CrashBroker,
    CrashController,
    DropRequest,
    DropResponse,
    Fault,
    Heal,
    IsolateBroker,
    RestartBroker,
    RestartController,
    SlowBroker,
    StopBroker,
    When,
)

Action = Callable[[], None]
# A handler builds the fault's action; `install` runs it at at_ms or on its trigger.
FaultHandler = Callable[[Any, FaultTarget], Action]


def _drop_first(
    sim: FaultTarget, kind: str, attempt: int, event: Callable[[Message], ev.TraceEvent] | None
) -> None:
    def drop(message: Message) -> bool:
        if message.kind != kind or message.attempt != attempt:
            return False
        sim.network.remove_filter(drop)
        sim.network.break_connection(message.src, message.dst)  # TCP: nothing more on it
        if event is not None:
            sim.emit(event(message))
        return True

    sim.network.add_filter(drop)


def drop_response(fault: DropResponse, sim: FaultTarget) -> Action:
    def arm() -> None:
        sim.emit(
            ev.FaultArmed("drop-response", f"the response to attempt {fault.attempt} will be lost")
        )
        _drop_first(
            sim,
            "produce-response",
            fault.attempt,
            lambda m: ev.ResponseDropped(m.src, m.batch, m.attempt, m.error or NONE),
        )

    return arm


def drop_request(fault: DropRequest, sim: FaultTarget) -> Action:
    """TCP delivers in order or not at all: losing the request breaks its connection, so every
    later message on it is lost too until the producer closes it (request.timeout.ms)."""

    def arm() -> None:
        sim.emit(
            ev.FaultArmed(
                "drop-request",
                f"the request of attempt {fault.attempt} will be lost, and with it its connection",
            )
        )
        # The client emits RequestDropped: it is the one whose send never arrives.
        _drop_first(sim, "produce-request", fault.attempt, None)

    return arm


def crash_broker(fault: CrashBroker, sim: FaultTarget) -> Action:
    keyless = watch_keyless(sim, fault.broker)

    def crash() -> None:
        broker = live_broker(sim, fault.broker, keyless, "crash-broker", "crash")
        if broker is None:
            return
        sim.control.crash_broker(broker)
        # A process crash: the host resets the producer's TCP connections at once.
        sim.set_broker_alive(broker, False)

    return crash


def stop_broker(fault: StopBroker, sim: FaultTarget) -> Action:
    """SIGTERM: the broker runs on through its controlled shutdown, then its process exits
    (and the host closes the producer's connections to it)."""
    keyless = watch_keyless(sim, fault.broker)

    def stop() -> None:
        broker = live_broker(sim, fault.broker, keyless, "stop-broker", "stop")
        if broker is not None:
            sim.control.stop_broker(broker, lambda: sim.set_broker_alive(broker, False))

    return stop


def restart_broker(fault: RestartBroker, sim: FaultTarget) -> Action:
    """Start the broker's process again. A restart that comes while its broker still runs,
    with a stop-broker or crash-broker still to strike (--at-ms moved it later), waits and
    starts the broker right after that broker has stopped: a rolling restart's order."""
    broker = fault.broker

    def restart() -> None:
        sim.set_broker_alive(broker, True)
        sim.control.restart_broker(broker)

    def stopped(e: TraceEvent) -> bool:
        if isinstance(e, BrokerStopped | BrokerCrashed) and e.broker == broker:
            sim.faults.struck(fault)
            sim.queue.call_after(0, restart)  # after the exit's own work, at the same ms
            return True
        # The stop it waited for struck elsewhere (a partition-leader that had moved) or
        # found no live broker, and no other stop of this broker is to come.
        elsewhere = (
            isinstance(e, BrokerShutdownRequested | BrokerCrashed) and e.broker != broker
        ) or (isinstance(e, ev.FaultArmed) and e.kind in ("stop-broker", "crash-broker"))
        if elsewhere and sim.faults.stop_planned(broker) is None:
            sim.faults.struck(fault)
            detail = f"broker {broker} was not stopped: nothing to restart"
            sim.emit(ev.FaultArmed("restart-broker", detail))
            return True
        return False

    def fire() -> None:
        if not sim.nodes.is_alive(broker):
            restart()
            return
        stop = sim.faults.stop_planned(broker)
        if stop is None:  # a running process has nothing to start again
            detail = f"broker {broker} is running: nothing to restart"
        else:
            sim.faults.hold(fault, "restart-broker")
            sim.watch(stopped)
            detail = (
                f"broker {broker} is still running: the restart waits until it has stopped "
                f"(the {KIND_NAMES[type(stop)]} fault is due at {stop.at_ms} ms)"
            )
        sim.emit(ev.FaultArmed("restart-broker", detail))

    return fire


def crash_controller(fault: CrashController, sim: FaultTarget) -> Action:
    def crash() -> None:
        target = fault.controller
        controller = sim.control.active_controller() if target == "active" else target
        if controller is None:
            sim.emit(ev.FaultArmed("crash-controller", "no active controller to crash"))
            return
        sim.control.crash_controller(controller)
        sim.nodes.set_alive(controller, False)

    return crash


def restart_controller(fault: RestartController, sim: FaultTarget) -> Action:
    def restart() -> None:
        sim.nodes.set_alive(fault.controller, True)
        sim.control.restart_controller(fault.controller)

    return restart


FAULT_HANDLERS: dict[type, FaultHandler] = {
    DropResponse: drop_response,
    DropRequest: drop_request,
    CrashBroker: crash_broker,
    StopBroker: stop_broker,
    RestartBroker: restart_broker,
    CrashController: crash_controller,
    RestartController: restart_controller,
    IsolateBroker: isolate_broker,
    Heal: heal,
    SlowBroker: slow_broker,
}


KIND_NAMES: dict[type, str] = {
    DropResponse: "drop-response",
    DropRequest: "drop-request",
    CrashBroker: "crash-broker",
    StopBroker: "stop-broker",
    RestartBroker: "restart-broker",
    CrashController: "crash-controller",
    RestartController: "restart-controller",
    IsolateBroker: "isolate-broker",
    Heal: "heal",
    SlowBroker: "slow-broker",
}

__all__ = ["FAULT_HANDLERS", "KIND_NAMES", "UnsupportedFaultError", "install"]


def install(faults: tuple[Fault, ...], sim: FaultTarget) -> FaultLedger:
    """Schedule every fault; returns the ledger `sim.faults` must be, where each fault is
    struck the moment its action runs."""
    for fault in faults:
        action = _striking(fault, sim, FAULT_HANDLERS[type(fault)](fault, sim))
        if fault.when is None:
            sim.queue.at(fault.at_ms, action)
        else:
            sim.queue.at(fault.at_ms, _armer(fault.when, sim, KIND_NAMES[type(fault)], action))
    return FaultLedger(faults, tuple(KIND_NAMES[type(f)] for f in faults))


def _striking(fault: Fault, sim: FaultTarget, action: Action) -> Action:
    def strike() -> None:
        sim.faults.struck(fault)
        action()

    return strike


def _armer(when: When, sim: FaultTarget, kind: str, action: Action) -> Action:
    return lambda: arm_trigger(when, sim, kind, action)
