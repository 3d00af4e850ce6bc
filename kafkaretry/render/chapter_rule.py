"""The shape of a chapter rule and what it may look at: shared by every rule table.

`Context` holds the run's analysis, so a rule's title may only claim what the run confirms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kafkaretry.sim.analysis import RecordOutcome, RunAnalysis


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules may look at besides the event itself."""

    topic: str
    partition: int  # the first record's partition
    first_epoch: int  # its leader epoch in the producer's first metadata
    analysis: RunAnalysis
    first_leader: int = -1  # its leader in the producer's first metadata (-1: none seen)
    # (partition, leader) of every partition of `topic` in the producer's first metadata
    first_leaders: tuple[tuple[int, int], ...] = ()
    # (partition, brokers holding a replica of it) for every partition of `topic`
    replicas: tuple[tuple[int, tuple[int, ...]], ...] = ()

    def batch_records(self, batch: int) -> list[RecordOutcome]:
        return [r for r in self.analysis.records if r.batch == batch]

    def record_word(self, index: int) -> str:
        return "the record" if len(self.analysis.records) == 1 else f"record {index}"


@dataclass(frozen=True, slots=True)
class ChapterRule:
    kind: type
    title: Callable[[Any, Context], str]
    when: Callable[[Any, Context], bool] = lambda event, context: True
    show_cluster: bool = True  # an overview tree (runs with a failure only)
    # Show that tree at the first moment with this event (e.g. once the records commit).
    cluster_on: type | None = None
    numbered: bool = True  # False: a turn within the current stage, not a new one
