"""AlterPartition at the active controller: a leader's request to shrink or expand an ISR.

Rule 1 (ReplicationControlManager.alterPartition): the request must come from the partition's
        current leader at its current leader epoch, or it is refused (FENCED_LEADER_EPOCH,
        NOT_LEADER_OR_FOLLOWER); a replica may join the ISR only if it is registered and
        unfenced (KIP-841, INELIGIBLE_REPLICA).
Rule 2: an accepted change is a PartitionChangeRecord with the new ISR (no leader change, so
        no leader epoch bump); the controller answers once the record is committed, and the
        leader takes its new ISR from that answer (Partition.handleAlterPartitionUpdate).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft.controller import MetadataLog
from kafkaretry.sim.kraft.metadata import PartitionChangeRecord

Isr = tuple[int, ...]
Answer = Callable[[Isr | None], None]


class AlterPartitionHandler:
    """Mixed into KRaftControlPlane: AlterPartition requests and their answers."""

    _queue: EventQueue
    _active: int | None
    _log: MetadataLog
    _hop: int

    def _awaiting_commit(self) -> list[tuple[int, PartitionChangeRecord, Answer]]:
        waiting: list[tuple[int, PartitionChangeRecord, Answer]] | None = getattr(
            self, "_alter_waiting", None
        )
        if waiting is None:
            waiting = []
            self._alter_waiting = waiting
        return waiting

    def alter_partition(
        self, broker: int, topic: str, partition: int, leader_epoch: int, isr: Isr, answer: Answer
    ) -> None:
        """The leader `broker` proposes `isr`; `answer` gets the committed ISR, or None."""

        def reply(result: Isr | None) -> None:
            self._queue.after(self._hop, lambda: answer(result))

        def arrive() -> None:
            image = self._log.image
            view = image.partitions.get((topic, partition))
            if self._active is None or view is None:
                reply(None)  # NOT_CONTROLLER: the broker asks again at its next check
            elif view.leader != broker or view.leader_epoch != leader_epoch:
                reply(None)  # FENCED_LEADER_EPOCH
            elif any(not image.is_active(r) for r in isr if r not in view.isr):
                reply(None)  # INELIGIBLE_REPLICA (KIP-841)
            elif isr == view.isr:
                reply(isr)
            else:
                record = PartitionChangeRecord(topic, partition, None, isr)
                offset = self._log.write([record])
                self._awaiting_commit().append((offset, record, answer))

        self._queue.after(self._hop, arrive)

    def _answer_alter_partitions(self) -> None:
        """Called on every commit: answer the requests whose record is now committed."""
        waiting = self._awaiting_commit()
        done = [w for w in waiting if w[0] <= self._log.high_watermark]
        waiting[:] = [w for w in waiting if w[0] > self._log.high_watermark]
        for offset, record, answer in done:
            # A new active controller drops its predecessor's uncommitted records: the
            # offset then holds another record and the request failed (NOT_CONTROLLER).
            kept = self._log.records[offset] is record
            self._queue.after(self._hop, partial(answer, record.isr if kept else None))
