"""Faults of the network rather than of a process: an unreachable host, a slow replica.

Each handler returns the fault's action; handlers.install runs it at at_ms or on its trigger
(`when`, triggers.py): `isolate-broker` with `when: {event: replicated}` cuts the leader off
once every live in-sync follower has copied the attempt, before their next Fetch tells it.

Rule 1 (isolate-broker): the broker's host drops off the network, a black hole. Its process
        runs on, but nothing it sends arrives and nothing reaches it, and no TCP reset tells
        anyone: a request in flight waits its full request.timeout.ms, a new connection hangs
        until socket.connection.setup.timeout.ms, the controller hears no heartbeat and fences
        it when the session expires (broker.session.timeout.ms).
Rule 2 (heal): its links work again; it catches up with the metadata log and follows the
        leaders it finds there (its own log is not truncated: kafkaretry does not model
        divergence, so heal a broker whose log holds nothing the new leader lacks).
Rule 3 (slow-broker): every replica Fetch the broker sends reaches its leader `delay_ms` late
        (a slow disk or link), while its heartbeats stay on time; a follower that falls
        replica.lag.time.max.ms behind leaves the ISR (broker/isr.py).
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim import events as ev
from kafkaretry.sim.engine.network import Message
from kafkaretry.sim.faults.target import FaultTarget, live_broker, watch_keyless
from kafkaretry.sim.settings import Heal, IsolateBroker, SlowBroker

Action = Callable[[], None]


def isolate_broker(fault: IsolateBroker, sim: FaultTarget) -> Action:
    keyless = watch_keyless(sim, fault.broker)

    def cut() -> None:
        broker = live_broker(sim, fault.broker, keyless, "isolate-broker", "isolate")
        if broker is None:
            return
        sim.control.isolate_broker(broker)
        sim.set_broker_reachable(broker, False)

    return cut


def heal(fault: Heal, sim: FaultTarget) -> Action:
    def restore() -> None:
        sim.set_broker_reachable(fault.broker, True)
        sim.control.heal_broker(fault.broker)

    return restore


def slow_broker(fault: SlowBroker, sim: FaultTarget) -> Action:
    broker, delay = fault.broker, fault.delay_ms

    def slower(message: Message) -> int:
        return delay if message.kind == "fetch" and message.src == broker else 0

    def start() -> None:
        sim.network.add_delay(slower)
        now = sim.queue.now_ms
        until = None if fault.duration_ms is None else now + fault.duration_ms
        sim.emit(ev.ReplicaFetchesDelayed(broker, delay, until))
        if fault.duration_ms is not None:
            sim.queue.after(fault.duration_ms, stop)

    def stop() -> None:
        sim.network.remove_delay(slower)
        sim.emit(ev.ReplicaFetchesDelayed(broker, 0, None))

    return start
