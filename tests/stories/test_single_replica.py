"""Replication factor 1: the producer keeps asking for metadata until the leader is back.

Sender.sendProducerData calls metadata.requestUpdate on every loop while a partition with
batches has no known leader, and NetworkClient.poll sends it as soon as Metadata.timeToNextUpdate
allows (KIP-580 backoff, retry.backoff.ms up to retry.backoff.max.ms). So a record waiting for
an offline partition is delivered about a second after its only replica is leader again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kafkaretry.loading import load_scenario_book
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.simulation import Simulation
from tests.conftest import SCENARIOS

RETRY_BACKOFF_MAX_MS = 1_000  # the 4.1 default
JITTER = 1.2  # ±20 %
HOPS_MS = 10  # a metadata round trip, then the produce round trip (1 ms links)


@pytest.fixture(scope="module")
def rf1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    data["topics"][0]["partitions"] = [{"replicas": [4]}, {"replicas": [5]}, {"replicas": [6]}]
    path = tmp_path_factory.mktemp("rf1") / "rf1.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["rolling-restart", "acks1-loss"])
@pytest.mark.parametrize("seed", range(4))
def test_records_wait_for_the_only_replica_and_are_delivered(
    rf1: Path, name: str, seed: int
) -> None:
    trace = Simulation(scenario_inputs(load_scenario_book(rf1), name), seed).run()
    back = [
        at
        for at, e in trace.of_type(k.MetadataRecordCommitted)
        if e.what == "PartitionChange kafka-study-topic-0 leader=4"
    ]
    assert back, "partition 0 never got its leader back"
    assert not trace.of_type(ev.RecordExpired)
    assert not trace.of_type(ev.RecordFailed)
    acked = trace.of_type(ev.RecordAcknowledged)
    assert len(acked) == len(trace.records)
    waited = [at for at, e in acked if e.partition == 0 and at > back[0]]
    assert waited, "no record waited for the partition to come back"
    # The next metadata answer after the change names broker 4: within one capped backoff.
    assert max(waited) <= back[0] + RETRY_BACKOFF_MAX_MS * JITTER + HOPS_MS
    asked = [at for at, _ in trace.of_type(ev.MetadataRequestSent) if at > back[0]]
    assert asked
    assert asked[0] < min(waited)
