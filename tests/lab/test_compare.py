"""Facts of a real run, and the fact-by-fact agreement with the model."""

from __future__ import annotations

from typing import Any

from kafkaretry.lab.compare import Fact, agreement_json, compare
from kafkaretry.lab.facts import real_facts
from kafkaretry.lab.inputs import LabInputs
from kafkaretry.runner import run_scenario
from kafkaretry.topology import Topology
from tests.conftest import SCENARIOS


def _inputs() -> LabInputs:
    return LabInputs(
        scenario="ack-loss", description="", topology=Topology((), (), ()), topic="t",
        partition=0, key="1", key_type="int", key_hex="00000001", value_bytes=1,
        producer={}, cluster={}, faults=(), simulated={}, overrides=(), fast_factor=None,
    )  # fmt: skip


def _produce(at: int, outcome: str, offset: int | None, pid: int = 1000) -> dict[str, Any]:
    return {
        "kind": "produce", "at_ms": at, "broker": 4, "topic": "t", "partition": 0,
        "producer_id": pid, "producer_epoch": 0, "base_sequence": 0 if pid >= 0 else -1,
        "outcome": outcome, "base_offset": offset,
    }  # fmt: skip


def _facts(wire: list[dict[str, Any]], offsets: list[int]) -> dict[str, Any]:
    return real_facts(
        _inputs(),
        producer=[
            {"event": "send", "at_ms": 1000},
            {"event": "on_send", "at_ms": 1001, "partition": None},
            {
                "event": "callback",
                "at_ms": 7100,
                "partition": 0,
                "offset": offsets[0],
                "exception": None,
            },
        ],
        wire=wire,
        watch=[],
        faults=[],
        log={"records": [{"offset": o, "key_hex": "00000001"} for o in offsets]},
        active_at_start=1,
        wall_ms=9000,
    )


def test_a_retry_answered_with_the_first_copys_offset_is_a_duplicate() -> None:
    facts = _facts([_produce(1500, "response-lost", None), _produce(7500, "NONE", 0)], [0])
    assert [(a["at_ms"], a["outcome"]) for a in facts["attempts"]] == [
        (500, "response-lost"),
        (6500, "deduplicated"),
    ]
    assert (facts["copies"], facts["acked"], facts["ack_broker"], facts["ack_at_ms"]) == (
        1,
        True,
        4,
        6100,
    )
    assert facts["interceptor_partition"] is None


def test_without_idempotence_the_retry_is_a_second_copy() -> None:
    wire = [_produce(1500, "response-lost", None, -1), _produce(7500, "NONE", 1, -1)]
    facts = _facts(wire, [0, 1])
    assert [a["outcome"] for a in facts["attempts"]] == ["response-lost", "acknowledged"]
    assert facts["copies"] == 2


def test_the_model_agrees_with_itself_and_a_difference_is_explained() -> None:
    simulated = run_scenario(
        SCENARIOS, "ack-loss", key=None, key_type=None, overrides=[], seed=0
    ).json()
    real = {
        "attempts": [
            {"at_ms": a["at_ms"], "broker": a["broker"], "partition": a["partition"],
             "outcome": a["outcome"]}
            for a in simulated["attempts"]
        ],
        "copies": 2, "acked": True, "ack_broker": 4, "ack_at_ms": simulated["ack_at_ms"],
        "leader_election": None, "controller_election": None, "faults": [],
    }  # fmt: skip
    rows = {r["fact"]: r for r in agreement_json(compare(simulated, [real, real]))}
    assert rows["attempts"]["agrees"] is True
    assert rows["copies in the partition"] == {
        "fact": "copies in the partition",
        "kind": "outcome",
        "simulated": 1,
        "real": [2, 2],
        "agrees": False,
        "explanation": "the model says 1; Kafka gave 2 (run 1, 2)",
    }
    assert "crash → new partition leader (ms)" not in rows  # none on both sides


def test_a_timing_agrees_within_the_tolerance_and_explains_its_range() -> None:
    assert Fact("t", "timing", 1000, [1140, 1240]).agrees()  # 150 ms of slack below 1500 ms
    assert Fact("t", "timing", 1000, [700, 850]).agrees()
    assert Fact("t", "timing", 10000, [10900, 11000]).agrees()  # 10 % above 1500 ms
    assert not Fact("t", "timing", 10000, [11100, 11200]).agrees()
    late = Fact("t", "timing", 1000, [1400, 1600])
    assert not late.agrees()
    assert late.explanation() == "the model says 1000 ms; Kafka took 1400-1600 ms"
    never = Fact("t", "timing", 689, [None, 700])
    assert never.explanation() == "the model says 689 ms; Kafka took 700 ms; not seen in run 1"
