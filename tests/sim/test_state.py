"""Partition logs: batches as appended, and the record-by-record view snapshots read."""

from __future__ import annotations

from kafkaretry.sim.broker.partition import LogBatch, LogEntry, Replica


def _replica() -> Replica:
    return Replica(1, "t", 0, (1, 2), 1, 0, (1, 2))


def test_the_log_view_lists_every_record_of_every_batch_at_dense_offsets() -> None:
    r = _replica()
    r.append_batch(LogBatch(0, (7, 8), 1, 0, 5, 0, 0))
    first = list(r.log)  # expanded once, then extended as batches arrive
    r.append_batch(LogBatch(2, (9,), 2, 0, -1, 0, -1))
    assert r.log_end_offset == 3
    assert first == r.log[:2]
    assert r.log == [
        LogEntry(0, 7, 1, 0, 5, 0, 0),
        LogEntry(1, 8, 1, 0, 5, 0, 1),
        LogEntry(2, 9, 2, 0, -1, 0, -1),  # no idempotence: no sequence numbers
    ]


def test_a_fetch_from_a_batch_boundary_gets_the_whole_batches_after_it() -> None:
    r = _replica()
    batches = [LogBatch(0, (1, 2, 3), 1, 0, 5, 0, 0), LogBatch(3, (4,), 2, 0, 5, 0, 3)]
    for b in batches:
        r.append_batch(b)
    assert r.batches_from(0) == batches
    assert r.batches_from(3) == batches[1:]
    assert r.batches_from(4) == []
    assert batches[0].last_offset == 2
    assert batches[0].last_sequence == 2
