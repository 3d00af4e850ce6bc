"""The ack-loss story end to end, and the plug-in surface the control plane will use."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kafkaretry.errors import ConfigError
from kafkaretry.sim import events as ev
from kafkaretry.sim.simulation import Simulation
from tests.sim.helpers import inputs, run


def test_default_retry_goes_to_the_same_partition_and_is_deduplicated() -> None:
    trace = run()
    attempts = trace.attempts()
    assert [(a.attempt, a.partition, a.broker) for a in attempts] == [(1, 0, 4), (2, 0, 4)]
    assert [a.outcome for a in attempts] == ["response-lost", "deduplicated"]
    assert trace.copies() == (0,)
    ack = trace.acknowledgement()
    assert ack is not None
    assert ack[1].offset == attempts[0].appended_offset == 0
    assert len(trace.of_type(ev.RecordPartitioned)) == 1  # the partitioner ran once
    assert len(trace.of_type(ev.DuplicateDetected)) == 1


def test_without_idempotence_the_retry_is_a_second_copy() -> None:
    trace = run(enable_idempotence="false")
    assert trace.copies() == (0, 1)
    ack = trace.acknowledgement()
    assert ack is not None
    assert ack[1].offset == 1
    assert all(e.producer_id == -1 for _, e in trace.of_type(ev.ProduceRequestSent))


def test_acks_1_silently_disables_idempotence_and_says_so() -> None:
    trace = run(acks="1")
    notes = [e for _, e in trace.of_type(ev.ConfigNote)]
    assert notes == [ev.ConfigNote("idempotence-disabled", "acks", "1")]
    assert trace.settings.idempotence is False
    assert len(trace.copies()) == 2


def test_explicit_idempotence_with_acks_1_is_rejected() -> None:
    with pytest.raises(ConfigError, match="Must set acks to all"):
        Simulation(inputs(acks="1", enable_idempotence="true"))


@pytest.mark.parametrize(
    ("sets", "timeout"),
    [({}, 30_000), ({"request_timeout_ms": "5000"}, 5_000), ({"retry_backoff_ms": "400"}, 30_000)],
)
def test_retry_is_request_timeout_plus_backoff_after_the_send(
    sets: dict[str, str], timeout: int
) -> None:
    trace = run("ack-loss", 0, None, None, **sets)
    sent = trace.of_type(ev.ProduceRequestSent)
    ((timed_out_at, timed_out),) = trace.of_type(ev.ProduceRequestTimedOut)
    ((_retry_at, retry),) = trace.of_type(ev.RetryScheduled)
    assert timed_out.timeout_ms == timeout
    assert timed_out_at == sent[0][0] + timeout
    assert retry.retry_at_ms == timed_out_at + retry.backoff_ms
    backoff = int(sets.get("retry_backoff_ms", "100"))
    assert 0.8 * backoff <= retry.backoff_ms <= 1.2 * backoff
    # The resend waits for the backoff, then for a new connection (the timeout closed it).
    assert sent[1][0] == retry.retry_at_ms + 4


def test_same_seed_same_trace_and_seeds_change_the_jitter() -> None:
    assert run(seed=7) == run(seed=7)
    backoffs = {run(seed=s).of_type(ev.RetryScheduled)[0][1].backoff_ms for s in range(6)}
    assert len(backoffs) > 1


def test_drop_request_means_nothing_was_appended() -> None:
    trace = run("ack-loss", enable_idempotence="false")
    assert trace.attempts()[0].appended_offset == 0  # contrast for the next scenario
    from dataclasses import replace

    from kafkaretry.sim.settings import DropRequest

    lost = Simulation(replace(inputs(), faults=(DropRequest(attempt=1),))).run()
    assert [a.outcome for a in lost.attempts()] == ["request-lost", "acknowledged"]
    assert lost.copies() == (0,)


def test_apply_partition_leadership_moves_the_leader_everywhere() -> None:
    sim = Simulation(inputs())
    sim.replication.apply_partition_leadership("kafka-study-topic", 0, 5, 1, (5, 6))
    leaders = {b: r.leader for (b, t, p), r in sim.replication.replicas.items() if p == 0}
    assert leaders == {4: 5, 5: 5, 6: 5}
    replica = sim.replication.replica(5, "kafka-study-topic", 0)
    assert replica is not None
    assert replica.is_leader
    assert replica.leader_epoch == 1


def test_a_dead_broker_resets_the_producers_connection() -> None:
    sim = Simulation(inputs())
    for _ in sim.steps(until_ms=12):
        pass
    sim.set_broker_alive(4, False)
    crashed_at = sim.queue.now_ms
    steps = list(sim.steps(until_ms=crashed_at + 1))
    events = [e for step in steps for e in step.events]
    closed = [e for e in events if isinstance(e, ev.ConnectionClosed)]
    retries = [e for e in events if isinstance(e, ev.RetryScheduled)]
    # The reset travels the link (network.latency.ms = 1) behind what the broker already sent.
    assert closed == [ev.ConnectionClosed(4, "connection reset")]
    reset_at = [s.at_ms for s in steps if any(isinstance(e, ev.ConnectionClosed) for e in s.events)]
    assert reset_at == [crashed_at + 1]
    assert [(r.partition, r.error) for r in retries] == [(0, "NETWORK_EXCEPTION")]


def test_an_acks_all_duplicate_waits_for_the_high_watermark() -> None:
    # UnifiedLog gives a duplicate its original offsets; for acks=all the answer still waits
    # in DelayedProduce until the high watermark passes them.
    sim = Simulation(inputs())
    request = ev.ProduceRequestSent(1, "kafka-study-topic", 0, 4, 1, 1, 7, 0, 0)
    answers: list[tuple[str, int]] = []

    def respond(error: str, offset: int) -> None:
        answers.append((error, offset))

    sim.replication.handle_produce(4, request, [0], -1, 30_000, respond)
    sim.replication.handle_produce(4, replace(request, attempt=2), [0], -1, 30_000, respond)
    assert answers == []  # appended once, nothing committed yet: both wait
    while len(answers) < 2 and sim.step() is not None:
        pass
    assert answers == [("NONE", 0), ("NONE", 0)]


def test_min_insync_replicas_above_the_replication_factor_is_capped() -> None:
    # Partition.appendRecordsToLeader compares the ISR with min(min.insync.replicas, RF).
    trace = run("ack-loss", min_insync_replicas="4")
    assert trace.acknowledgement() is not None
    assert trace.copies() == (0,)
