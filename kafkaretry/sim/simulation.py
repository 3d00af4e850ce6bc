"""One run: owns the clock, the event sink, the seeded random streams and every component.

`step()` pops one scheduled action, runs it, and returns the events it produced;
`steps()` and `run()` are built on it, so the human view, --json, --step and the tests all
drive the same loop (SimPy's step/run pair). A run keeps its events, not pictures of the
cluster: a picture of every step (logs included) made memory grow with records squared.
A view that wants the cluster as it was after some steps asks `Trace.snapshots_after`,
which replays the deterministic run and takes only those pictures.

This module is the top of `kafkaretry.sim`: it wires the packages below it (engine, client,
broker, kraft, faults) and none of them imports it. A component gets what it needs as
arguments: the shared clock and event sink, a random stream of its own (`rng(name)`) and
callbacks into the others (the KRaft control plane moves leadership with
`replication.apply_partition_leadership` and changes what brokers answer to metadata
requests with `set_metadata_source`); faults act through `faults.target.FaultTarget`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Iterator
from functools import partial

from kafkaretry.sim import events as ev
from kafkaretry.sim.broker.replica_manager import ReplicaManager
from kafkaretry.sim.client.metadata import BrokerMetadataCache, StaticMetadataCache
from kafkaretry.sim.client.netclient import ProducerNetworkClient
from kafkaretry.sim.client.producer import Producer
from kafkaretry.sim.client.state import InFlightRequest
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import CLIENT, Network, Nodes
from kafkaretry.sim.events import Emit
from kafkaretry.sim.faults.handlers import install
from kafkaretry.sim.horizon import RunLimits, Watchdog
from kafkaretry.sim.kraft.publisher import attach_control_plane
from kafkaretry.sim.kraft.views import KRaftSnapshot
from kafkaretry.sim.protocol import NOT_LEADER_OR_FOLLOWER
from kafkaretry.sim.settings import SimulationInputs, effective_producer
from kafkaretry.sim.snapshot import BrokerView, ClusterSnapshot, ReplicaView
from kafkaretry.sim.trace import Step, Trace, new_step

DEFAULT_SEED = 0


class Simulation:
    def __init__(
        self, inputs: SimulationInputs, seed: int = DEFAULT_SEED, *, snapshots: bool = False
    ) -> None:
        """`snapshots=True` puts a picture of the cluster in every step (for --step-like
        tools and tests; memory then grows with records x steps)."""
        self.inputs, self.seed, self._snapshots = inputs, seed, snapshots
        self.settings = effective_producer(inputs.producer)  # ConfigError as KafkaProducer throws
        self.queue = EventQueue()
        self._buffer: list[ev.TraceEvent] = []
        self._watchers: list[Callable[[ev.TraceEvent], bool]] = []  # fault triggers
        self.emit: Emit = self._buffer.append
        topology = inputs.topology
        self.nodes = Nodes((CLIENT, *topology.controllers, *topology.brokers))
        self.network = Network(self.queue, self.nodes, inputs.latency_ms)
        self.replication = ReplicaManager(
            self.queue, self.emit, self.network, topology, inputs.cluster
        )
        self.client = ProducerNetworkClient(
            self.queue,
            self.rng("producer-network"),
            self.emit,
            self.network,
            self.settings,
            StaticMetadataCache(topology),
            topology.brokers,
        )
        self._next_producer_id = 0
        self.client.allocate_producer_id = self._allocate_producer_id
        self.producer = Producer(
            self.queue, self.rng("producer"), self.emit, self.client, self.settings, inputs.records
        )
        self.producer.send_request = self._deliver_produce
        for rule, config, value in self.settings.adjustments:
            self.emit(ev.ConfigNote(rule, config, value))
        for topic in topology.topics:
            for p in topic.partitions:
                self.replication.apply_partition_leadership(topic.name, p.id, p.leader, 0, p.isr)
        self.control = attach_control_plane(
            topology,
            inputs.cluster,
            (self.queue, self.rng("kraft"), self.emit),
            inputs.latency_ms,
            self.replication,
            self.set_metadata_source,
            self.nodes,
        )
        # The leaders' isr-expiration tasks (broker/isr.py), drawn from their own stream.
        self.replication.isr.start(topology.brokers, self.rng("isr-expiration"))
        self.faults = install(inputs.faults, self)
        self.producer.start()
        self.limits = RunLimits.of(inputs, self.settings)
        self._watchdog = Watchdog(self.limits, self.faults.pending)
        self.stopped: ev.RunStopped | None = None

    # -- the plug-in surface ---------------------------------------------------------------

    def rng(self, component: str) -> random.Random:
        """A random stream of its own per component: one more draw elsewhere shifts nothing."""
        return random.Random(f"kafkaretry:{self.seed}:{component}")

    def set_metadata_source(self, source: BrokerMetadataCache) -> None:
        self.client.metadata_source = source

    def watch(self, watcher: Callable[[ev.TraceEvent], bool]) -> None:
        """A fault trigger sees every event after each action, until it returns True."""
        self._watchers.append(watcher)

    def _notify(self) -> None:
        # Right after the action that produced them, before any other scheduled action runs:
        # a triggered fault strikes between two moments of the run, never inside one.
        for event in tuple(self._buffer):
            for watcher in tuple(self._watchers):
                if watcher in self._watchers and watcher(event):
                    self._watchers.remove(watcher)

    def set_broker_alive(self, broker: int, alive: bool) -> None:
        """A dead process's host resets the producer's connections to it (even once a new process
        runs: it listens only once unfenced), after the answers TCP still delivers."""
        self.nodes.set_alive(broker, alive)
        if not alive:
            self.replication.stop_broker(broker)
            self.queue.call_after(self.network.latency_ms, lambda: self._reset(broker))
        else:  # restarted: closed to clients until unfenced, its replicas wait for metadata
            self.nodes.set_listening(broker, False)
            self.replication.restart_broker(broker)

    def _reset(self, broker: int) -> None:
        conn = self.client.connections.get(broker)  # one hop after the death: never a new one
        if conn is not None and conn.state != "disconnected":
            self.client.disconnect(broker, "connection reset")

    def set_broker_reachable(self, broker: int, reachable: bool) -> None:
        """A host cut off is a black hole: no reset, so the producer only times out.

        Healed, the broker follows the leaders the committed metadata names (it fetches the
        metadata it missed; kafkaretry applies it to its replicas at once).
        """
        self.network.isolate(broker, not reachable)
        if not reachable:
            return
        for topic in self.inputs.topology.topics:
            for p in topic.partitions:
                if broker in p.replicas:
                    view = self.control.partition(topic.name, p.id)
                    self.replication.apply_partition_leadership(
                        topic.name, p.id, view.leader, view.leader_epoch, view.isr
                    )

    def _allocate_producer_id(self) -> int:
        # Brokers hand out ids from blocks the controller allocates (KIP-730), starting at 0.
        pid, self._next_producer_id = self._next_producer_id, self._next_producer_id + 1
        return pid

    def _deliver_produce(self, request: ev.ProduceRequestSent, sent: InFlightRequest) -> None:
        broker, acks = request.broker, self.settings.acks

        def respond(error: str, offset: int) -> None:
            if acks == 0:
                return  # acks=0: the broker sends no response at all
            self.emit(ev.ProduceResponseSent(broker, request.batch, request.attempt, error, offset))
            hint = (
                self.replication.current_leader(broker, request.topic, request.partition)
                if error == NOT_LEADER_OR_FOLLOWER
                else None
            )
            self.network.send(
                "produce-response",
                broker,
                CLIENT,
                lambda: self.client.complete(sent, error, offset, hint),
                batch=request.batch,
                attempt=request.attempt,
                error=error,
            )

        # The request carries request.timeout.ms as its timeoutMs (Sender.sendProduceRequest).
        records = self.inputs.records
        self.replication.handle_produce(
            broker,
            request,
            sent.batch.records,
            acks,
            self.settings.request_timeout_ms,
            respond,
            keyless=any(records[r].key_bytes is None for r in sent.batch.records),
        )

    # -- running ---------------------------------------------------------------------------

    @property
    def actions(self) -> int:
        """Actions run so far (the watchdog's count, bounded by `limits.max_steps`)."""
        return self._watchdog.steps

    def snapshot(self) -> ClusterSnapshot:
        return _take_snapshot(
            self.queue.now_ms,
            self.inputs.topology.brokers,
            self.nodes,
            self.replication,
            self.client,
            self.control.snapshot(),
        )

    def step(self) -> Step | None:
        """Run the next action; None when nothing but background chores is left.

        The watchdog (sim/horizon.py) ends a run that would go on: its last step then
        holds a RunStopped event, and the next call returns None.
        """
        queue, buffer = self.queue, self._buffer
        if queue.foreground and self.stopped is None:
            watchdog = self._watchdog
            upcoming = queue.peek()
            reason = watchdog.check(
                queue.now_ms, queue.now_ms if upcoming is None else upcoming, self.producer.finished
            )
            if reason is None:
                queue.run_next()
                if self._watchers:
                    self._notify()
            else:
                self.stopped = watchdog.report(
                    reason,
                    len(self.inputs.records) - self.producer.resolved,
                    queue.foreground,
                )
                self.emit(self.stopped)
        elif not buffer:
            return None
        events = tuple(buffer)
        buffer.clear()
        self._watchdog.observe(events)
        return new_step(queue.now_ms, events, self.snapshot() if self._snapshots else None)

    def steps(self, until_ms: int | None = None) -> Iterator[Step]:
        while True:
            if until_ms is not None:
                upcoming = self.queue.peek()
                if upcoming is not None and upcoming > until_ms and not self._buffer:
                    return
            step = self.step()
            if step is None:
                return
            yield step

    def run(self, until_ms: int | None = None) -> Trace:
        kept = tuple(s for s in self.steps(until_ms) if s.events)
        return Trace(
            self.inputs.scenario,
            self.seed,
            self.settings,
            tuple(self.inputs.records),
            kept,
            self.snapshot(),
            self.inputs.cluster,
            partial(_replay, self.inputs, self.seed, until_ms),
        )


def simulate(inputs: SimulationInputs, seed: int = DEFAULT_SEED) -> Trace:
    """Run a scenario to its end and return its trace."""
    return Simulation(inputs, seed).run()


def _replay(
    inputs: SimulationInputs, seed: int, until_ms: int | None, wanted: Collection[int]
) -> dict[int, ClusterSnapshot]:
    """The cluster after each wanted step (indices into `Trace.steps`), by running again:
    the run is deterministic, so the replayed steps are the recorded ones."""
    found: dict[int, ClusterSnapshot] = {}
    todo = frozenset(wanted)
    sim = Simulation(inputs, seed)
    kept = 0
    for step in sim.steps(until_ms):
        if not step.events:
            continue
        if kept in todo:
            found[kept] = sim.snapshot()
            if len(found) == len(todo):
                break
        kept += 1
    return found


def _take_snapshot(
    at_ms: int,
    brokers: tuple[int, ...],
    nodes: Nodes,
    replication: ReplicaManager,
    client: ProducerNetworkClient,
    control: KRaftSnapshot | None = None,
) -> ClusterSnapshot:
    views = []
    for broker in brokers:
        replicas = tuple(
            ReplicaView(
                r.broker,
                r.topic,
                r.partition,
                r.leader,
                r.leader_epoch,
                r.isr,
                r.high_watermark,
                tuple(r.log),
            )
            for (b, _, _), r in sorted(replication.replicas.items())
            if b == broker
        )
        views.append(BrokerView(broker, nodes.is_alive(broker), replicas))
    leaders = tuple(
        (topic, partition, leader, epoch)
        for (topic, partition), (leader, epoch) in sorted(client.metadata.leaders.items())
    )
    return ClusterSnapshot(at_ms, tuple(views), leaders, control)
