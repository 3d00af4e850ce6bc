"""Stories for Kafka 4.1's rules, each built from the shipped cluster with faults of its own."""

from __future__ import annotations

from typing import Any

import yaml

from kafkaretry.config import ScenarioBook
from kafkaretry.report import trace_json
from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.simulation import Simulation
from kafkaretry.sim.trace import Trace
from tests.conftest import SCENARIOS


def story(
    faults: list[dict[str, Any]],
    seed: int = 0,
    cluster: dict[str, Any] | None = None,
    producer: dict[str, Any] | None = None,
    controllers: list[int] | None = None,
    **record: Any,
) -> Trace:
    """The shipped cluster and producer, record key 1 (partition 0, led by broker 4)."""
    data = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    if controllers is not None:
        data["cluster"]["controllers"] = controllers
    scenario: dict[str, Any] = {
        "description": "a story for a test",
        "record": {"key": "1", "key_type": "int", **record},
        "faults": faults,
    }
    if cluster:
        scenario["cluster_configs"] = cluster
    if producer:
        scenario["producer"] = producer
    data["scenarios"] = {"story": scenario}
    book = ScenarioBook.model_validate(data)
    return Simulation(scenario_inputs(book, "story"), seed).run()


def test_the_high_watermark_moves_when_the_isr_shrinks_to_the_leader_alone() -> None:
    # Both followers die before copying the record; min.insync.replicas=1.
    trace = story(
        [
            {"kind": "crash-broker", "broker": 5, "at_ms": 12},
            {"kind": "crash-broker", "broker": 6, "at_ms": 12},
        ]
    )
    data = trace_json(trace, "int")
    fenced = [at for at, e in trace.of_type(k.BrokerFenced)]
    assert len(fenced) == 2
    for at, expired in trace.of_type(k.BrokerSessionExpired):
        assert 0 <= at - expired.last_contact_ms - 9_000 < 1_125
    # Partition.makeLeader: the ISR is down to the leader, so its high watermark moves at once.
    hw = [(at, e.broker) for at, e in trace.of_type(ev.HighWatermarkAdvanced) if e.partition == 0]
    assert hw[0][1] == 4
    assert hw[0][0] > fenced[1]
    assert data["acked"] is True
    assert 7_000 <= data["ack_at_ms"] <= 11_200  # before: never (expired at 120 s)
    assert [(a["attempt"], a["outcome"]) for a in data["attempts"]] == [(1, "acknowledged")]
    assert data["log"]["copies"] == 1


def test_a_lone_controller_that_restarts_leads_again_at_once() -> None:
    trace = story(
        [
            {"kind": "crash-controller", "controller": 1, "at_ms": 13},
            {"kind": "restart-controller", "controller": 1, "at_ms": 5_000},
        ],
        controllers=[1],
    )
    elected = trace.of_type(k.ControllerElected)
    assert [(at, e.new_active, e.epoch) for at, e in elected] == [(5_000, 1, 2)]
    assert trace.final.control is not None
    assert trace.final.control.active_controller == 1
