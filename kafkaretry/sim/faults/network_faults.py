"""Faults of the network rather than of a process: an unreachable host, a slow replica.

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
from kafkaretry.sim.faults.target import FaultTarget, partition_leader
from kafkaretry.sim.settings import Heal, IsolateBroker, SlowBroker


def isolate_broker(fault: IsolateBroker, sim: FaultTarget) -> None:
    def cut(broker: int) -> None:
        if broker < 0 or not sim.nodes.is_alive(broker):
            sim.emit(ev.FaultArmed("isolate-broker", f"no live broker to isolate ({broker})"))
            return
        sim.control.isolate_broker(broker)
        sim.set_broker_reachable(broker, False)

    def arm() -> None:
        target = fault.broker
        broker = partition_leader(sim, "isolate-broker") if target == "partition-leader" else target
        if fault.when is None:
            cut(broker)
        else:
            _after_followers_copied(sim, broker, cut)

    sim.queue.at(fault.at_ms, arm)


def _after_followers_copied(sim: FaultTarget, broker: int, cut: Callable[[int], None]) -> None:
    """Cut `broker` off when each follower of a partition it leads sends the Fetch that
    follows its copy of a produced batch: the batch is replicated, the leader not yet told."""
    followers: dict[str, frozenset[int]] = {}
    for topic in sim.inputs.topology.topics:
        for p in topic.partitions:
            if p.replicas and p.leader == broker:
                followers[f"{topic.name}/{p.id}"] = frozenset(p.replicas) - {broker}
    if not followers:
        cut(broker)  # it leads nothing: no follower has anything to copy from it
        return
    waiting: set[int] = set()
    produced = False

    def watch(message: Message) -> bool:
        nonlocal produced, waiting
        if message.kind == "produce-request" and message.dst == broker and not produced:
            produced = True
            waiting = set().union(*followers.values())
        elif message.kind == "fetch" and message.dst == broker and produced:
            waiting.discard(message.src)
            if not waiting:
                sim.network.remove_filter(watch)
                cut(broker)  # this Fetch is already on the wire: it arrives nowhere
        return False

    sim.network.add_filter(watch)


def heal(fault: Heal, sim: FaultTarget) -> None:
    def restore() -> None:
        sim.set_broker_reachable(fault.broker, True)
        sim.control.heal_broker(fault.broker)

    sim.queue.at(fault.at_ms, restore)


def slow_broker(fault: SlowBroker, sim: FaultTarget) -> None:
    broker, delay = fault.broker, fault.delay_ms

    def slower(message: Message) -> int:
        return delay if message.kind == "fetch" and message.src == broker else 0

    def start() -> None:
        sim.network.add_delay(slower)
        until = None if fault.duration_ms is None else fault.at_ms + fault.duration_ms
        sim.emit(ev.ReplicaFetchesDelayed(broker, delay, until))
        if fault.duration_ms is not None:
            sim.queue.after(fault.duration_ms, stop)

    def stop() -> None:
        sim.network.remove_delay(slower)
        sim.emit(ev.ReplicaFetchesDelayed(broker, 0, None))

    sim.queue.at(fault.at_ms, start)
