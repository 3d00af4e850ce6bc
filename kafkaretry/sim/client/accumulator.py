"""The RecordAccumulator: per-partition deques of batches, and the built-in partitioner.

Rule 1: a record joins the newest batch of its partition's deque while that batch is open
        and has room for it within batch.size; otherwise it opens a new batch
        (RecordAccumulator.append / tryAppend).
Rule 2: a batch is ready once it is full, closed, or linger.ms old; a retried batch once
        its backoff has passed (RecordAccumulator.ready, ProducerBatch.waitedTimeMs).
Rule 3: a keyed record goes to murmur2(key) mod the topic's partition count; a keyless one
        sticks to one partition with a leader until its batch fills (KIP-794's
        BuiltInPartitioner, which lives in the accumulator since Kafka 3.3).
"""

from __future__ import annotations

import random
from bisect import insort
from collections import deque
from collections.abc import Callable
from functools import partial

from kafkaretry.partitioning.murmur2 import java_partition
from kafkaretry.sim import events as ev
from kafkaretry.sim.client.metadata import ProducerMetadata
from kafkaretry.sim.client.state import ProducerBatch
from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.engine.frozen import fast_constructor
from kafkaretry.sim.events import Emit
from kafkaretry.sim.settings import EffectiveProducer, RecordSpec

RECORD_BATCH_OVERHEAD = 61  # DefaultRecordBatch.RECORD_BATCH_OVERHEAD bytes
RECORD_OVERHEAD = 10  # estimate of a DefaultRecord's varint framing (model assumption)
TopicPartition = tuple[str, int]
OnExpire = Callable[[ProducerBatch], None]
# Once per record or batch: built without the dataclass __init__ (engine/frozen.py says why).
_new_record_partitioned = fast_constructor(ev.RecordPartitioned)
_new_batch_created = fast_constructor(ev.BatchCreated)


class RecordAccumulator:
    __slots__ = (
        "_batch_ids",
        "_batch_size",
        "_delivery_timeout_ms",
        "_emit",
        "_linger_ms",
        "_on_expire",
        "_queue",
        "_rng",
        "_sticky",
        "deques",
        "partitions",
    )

    def __init__(
        self,
        queue: EventQueue,
        rng: random.Random,
        emit: Emit,
        settings: EffectiveProducer,
        on_expire: OnExpire,
    ) -> None:
        self._queue, self._rng, self._emit = queue, rng, emit
        # Read once: the settings are frozen, and these are read for every record.
        self._batch_size = settings.batch_size
        self._linger_ms = settings.linger_ms
        self._delivery_timeout_ms = settings.delivery_timeout_ms
        self._on_expire = on_expire
        self.deques: dict[TopicPartition, deque[ProducerBatch]] = {}
        # The deques' keys in sorted order, kept as they appear, so the sender drains
        # partitions in the same order on every run without sorting each time.
        self.partitions: list[TopicPartition] = []
        self._sticky: dict[str, int] = {}
        self._batch_ids = 0

    def partition(self, spec: RecordSpec, metadata: ProducerMetadata, count: int) -> int:
        """The partition for `spec` among the topic's `count` partitions."""
        if spec.key_bytes is not None:
            return java_partition(spec.key_bytes, count)  # all partitions, led or not
        sticky = self._sticky.get(spec.topic)
        if sticky is None:  # KIP-794: random among partitions with a leader, then sticky
            led = [p for p in range(count) if metadata.leader_for(spec.topic, p) >= 0]
            sticky = self._sticky[spec.topic] = self._rng.choice(led or list(range(count)))
        return sticky

    def append(self, index: int, spec: RecordSpec, metadata: ProducerMetadata) -> int:
        """Partition record `index` and add it to a batch; when the sender should look."""
        topic = spec.topic
        count = metadata.partition_counts[topic]
        partition = self.partition(spec, metadata, count)
        self._emit(_new_record_partitioned(index, spec.key, topic, partition, count))
        key = spec.key_bytes
        size = (len(key) if key is not None else 0) + spec.value_bytes + RECORD_OVERHEAD
        tp = (topic, partition)
        dq = self.deques.get(tp)
        if dq is None:
            dq = self.deques[tp] = deque()
            insort(self.partitions, tp)
        batch = dq[-1] if dq else None
        if batch is None or batch.closed or batch.size_bytes + size > self._batch_size:
            if batch is not None:
                if key is None:
                    self._sticky.pop(topic, None)  # a full batch ends the sticky period
                batch.closed = True
            batch = self._new_batch(tp, index)
            dq.append(batch)
        batch.records.append(index)
        batch.size_bytes += size
        if batch.size_bytes >= self._batch_size or self._linger_ms == 0:
            return self._queue.now_ms
        return batch.created_ms + self._linger_ms

    def _new_batch(self, tp: TopicPartition, first_record: int) -> ProducerBatch:
        self._batch_ids += 1
        now = self._queue.now_ms
        batch = ProducerBatch(self._batch_ids, tp[0], tp[1], now, size_bytes=RECORD_BATCH_OVERHEAD)
        batch.last_attempt_ms = now
        batch.delivery_timer = self._queue.after(
            self._delivery_timeout_ms, partial(self._on_expire, batch)
        )
        self._emit(_new_batch_created(batch.id, tp[0], tp[1], first_record))
        return batch

    def ready_at(self, batch: ProducerBatch) -> int:
        """When `batch` may be drained (it may already be overdue)."""
        if batch.attempts:
            return batch.last_attempt_ms + batch.backoff_ms
        if batch.closed or batch.size_bytes >= self._batch_size:
            return batch.created_ms
        return batch.created_ms + self._linger_ms

    def reenqueue(self, batch: ProducerBatch) -> None:
        """The front of its own deque; among retries, in sequence order (insertInSequenceOrder)."""
        dq = self.deques[batch.topic, batch.partition]
        position = 0
        while (
            position < len(dq)
            and dq[position].attempts
            and 0 <= dq[position].base_sequence < batch.base_sequence
        ):
            position += 1
        dq.insert(position, batch)

    def remove(self, batch: ProducerBatch) -> None:
        dq = self.deques[batch.topic, batch.partition]
        if batch in dq:
            dq.remove(batch)
