"""One line of meaning per setting `--set` and the scenario file accept (`kafkaretry settings`).

Defaults come from the schema itself (config/settings.py), so they cannot drift from what a
run uses; the unit and the sentence live here, in Kafka's own terms. A test checks that
every setting the schema accepts has a line.
"""

from __future__ import annotations

# name → (where it is set, unit, meaning)
MEANINGS: dict[str, tuple[str, str, str]] = {
    "acks": (
        "producer",
        "",
        "replicas that must have the record before the leader answers: all, 1 or 0",
    ),
    "enable.idempotence": (
        "producer",
        "",
        "producer id + sequence numbers let the broker drop a retried duplicate; unset: on, "
        "silently off with acks other than all or retries=0; with it on or unset, "
        "max.in.flight.requests.per.connection above 5 is a ConfigException",
    ),
    "retries": (
        "producer",
        "",
        "how often a failed batch is retried (delivery.timeout.ms bounds it)",
    ),
    "max.in.flight.requests.per.connection": (
        "producer",
        "requests",
        "unanswered produce requests per broker connection (at most 5 with idempotence)",
    ),
    "request.timeout.ms": ("producer", "ms", "how long the producer waits for a produce response"),
    "max.block.ms": (
        "producer",
        "ms",
        "how long send() may block waiting for the topic's metadata (KafkaProducer."
        "waitOnMetadata) before it throws TimeoutException",
    ),
    "delivery.timeout.ms": (
        "producer",
        "ms",
        "upper bound from send() to success or failure, retries included",
    ),
    "linger.ms": ("producer", "ms", "how long a batch waits for more records before it is sent"),
    "batch.size": ("producer", "bytes", "a batch is sent when it holds this many bytes"),
    "retry.backoff.ms": (
        "producer",
        "ms",
        "first backoff before a retry (KIP-580: grows, ±20 % jitter)",
    ),
    "retry.backoff.max.ms": ("producer", "ms", "the largest retry backoff"),
    "reconnect.backoff.ms": ("producer", "ms", "first wait before reconnecting to a broker"),
    "reconnect.backoff.max.ms": ("producer", "ms", "the largest reconnect backoff"),
    "socket.connection.setup.timeout.ms": (
        "producer",
        "ms",
        "how long a new connection may take before it is given up",
    ),
    "socket.connection.setup.timeout.max.ms": (
        "producer",
        "ms",
        "the longest connection setup timeout, after it doubled per failed attempt",
    ),
    "metadata.max.age.ms": ("producer", "ms", "metadata is refreshed at least this often"),
    "broker.heartbeat.interval.ms": (
        "broker",
        "ms",
        "how often a broker heartbeats to the active controller",
    ),
    "broker.session.timeout.ms": (
        "controller",
        "ms",
        "a broker without a heartbeat for this long is fenced and loses its leaderships",
    ),
    "controller.quorum.fetch.timeout.ms": (
        "controller",
        "ms",
        "a controller that hears nothing from the active one for this long starts an election",
    ),
    "controller.quorum.election.timeout.ms": (
        "controller",
        "ms",
        "a candidate without a majority by then tries again (randomised)",
    ),
    "controller.quorum.election.backoff.max.ms": (
        "controller",
        "ms",
        "the largest randomised wait before a resigned leader's election (Kafka 4.1: not "
        "after a lost election, KAFKA-18345)",
    ),
    "controller.quorum.request.timeout.ms": (
        "controller",
        "ms",
        "how long a quorum request may wait for its answer",
    ),
    "controller.quorum.append.linger.ms": (
        "controller",
        "ms",
        "how long the active controller gathers metadata records before appending them",
    ),
    "controller.quorum.retry.backoff.ms": (
        "controller",
        "ms",
        "wait before an observer asks another voter for the active controller",
    ),
    "metadata.max.idle.interval.ms": (
        "controller",
        "ms",
        "the active controller appends a NoOpRecord this often, so brokers see the log move",
    ),
    "replica.lag.time.max.ms": (
        "broker",
        "ms",
        "a follower that has not caught up for this long may leave the ISR (not modelled)",
    ),
    "replica.fetch.wait.max.ms": (
        "broker",
        "ms",
        "how long a follower's fetch waits at the leader for new data",
    ),
    "min.insync.replicas": (
        "broker",
        "replicas",
        "with acks=all, the in-sync replicas a write needs, or it fails NOT_ENOUGH_REPLICAS",
    ),
    "unclean.leader.election.enable": (
        "controller",
        "",
        "may an out-of-sync replica become leader (and lose acknowledged records)",
    ),
    "auto.leader.rebalance.enable": (
        "controller",
        "",
        "does the active controller give partitions back to their preferred leader",
    ),
    "leader.imbalance.check.interval.seconds": (
        "controller",
        "s",
        "how often the active controller looks for partitions away from their preferred leader",
    ),
    "network.latency.ms": (
        "kafkaretry",
        "ms",
        "a model assumption, not a Kafka setting: one-way latency of every link",
    ),
}
