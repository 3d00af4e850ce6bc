"""The producer: partitioner → accumulator → sender → in-flight → retry, with idempotence.

Rule 1: the partition is chosen once, in send(); the record then lives in a ProducerBatch
        bound to that TopicPartition (KafkaProducer.doSend, KAFKA.md §2).
Rule 2: a retriable failure puts the SAME batch back at the front of its partition's deque
        (RecordAccumulator.reenqueue); it waits retry.backoff.ms·2^(attempts-1) ±20 %
        (KIP-580), then goes to whichever broker the producer's metadata says leads the
        partition. The partitioner is never consulted again.
Rule 3: with idempotence a batch gets its producer id, epoch and base sequence when first
        drained and keeps them on every retry, so the broker can recognise it.
Rule 4: delivery.timeout.ms since the batch was created bounds everything, in flight or not.
Rule 5: send() blocks the application's thread while the topic's metadata is unknown, for at
        most max.block.ms, then throws TimeoutException (KafkaProducer.waitOnMetadata).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import partial

from kafkaretry.sim import events as ev
from kafkaretry.sim.client.accumulator import RecordAccumulator, TopicPartition
from kafkaretry.sim.client.netclient import ProducerNetworkClient
from kafkaretry.sim.client.rules import exponential_backoff, reaction
from kafkaretry.sim.client.state import InFlightRequest, ProducerBatch
from kafkaretry.sim.engine.clock import EventQueue, Timer
from kafkaretry.sim.engine.frozen import fast_constructor
from kafkaretry.sim.events import Emit
from kafkaretry.sim.protocol import NONE
from kafkaretry.sim.settings import EffectiveProducer, RecordSpec

Deliver = Callable[[ev.ProduceRequestSent, InFlightRequest], None]
# Once per record or batch: built without the dataclass __init__ (engine/frozen.py says why).
_new_request_sent = fast_constructor(ev.ProduceRequestSent)
_new_record_acknowledged = fast_constructor(ev.RecordAcknowledged)


def _unwired(request: ev.ProduceRequestSent, sent: InFlightRequest) -> None:
    raise RuntimeError("Producer.send_request is not connected to the brokers")


class Producer:
    __slots__ = (
        "_acc",
        "_block_timer",
        "_blocked",
        "_emit",
        "_in_flight",
        "_next_record",
        "_queue",
        "_records",
        "_rng",
        "_sequences",
        "_settings",
        "_wakeup",
        "client",
        "resolved",
        "send_request",
    )

    def __init__(
        self,
        queue: EventQueue,
        rng: random.Random,
        emit: Emit,
        client: ProducerNetworkClient,
        settings: EffectiveProducer,
        records: Sequence[RecordSpec],
    ) -> None:
        self._queue, self._rng, self._emit = queue, rng, emit
        self._settings, self._records = settings, records
        self.client = client
        client.topics = tuple(sorted({r.topic for r in records}))
        client.on_progress = self.wake
        client.set_result_handler(self._on_result)
        # The accumulator shares the producer's random stream: the sticky partitioner and
        # the retry backoff jitter draw from it in the order the producer makes them.
        self._acc = RecordAccumulator(queue, rng, emit, settings, self._expire)
        self._in_flight: dict[TopicPartition, int] = {}
        self._sequences: dict[TopicPartition, int] = {}
        self._blocked = -1  # the record whose send() blocks in waitOnMetadata
        self._block_timer: Timer | None = None  # its max.block.ms
        self._next_record = 0
        self._wakeup: Timer | None = None
        self.resolved = 0  # records acknowledged, failed or expired
        # Set by the simulation: what happens when a ProduceRequest reaches its broker.
        self.send_request: Deliver = _unwired

    @property
    def finished(self) -> bool:
        return self.resolved == len(self._records)

    def start(self) -> None:
        if self._records:
            self._queue.call_at(self._records[0].send_at_ms, self._send_next)

    # -- send() ----------------------------------------------------------------------------

    def _send_next(self) -> None:
        index = self._next_record
        self._next_record = index + 1
        topic = self._records[index].topic
        if topic in self.client.metadata.partition_counts:
            self._append(index)
            self._schedule_next_send()
            return
        # KafkaProducer.waitOnMetadata: send() blocks the application's thread until the
        # topic's metadata arrives, for at most max.block.ms; the next send() waits for it.
        self._blocked = index
        self._block_timer = self._queue.after(self._settings.max_block_ms, self._give_up)
        self.wake()

    def _schedule_next_send(self) -> None:
        index, records, queue = self._next_record, self._records, self._queue
        if index < len(records):
            queue.call_at(max(records[index].send_at_ms, queue.now_ms), self._send_next)

    def _give_up(self) -> None:
        """waitOnMetadata's TimeoutException: send() throws, and the callback gets it too."""
        index, self._blocked, self._block_timer = self._blocked, -1, None
        self._emit(
            ev.MetadataWaitTimedOut(index, self._records[index].topic, self._settings.max_block_ms)
        )
        self._resolve(1)
        self._schedule_next_send()

    def _append(self, index: int) -> None:
        self.wake(self._acc.append(index, self._records[index], self.client.metadata))

    # -- the sender loop -------------------------------------------------------------------

    def wake(self, at_ms: int | None = None) -> None:
        """Run the sender at `at_ms` (now by default) unless it already runs earlier."""
        queue = self._queue
        now = queue.now_ms
        at = now if at_ms is None or at_ms < now else at_ms  # an overdue batch is ready now
        current = self._wakeup
        if current is not None:
            if not current.cancelled and current.at_ms <= at:
                return
            current.cancel()
        self._wakeup = queue.at(at, self._run)

    def _run(self) -> None:
        self._wakeup = None
        client = self.client
        client.maybe_update_metadata()
        requested = client.metadata.update_requested
        blocked = self._blocked
        if blocked >= 0 and self._records[blocked].topic in client.metadata.partition_counts:
            self._blocked = -1
            if self._block_timer is not None:
                self._block_timer.cancel()
                self._block_timer = None
            self._append(blocked)
            self._schedule_next_send()
        if self._settings.idempotence and not client.ensure_producer_id():
            # No batch leaves before InitProducerId (Sender.maybeSendAndPollTransactionalRequest).
            return
        next_at: int | None = None
        deques = self._acc.deques
        for tp in self._acc.partitions:  # sorted: the same order on every run
            if deques[tp]:
                ready_at = self._drain(tp)
                if ready_at is not None and (next_at is None or ready_at < next_at):
                    next_at = ready_at
        if not requested and client.metadata.update_requested:
            # Sender.runOnce: sendProducerData asks for the update, then client.poll runs
            # DefaultMetadataUpdater.maybeUpdate in the same loop (sends it, or sleeps until
            # Metadata.timeToNextUpdate allows it).
            client.maybe_update_metadata()
        if next_at is not None:
            self.wake(next_at)

    def _drain(self, tp: TopicPartition) -> int | None:
        """Send what is ready for `tp`; the time to look again if something must wait."""
        acc, client = self._acc, self.client
        dq = acc.deques[tp]
        now = self._queue.now_ms
        if client.metadata.leader_for(*tp) < 0:
            # RecordAccumulator.partitionReady puts the topic in unknownLeaderTopics before it
            # looks at backoff or linger, and Sender.sendProducerData calls
            # metadata.requestUpdate on every loop while that set is not empty.
            client.request_metadata_update("unknown leader")
        while dq:
            batch = dq[0]
            ready_at = acc.ready_at(batch)
            if ready_at > now:
                return ready_at
            if self._in_flight.get(tp, 0) and (batch.attempts or self._settings.max_in_flight == 1):
                return (
                    None  # retries go alone, in sequence order (shouldStopDrainBatchesForPartition)
                )
            leader = client.metadata.leader_for(*tp)
            if leader < 0:
                return None  # the metadata update above wakes the sender when it arrives
            if not client.ready(leader):
                reconnect = client.reconnect_at(leader)
                return reconnect if reconnect > now else None
            dq.popleft()
            self._send_batch(batch, leader)
        return None

    def _send_batch(self, batch: ProducerBatch, leader: int) -> None:
        tp = (batch.topic, batch.partition)
        batch.closed, batch.in_flight = True, True
        if self._settings.idempotence and batch.base_sequence < 0 and self.client.producer_id:
            batch.producer_id, batch.producer_epoch = self.client.producer_id
            batch.base_sequence = self._sequences.get(tp, 0)  # assigned once, at first drain
            self._sequences[tp] = batch.base_sequence + len(batch.records)
        self._in_flight[tp] = self._in_flight.get(tp, 0) + 1
        attempt = batch.attempts + 1
        request = _new_request_sent(
            batch.id,
            batch.topic,
            batch.partition,
            leader,
            attempt,
            len(batch.records),
            batch.producer_id,
            batch.producer_epoch,
            batch.base_sequence,
        )
        self._emit(request)
        # The wire hands the request to send_request, with the client's in-flight entry.
        sent = self.client.send_produce(leader, batch, attempt, partial(self.send_request, request))
        if self._settings.acks == 0:  # fire and forget: done once on the wire, offset unknown
            self.client.connections[leader].in_flight.pop(sent.id, None)
            if sent.timer is not None:
                sent.timer.cancel()
            self._on_result(sent, NONE, -1)

    # -- completion ------------------------------------------------------------------------

    def _on_result(self, request: InFlightRequest, error: str, base_offset: int) -> None:
        batch = request.batch
        if batch.in_flight:
            batch.in_flight = False
            self._in_flight[batch.topic, batch.partition] -= 1
        if batch.done:
            return  # already expired by delivery.timeout.ms
        if error == NONE:
            self._succeed(batch, request.broker, base_offset)
        else:
            self._fail_or_retry(batch, error, request.broker)
        self.wake()

    def _succeed(self, batch: ProducerBatch, broker: int, base_offset: int) -> None:
        self._finish(batch)
        emit, acked = self._emit, _new_record_acknowledged
        batch_id, topic, partition = batch.id, batch.topic, batch.partition
        for i, record in enumerate(batch.records):
            offset = base_offset + i if base_offset >= 0 else -1
            emit(acked(record, batch_id, topic, partition, offset, broker))

    def _fail_or_retry(self, batch: ProducerBatch, error: str, broker: int) -> None:
        rule = reaction(error)
        now = self._queue.now_ms
        in_time = now < batch.created_ms + self._settings.delivery_timeout_ms
        if (
            rule is None
            or not rule.retriable
            or batch.attempts >= self._settings.retries
            or not in_time
        ):
            self._finish(batch)
            for record in batch.records:
                self._emit(ev.RecordFailed(record, batch.id, error))
            return
        if rule.refresh_metadata:
            self.client.request_metadata_update(error)
        batch.attempts += 1
        batch.last_attempt_ms = now  # ProducerBatch.reenqueued
        # KIP-951 (RecordAccumulator.shouldBackoff): no backoff once the partition's leader
        # is no longer the broker that failed, e.g. from a NOT_LEADER_OR_FOLLOWER's CurrentLeader.
        moved = self.client.metadata.leader_for(batch.topic, batch.partition) not in (broker, -1)
        batch.backoff_ms = (
            0
            if moved
            else exponential_backoff(
                self._rng,
                self._settings.retry_backoff_ms,
                self._settings.retry_backoff_max_ms,
                batch.attempts - 1,
            )
        )
        self._emit(
            ev.RetryScheduled(
                batch.id,
                batch.topic,
                batch.partition,
                batch.attempts + 1,
                error,
                batch.backoff_ms,
                now + batch.backoff_ms,
            )
        )
        self._acc.reenqueue(batch)

    def _expire(self, batch: ProducerBatch) -> None:
        if batch.done:
            return
        self._finish(batch)
        self._acc.remove(batch)
        for record in batch.records:
            self._emit(ev.RecordExpired(record, batch.id, self._settings.delivery_timeout_ms))

    def _finish(self, batch: ProducerBatch) -> None:
        batch.done = True
        self._resolve(len(batch.records))
        if batch.delivery_timer is not None:
            batch.delivery_timer.cancel()

    def _resolve(self, records: int) -> None:
        self.resolved += records
        if self.finished and self._wakeup is not None:
            self._wakeup.cancel()  # the story ends with the last record: no idle sender polls
            self._wakeup = None
