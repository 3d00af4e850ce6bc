"""Rule tables: what the producer does with each produce error, and how long it backs off.

Rule 1: an error not in PRODUCE_ERRORS is fatal for the batch (Sender.completeBatch fails it).
Rule 2: a retriable error re-enqueues the SAME batch at the front of its partition's deque
        while attempts < retries and the delivery timeout has not passed (Sender.canRetry).
Rule 3: InvalidMetadataException subclasses and every disconnect also request a metadata
        update (Sender.completeBatch, NetworkClient.processDisconnection) (KAFKA.md §3.2).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Final

from kafkaretry.sim.protocol import (
    NETWORK_EXCEPTION,
    NOT_ENOUGH_REPLICAS,
    NOT_LEADER_OR_FOLLOWER,
    OUT_OF_ORDER_SEQUENCE_NUMBER,
    REQUEST_TIMED_OUT,
)


@dataclass(frozen=True, slots=True)
class Reaction:
    retriable: bool
    refresh_metadata: bool
    why: str  # the Kafka class or rule that decides it


PRODUCE_ERRORS: Final[dict[str, Reaction]] = {
    # TimeoutException is not an InvalidMetadataException: a client-side timeout refreshes
    # metadata only through the disconnect it causes, a broker-side one not at all.
    REQUEST_TIMED_OUT: Reaction(True, False, "TimeoutException; not an InvalidMetadataException"),
    NETWORK_EXCEPTION: Reaction(True, True, "NetworkException extends InvalidMetadataException"),
    NOT_LEADER_OR_FOLLOWER: Reaction(True, True, "InvalidMetadataException"),
    "LEADER_NOT_AVAILABLE": Reaction(True, True, "InvalidMetadataException"),
    "UNKNOWN_TOPIC_OR_PARTITION": Reaction(True, True, "InvalidMetadataException"),
    "FENCED_LEADER_EPOCH": Reaction(True, True, "InvalidMetadataException"),
    "KAFKA_STORAGE_ERROR": Reaction(True, True, "InvalidMetadataException"),
    NOT_ENOUGH_REPLICAS: Reaction(True, False, "rejected before append: ISR < min.insync.replicas"),
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND": Reaction(True, False, "appended, then the ISR shrank"),
    # TransactionManager.canRetry retries it; the epoch bump it requests where the sequences
    # have a gap is not modelled (README: what the model leaves out).
    OUT_OF_ORDER_SEQUENCE_NUMBER: Reaction(True, False, "idempotent producer: retry in order"),
}


def reaction(error: str) -> Reaction | None:
    """The producer's reaction to `error`, or None when it is fatal for the batch."""
    return PRODUCE_ERRORS.get(error)


# CommonClientConfigs.RETRY_BACKOFF_EXP_BASE and RETRY_BACKOFF_JITTER (KIP-580).
BACKOFF_EXP_BASE: Final = 2
BACKOFF_JITTER: Final = 0.2


def exponential_backoff(rng: random.Random, initial_ms: int, max_ms: int, attempts: int) -> int:
    """ExponentialBackoff.backoff: initial·2^min(attempts, expMax) · U(0.8, 1.2), capped at max.

    `attempts` counts failures before this one (RecordAccumulator.shouldBackoff passes
    batch.attempts() - 1), so the first retry waits 80-120 ms with the defaults.
    """
    initial = min(initial_ms, max_ms)
    if max_ms <= initial:
        return initial  # expMax == 0: constant backoff, no jitter
    exp_max = math.log(max_ms / max(initial, 1)) / math.log(BACKOFF_EXP_BASE)
    term = initial * BACKOFF_EXP_BASE ** min(attempts, exp_max)
    factor = rng.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)
    return min(int(factor * term), max_ms)
