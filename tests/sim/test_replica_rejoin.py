"""The data plane when leadership moves under live brokers: demotion, truncation, ISR rejoin."""

from __future__ import annotations

from kafkaretry.sim import events as ev
from kafkaretry.sim.broker.partition import LogBatch
from kafkaretry.sim.broker.replica_manager import ReplicaManager
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.network import Network, Nodes
from kafkaretry.sim.protocol import NOT_LEADER_OR_FOLLOWER
from kafkaretry.sim.settings import ClusterSettings
from tests.sim.kraft_harness import TOPIC, lab_topology

NODES = Nodes((-1, 1, 2, 3, 4, 5, 6))


def _plane(nodes: Nodes = NODES) -> tuple[EventQueue, list[ev.TraceEvent], ReplicaManager]:
    queue = EventQueue()
    events: list[ev.TraceEvent] = []
    manager = ReplicaManager(
        queue, events.append, Network(queue, nodes, 1), lab_topology(), ClusterSettings()
    )
    manager.apply_partition_leadership(TOPIC, 0, 4, 0, (4, 5, 6))
    return queue, events, manager


def _drain(queue: EventQueue) -> None:
    while queue.run_next():
        pass


def test_a_demoted_leader_answers_its_parked_requests_not_leader_or_follower() -> None:
    nodes = Nodes((-1, 1, 2, 3, 4, 5, 6))
    _, _, manager = _plane(nodes)
    answers: list[tuple[str, int]] = []
    request = ev.ProduceRequestSent(1, TOPIC, 0, 4, 1, 1, 0, 0, 0)
    for follower in (5, 6):  # nobody copies: the acks=all request stays parked
        nodes.set_alive(follower, False)
        manager.stop_broker(follower)
    manager.handle_produce(4, request, [0], -1, 30_000, lambda e, o: answers.append((e, o)))
    assert answers == []
    nodes.set_alive(5, True)
    manager.apply_partition_leadership(TOPIC, 0, 5, 1, (5,))
    # ReplicaManager.applyDelta -> completeDelayedOperationsWhenNotPartitionLeader
    assert answers == [(NOT_LEADER_OR_FOLLOWER, -1)]


def test_a_rejoining_follower_truncates_where_its_log_diverged() -> None:
    queue, events, manager = _plane()
    _drain(queue)
    old = manager.replica(4, TOPIC, 0)
    new = manager.replica(5, TOPIC, 0)
    assert old is not None
    assert new is not None
    # Broker 4 led epoch 0 and wrote offset 0 that nobody copied; broker 5 leads epoch 1 and
    # wrote its own offset 0.
    old.append_batch(LogBatch(0, (7,), 1, 0, 0, 0, 0))
    manager.restart_broker(4)
    manager.apply_partition_leadership(TOPIC, 0, 5, 1, (5, 6))
    new.append_batch(LogBatch(0, (8,), 2, 1, 0, 0, 1))
    manager.rejoin(4, [(TOPIC, 0, 5, 1, (5, 6))])
    _drain(queue)
    truncated = [e for e in events if isinstance(e, ev.ReplicaTruncated)]
    assert truncated == [ev.ReplicaTruncated(4, 5, TOPIC, 0, 1, 0)]
    assert [(entry.record, entry.leader_epoch) for entry in old.log] == [(8, 1)]


def test_a_producer_without_state_may_start_at_any_sequence() -> None:
    # ProducerAppendInfo.checkSequence: no producer state (NO_PRODUCER_EPOCH) accepts any
    # first sequence; the earlier batch that arrives afterwards is then out of order.
    _, _, manager = _plane()
    answers: list[tuple[str, int]] = []

    def respond(error: str, offset: int) -> None:
        answers.append((error, offset))

    second = ev.ProduceRequestSent(2, TOPIC, 0, 4, 1, 1, 7, 0, 1)
    first = ev.ProduceRequestSent(1, TOPIC, 0, 4, 2, 1, 7, 0, 0)
    manager.handle_produce(4, second, [1], 1, 30_000, respond)
    manager.handle_produce(4, first, [0], 1, 30_000, respond)
    assert answers == [("NONE", 0), ("OUT_OF_ORDER_SEQUENCE_NUMBER", -1)]


def test_a_demoted_leader_names_the_new_one_and_the_producer_goes_there_at_once() -> None:
    from dataclasses import replace

    from kafkaretry.sim.simulation import Simulation
    from tests.sim.helpers import inputs

    sim = Simulation(replace(inputs(), faults=()))

    def followers_down() -> None:  # nobody copies: the acks=all request stays parked at 4
        for follower in (5, 6):
            sim.nodes.set_alive(follower, False)
            sim.replication.stop_broker(follower)

    def leadership_moves() -> None:  # as applyDelta does when broker 5 takes over
        sim.nodes.set_alive(5, True)
        sim.replication.apply_partition_leadership(TOPIC, 0, 5, 1, (5,))

    sim.queue.at(0, followers_down)
    sim.queue.at(50, leadership_moves)
    trace = sim.run()
    answers = [e for _, e in trace.of_type(ev.ProduceResponseReceived)]
    assert [(e.broker, e.error, e.current_leader, e.current_leader_epoch) for e in answers] == [
        (4, NOT_LEADER_OR_FOLLOWER, 5, 1),
        (5, "NONE", -1, -1),
    ]
    ((_, retry),) = trace.of_type(ev.RetryScheduled)
    assert retry.backoff_ms == 0  # KIP-951: the leader changed, so no retry backoff
    assert [(a.broker, a.outcome) for a in trace.attempts()] == [
        (4, NOT_LEADER_OR_FOLLOWER),
        (5, "acknowledged"),
    ]
