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
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence

from kafkaretry.partitioning.murmur2 import java_partition
from kafkaretry.sim import events as ev
from kafkaretry.sim.clock import EventQueue, Timer
from kafkaretry.sim.netclient import ProducerNetworkClient
from kafkaretry.sim.network import Emit
from kafkaretry.sim.rules import NONE, exponential_backoff, reaction
from kafkaretry.sim.settings import EffectiveProducer, RecordSpec
from kafkaretry.sim.state import InFlightRequest, ProducerBatch

RECORD_BATCH_OVERHEAD = 61  # DefaultRecordBatch.RECORD_BATCH_OVERHEAD bytes
RECORD_OVERHEAD = 10  # estimate of a DefaultRecord's varint framing (model assumption)
TopicPartition = tuple[str, int]
Deliver = Callable[[ev.ProduceRequestSent, InFlightRequest], None]


def _unwired(request: ev.ProduceRequestSent, sent: InFlightRequest) -> None:
    raise RuntimeError("Producer.send_request is not connected to the brokers")


class Producer:
    __slots__ = (
        "_batch_ids",
        "_deques",
        "_emit",
        "_in_flight",
        "_next_record",
        "_queue",
        "_records",
        "_rng",
        "_sequences",
        "_settings",
        "_sticky",
        "_waiting",
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
        self._deques: dict[TopicPartition, deque[ProducerBatch]] = {}
        self._in_flight: dict[TopicPartition, int] = {}
        self._sequences: dict[TopicPartition, int] = {}
        self._sticky: dict[str, int] = {}
        self._waiting: list[int] = []  # send() calls blocked in waitOnMetadata
        self._batch_ids = 0
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

    # -- send() and the accumulator --------------------------------------------------------

    def _send_next(self) -> None:
        index = self._next_record
        self._next_record += 1
        if index + 1 < len(self._records):
            self._queue.call_at(
                max(self._records[index + 1].send_at_ms, self._queue.now_ms), self._send_next
            )
        if self._records[index].topic in self.client.metadata.partition_counts:
            self._append(index)
        else:
            self._waiting.append(index)  # KafkaProducer.waitOnMetadata
            self.wake()

    def _partition(self, spec: RecordSpec) -> int:
        count = self.client.metadata.partition_counts[spec.topic]
        if spec.key_bytes is not None:
            return java_partition(spec.key_bytes, count)  # all partitions, led or not
        sticky = self._sticky.get(spec.topic)
        if sticky is None:  # KIP-794: random among partitions with a leader, then sticky
            led = [p for p in range(count) if self.client.metadata.leader_for(spec.topic, p) >= 0]
            sticky = self._sticky[spec.topic] = self._rng.choice(led or list(range(count)))
        return sticky

    def _append(self, index: int) -> None:
        spec = self._records[index]
        partition = self._partition(spec)
        self._emit(
            ev.RecordPartitioned(
                index,
                spec.key,
                spec.topic,
                partition,
                self.client.metadata.partition_counts[spec.topic],
            )
        )
        size = len(spec.key_bytes or b"") + spec.value_bytes + RECORD_OVERHEAD
        tp = (spec.topic, partition)
        dq = self._deques.get(tp)
        if dq is None:
            dq = self._deques[tp] = deque()
        batch = dq[-1] if dq else None
        if batch is None or batch.closed or batch.size_bytes + size > self._settings.batch_size:
            if batch is not None and spec.key_bytes is None:
                self._sticky.pop(spec.topic, None)  # a full batch ends the sticky period
            if batch is not None:
                batch.closed = True
            batch = self._new_batch(tp, index)
            dq.append(batch)
        batch.records.append(index)
        batch.size_bytes += size
        if batch.size_bytes >= self._settings.batch_size or self._settings.linger_ms == 0:
            self.wake()
        else:
            self.wake(batch.created_ms + self._settings.linger_ms)

    def _new_batch(self, tp: TopicPartition, first_record: int) -> ProducerBatch:
        self._batch_ids += 1
        now = self._queue.now_ms
        batch = ProducerBatch(self._batch_ids, tp[0], tp[1], now, size_bytes=RECORD_BATCH_OVERHEAD)
        batch.last_attempt_ms = now
        batch.delivery_timer = self._queue.after(
            self._settings.delivery_timeout_ms, lambda: self._expire(batch)
        )
        self._emit(ev.BatchCreated(batch.id, tp[0], tp[1], first_record))
        return batch

    # -- the sender loop -------------------------------------------------------------------

    def wake(self, at_ms: int | None = None) -> None:
        """Run the sender at `at_ms` (now by default) unless it already runs earlier."""
        now = self._queue.now_ms
        at = now if at_ms is None else max(at_ms, now)  # an overdue batch is ready now
        current = self._wakeup
        if current is not None and not current.cancelled and current.at_ms <= at:
            return
        if current is not None:
            current.cancel()
        self._wakeup = self._queue.at(at, self._run)

    def _run(self) -> None:
        self._wakeup = None
        client = self.client
        client.maybe_update_metadata()
        if (
            self._waiting
            and self._records[self._waiting[0]].topic in client.metadata.partition_counts
        ):
            waiting, self._waiting = self._waiting, []
            for index in waiting:
                self._append(index)
        if self._settings.idempotence and not client.ensure_producer_id():
            # No batch leaves before InitProducerId (Sender.maybeSendAndPollTransactionalRequest).
            return
        next_at: int | None = None
        for tp in sorted(self._deques):
            ready_at = self._drain(tp)
            if ready_at is not None and (next_at is None or ready_at < next_at):
                next_at = ready_at
        if next_at is not None:
            self.wake(next_at)

    def _drain(self, tp: TopicPartition) -> int | None:
        """Send what is ready for `tp`; the time to look again if something must wait."""
        dq = self._deques[tp]
        now = self._queue.now_ms
        while dq:
            batch = dq[0]
            ready_at = self._ready_at(batch)
            if ready_at > now:
                return ready_at
            if self._in_flight.get(tp, 0) and (batch.attempts or self._settings.max_in_flight == 1):
                return (
                    None  # retries go alone, in sequence order (shouldStopDrainBatchesForPartition)
                )
            leader = self.client.metadata.leader_for(*tp)
            if leader < 0:
                self.client.request_metadata_update("unknown leader")
                return None
            if not self.client.ready(leader):
                reconnect = self.client.reconnect_at(leader)
                return reconnect if reconnect > now else None
            dq.popleft()
            self._send_batch(batch, leader)
        return None

    def _ready_at(self, batch: ProducerBatch) -> int:
        if batch.attempts:
            return batch.last_attempt_ms + batch.backoff_ms
        if batch.closed or batch.size_bytes >= self._settings.batch_size:
            return batch.created_ms
        return batch.created_ms + self._settings.linger_ms

    def _send_batch(self, batch: ProducerBatch, leader: int) -> None:
        tp = (batch.topic, batch.partition)
        batch.closed, batch.in_flight = True, True
        if self._settings.idempotence and batch.base_sequence < 0 and self.client.producer_id:
            batch.producer_id, batch.producer_epoch = self.client.producer_id
            batch.base_sequence = self._sequences.get(tp, 0)  # assigned once, at first drain
            self._sequences[tp] = batch.base_sequence + len(batch.records)
        self._in_flight[tp] = self._in_flight.get(tp, 0) + 1
        attempt = batch.attempts + 1
        request = ev.ProduceRequestSent(
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
        sent = self.client.send_produce(leader, batch, attempt, self._deliver(request))
        if self._settings.acks == 0:  # fire and forget: done once on the wire, offset unknown
            self.client.connections[leader].in_flight.pop(sent.id, None)
            if sent.timer is not None:
                sent.timer.cancel()
            self._on_result(sent, NONE, -1)

    def _deliver(self, request: ev.ProduceRequestSent) -> Callable[[InFlightRequest], None]:
        return lambda sent: self.send_request(request, sent)

    # -- completion ------------------------------------------------------------------------

    def _on_result(self, request: InFlightRequest, error: str, base_offset: int) -> None:
        batch = request.batch
        tp = (batch.topic, batch.partition)
        if batch.in_flight:
            batch.in_flight = False
            self._in_flight[tp] -= 1
        if batch.done:
            return  # already expired by delivery.timeout.ms
        if error == NONE:
            self._succeed(batch, request.broker, base_offset)
        else:
            self._fail_or_retry(batch, error)
        self.wake()

    def _succeed(self, batch: ProducerBatch, broker: int, base_offset: int) -> None:
        self._finish(batch)
        for i, record in enumerate(batch.records):
            offset = base_offset + i if base_offset >= 0 else -1
            self._emit(
                ev.RecordAcknowledged(
                    record, batch.id, batch.topic, batch.partition, offset, broker
                )
            )

    def _fail_or_retry(self, batch: ProducerBatch, error: str) -> None:
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
        batch.backoff_ms = exponential_backoff(
            self._rng,
            self._settings.retry_backoff_ms,
            self._settings.retry_backoff_max_ms,
            batch.attempts - 1,
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
        self._reenqueue(batch)

    def _reenqueue(self, batch: ProducerBatch) -> None:
        """The front of its own deque; among retries, in sequence order (insertInSequenceOrder)."""
        dq = self._deques[batch.topic, batch.partition]
        position = 0
        while (
            position < len(dq)
            and dq[position].attempts
            and 0 <= dq[position].base_sequence < batch.base_sequence
        ):
            position += 1
        dq.insert(position, batch)

    def _expire(self, batch: ProducerBatch) -> None:
        if batch.done:
            return
        self._finish(batch)
        dq = self._deques[batch.topic, batch.partition]
        if batch in dq:
            dq.remove(batch)
        for record in batch.records:
            self._emit(ev.RecordExpired(record, batch.id, self._settings.delivery_timeout_ms))

    def _finish(self, batch: ProducerBatch) -> None:
        batch.done = True
        self.resolved += len(batch.records)
        if batch.delivery_timer is not None:
            batch.delivery_timer.cancel()
