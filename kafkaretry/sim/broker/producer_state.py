"""Broker-side idempotence: producer state per partition and the sequence check (KIP-98).

Rule 1: a batch whose (producer epoch, first seq, last seq) equals one of the producer's last
        5 cached batches is a duplicate: nothing is written and the answer is success with the
        original base offset (ProducerStateEntry.findDuplicateBatch).
Rule 2 (ProducerAppendInfo.checkSequence, 4.1): a producer the partition has no state for
        (NO_PRODUCER_EPOCH) may start at any sequence; a new epoch of a known producer must
        start at 0; otherwise the first sequence must follow the last one, else
        OUT_OF_ORDER_SEQUENCE_NUMBER. (Non-transactional idempotent producers; transactions
        v2 reject a non-zero first sequence, not modelled.)
"""

from __future__ import annotations

from collections import deque
from typing import Final

from kafkaretry.sim.broker.partition import NUM_BATCHES_TO_RETAIN, BatchMetadata, LogBatch, Replica
from kafkaretry.sim.engine.frozen import fast_constructor
from kafkaretry.sim.events import DuplicateDetected, ProduceRequestSent

IN_SEQUENCE: Final = "in-sequence"
DUPLICATE: Final = "duplicate"
OUT_OF_ORDER: Final = "out-of-order"

# Once per batch and replica: built without the dataclass __init__ (engine/frozen.py says why).
_new_metadata = fast_constructor(BatchMetadata)


def check_sequence(replica: Replica, request: ProduceRequestSent) -> tuple[str, int]:
    """(verdict, original base offset for a duplicate else -1)."""
    if request.producer_id < 0:
        return IN_SEQUENCE, -1  # not idempotent: the broker appends whatever arrives
    cached = replica.producers.get(request.producer_id)
    first = request.base_sequence
    if not cached:
        return IN_SEQUENCE, -1  # Rule 2: no producer state, so any first sequence is accepted
    last = first + request.records - 1
    epoch = request.producer_epoch
    for meta in cached:
        if meta.first_seq == first and meta.last_seq == last and meta.producer_epoch == epoch:
            return DUPLICATE, meta.base_offset
    newest = cached[-1]
    if epoch > newest.producer_epoch:
        return (IN_SEQUENCE if first == 0 else OUT_OF_ORDER), -1
    return (IN_SEQUENCE if first == newest.last_seq + 1 else OUT_OF_ORDER), -1


def duplicate_detected(
    broker: int, request: ProduceRequestSent, original: int
) -> DuplicateDetected:
    """What the broker observed: `request` repeats a cached batch first written at `original`."""
    return DuplicateDetected(
        broker,
        request.topic,
        request.partition,
        request.batch,
        request.producer_id,
        request.base_sequence,
        original,
    )


def _cache(replica: Replica, producer_id: int, meta: BatchMetadata) -> None:
    cached = replica.producers.get(producer_id)
    if cached is None:
        cached = replica.producers[producer_id] = deque(maxlen=NUM_BATCHES_TO_RETAIN)
    cached.append(meta)


def remember_batch(replica: Replica, request: ProduceRequestSent, base_offset: int) -> None:
    if request.producer_id >= 0:
        last = request.base_sequence + request.records - 1
        meta = _new_metadata(request.producer_epoch, request.base_sequence, last, base_offset)
        _cache(replica, request.producer_id, meta)


def remember_batches(replica: Replica, batches: list[LogBatch]) -> None:
    """A follower's producer state, rebuilt batch by batch from the batches it copied."""
    for batch in batches:
        if batch.producer_id >= 0:
            meta = _new_metadata(
                batch.producer_epoch, batch.base_sequence, batch.last_sequence, batch.base_offset
            )
            _cache(replica, batch.producer_id, meta)


def rebuild_producer_state(replica: Replica) -> None:
    """After a truncation: producer state as the remaining batches describe it."""
    replica.producers = {}
    remember_batches(replica, replica.batches)
