"""Random but valid scenario files, from a seed: topologies, settings, fault plans, records.

Everything is drawn from one `random.Random(seed)`, so a seed names one file for good; the
seeds the suite runs are listed in tests/data/fuzz-seeds.txt.
"""

from __future__ import annotations

import random
from typing import Any, get_args

import yaml

from kafkaretry.sim.fault_specs import TriggerEvent

TOPIC = "fuzz"


def scenario_file(seed: int) -> str:
    """The YAML text of one random scenario file with one scenario, `fuzz`."""
    rng = random.Random(seed)
    controllers = list(range(1, rng.randint(1, 5) + 1))
    brokers = list(range(100, 100 + rng.randint(1, 7)))
    rf = rng.randint(1, min(3, len(brokers)))
    partitions = [{"replicas": rng.sample(brokers, rf)} for _ in range(rng.randint(1, 4))]
    cluster_configs: dict[str, Any] = {
        "min.insync.replicas": rng.randint(1, rf),
        "unclean.leader.election.enable": rng.random() < 0.2,
        "broker.session.timeout.ms": rng.choice([3000, 6000, 9000]),
        "controller.quorum.fetch.timeout.ms": rng.choice([1000, 2000]),
        "controller.quorum.election.timeout.ms": rng.choice([1, 50, 500, 1000]),
        "controller.quorum.election.backoff.max.ms": rng.choice([1, 100, 1000]),
        "replica.lag.time.max.ms": rng.choice([5000, 30000]),
    }
    if cluster_configs["controller.quorum.election.timeout.ms"] == 1:
        # A 1 ms timeout and a 1 ms backoff livelock Kafka's own voters (split votes without
        # end): the dedicated livelock tests cover that; here elections must be able to end.
        cluster_configs["controller.quorum.election.backoff.max.ms"] = 100
    producer: dict[str, Any] = {
        "acks": rng.choice(["all", "all", "1"]),
        "request.timeout.ms": rng.choice([2000, 5000, 30000]),
        "retry.backoff.ms": rng.choice([10, 100]),
        "linger.ms": rng.choice([0, 5]),
    }
    if producer["acks"] == "all" and rng.random() < 0.3:
        producer["enable.idempotence"] = rng.choice([True, False])
    faults = [_fault(rng, brokers, controllers) for _ in range(rng.randint(0, 5))]
    record = {
        "key": str(rng.randint(-1000, 1000)),
        "key_type": rng.choice(["int", "string", "long"]),
        "count": rng.randint(1, 4),
        "interval_ms": rng.choice([0, 50, 1000]),
    }
    producer.update(_client_settings(random.Random(f"{seed}:client")))
    _triggers(faults, random.Random(f"{seed}:trigger"))
    book = {
        "cluster": {"controllers": controllers, "brokers": brokers, "configs": cluster_configs},
        "topics": [{"name": TOPIC, "partitions": partitions}],
        "producer": producer,
        "scenarios": {"fuzz": {"record": record, "faults": faults}},
    }
    return yaml.safe_dump(book, sort_keys=False)


def _fault(rng: random.Random, brokers: list[int], controllers: list[int]) -> dict[str, Any]:
    at_ms = rng.choice([0, 5, 13, rng.randint(0, 20_000)])
    kind = rng.choice(
        [
            "crash-broker",
            "crash-broker",
            "restart-broker",
            "crash-controller",
            "restart-controller",
            "drop-response",
            "drop-request",
        ]
    )
    if kind == "crash-broker":
        return {"kind": kind, "broker": rng.choice([*brokers, "partition-leader"]), "at_ms": at_ms}
    if kind == "restart-broker":
        return {"kind": kind, "broker": rng.choice(brokers), "at_ms": at_ms + 5_000}
    if kind == "crash-controller":
        return {"kind": kind, "controller": rng.choice([*controllers, "active"]), "at_ms": at_ms}
    if kind == "restart-controller":
        return {"kind": kind, "controller": rng.choice(controllers), "at_ms": at_ms + 5_000}
    return {"kind": kind, "attempt": rng.randint(1, 3), "at_ms": 0}


TRIGGERS = get_args(TriggerEvent)


def _triggers(faults: list[dict[str, Any]], rng: random.Random) -> None:
    """Now and then a crash waits for an event instead (a stream of its own, added later)."""
    for fault in faults:
        if fault["kind"] == "crash-broker" and rng.random() < 0.3:
            fault["when"] = {"event": rng.choice(TRIGGERS), "record": rng.randint(0, 1)}


def _client_settings(rng: random.Random) -> dict[str, Any]:
    """Now and then, producer settings at their edges (a stream of its own, added later)."""
    if rng.random() < 0.6:
        return {}
    choices: dict[str, list[Any]] = {
        "max.block.ms": [0, 1, 100, 60_000],
        "delivery.timeout.ms": [5_000, 120_000],
        "retries": [0, 1, 5],
        "max.in.flight.requests.per.connection": [1, 5],
        "batch.size": [0, 200, 16_384],
        "retry.backoff.max.ms": [50, 1_000],
        "metadata.max.age.ms": [100, 300_000],
        # Not 0 (nor a 0 ms retry.backoff.max.ms): Kafka itself would then retry a refused
        # connection or NOT_ENOUGH_REPLICAS at network speed, more actions than a run's
        # budget allows before delivery.timeout.ms decides.
        "reconnect.backoff.ms": [10, 50],
    }
    return {name: rng.choice(values) for name, values in choices.items() if rng.random() < 0.5}
