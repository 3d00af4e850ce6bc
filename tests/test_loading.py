"""A broken scenarios.yaml is reported in the file's own terms: the place and the bad value."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kafkaretry.errors import ScenarioFileError
from kafkaretry.loading import load_scenario_book, load_topology
from tests.conftest import SCENARIOS

Data = dict[str, Any]


def _fault(d: Data, **changes: Any) -> None:
    d["scenarios"]["ack-loss"]["faults"][0].update(changes)


def _partition(d: Data, index: int, **changes: Any) -> None:
    d["topics"][0]["partitions"][index].update(changes)


CASES: list[tuple[str, Callable[[Data], object], str]] = [
    ("negative time", lambda d: _fault(d, at_ms=-5),
     "scenarios.ack-loss.faults[0].at_ms: must be a Java LONG from 0 to 9223372036854775807 "
     "(got -5)"),
    ("unknown fault kind", lambda d: _fault(d, kind="explode"),
     "scenarios.ack-loss.faults[0]: Input tag 'explode' found using 'kind' does not match any "
     "of the expected tags: 'drop-response', 'drop-request', 'crash-broker', 'stop-broker', "
     "'restart-broker', 'crash-controller', 'restart-controller', 'isolate-broker', 'heal', "
     "'slow-broker'"),
    ("misspelt setting", lambda d: d["producer"].update({"request.timeout.msx": 5}),
     "producer.request.timeout.msx: Extra inputs are not permitted"),
    ("bad acks", lambda d: d["producer"].update(acks=2),
     "producer.acks: Input should be 'all', '1' or '0' (got '2')"),
    ("replica not a broker", lambda d: _partition(d, 1, replicas=[5, 9]),
     "topics[0].partitions[1].replicas: [9] are not brokers (brokers: [4, 5, 6])"),
    ("replica twice", lambda d: _partition(d, 0, replicas=[4, 4, 5]),
     "topics[0].partitions[0]: replicas [4, 4, 5] name a broker twice"),
    ("leader outside isr", lambda d: _partition(d, 0, leader=5, isr=[4, 6]),
     "topics[0].partitions[0]: leader 5 must be in the isr [4, 6]"),
    ("controller is a broker", lambda d: d["cluster"].update(brokers=[3, 4, 5]),
     "cluster: node ids [3] are both controller and broker; kafkaretry models dedicated "
     "controllers (process.roles=controller)"),
    ("missing cluster", lambda d: d.pop("cluster"), "cluster: Field required"),
    ("crash an unknown broker",
     lambda d: d["scenarios"]["broker-down"]["faults"][0].update(broker=9),
     "scenarios.broker-down.faults[0].broker: 9 is not a broker (brokers: [4, 5, 6])"),
    ("broker id of the wrong type",
     lambda d: d["scenarios"]["broker-down"]["faults"][0].update(broker="four"),
     "scenarios.broker-down.faults[0].broker: expected a node id (an integer >= 0) or "
     "'partition-leader' (got 'four')"),
    ("slow an unknown broker",
     lambda d: d["scenarios"]["lagging-follower"]["faults"][0].update(broker=9),
     "scenarios.lagging-follower.faults[0].broker: 9 is not a broker (brokers: [4, 5, 6])"),
    ("slow by nothing",
     lambda d: d["scenarios"]["lagging-follower"]["faults"][0].update(delay_ms=0),
     "scenarios.lagging-follower.faults[0].delay_ms: must be a Java INT from 1 to 2147483647 "
     "(got 0)"),
    ("isolate on an unknown trigger",
     lambda d: d["scenarios"]["broker-unreachable"]["faults"][0].update(
         when={"event": "later"}),
     "scenarios.broker-unreachable.faults[0].when.event: Input should be 'sent', 'appended', "
     "'replicated', 'acknowledged', 'acknowledged-unreplicated' or 'appended-unfetched' "
     "(got 'later')"),
    ("record on an unknown topic",
     lambda d: d["scenarios"]["ack-loss"]["record"].update(topic="nope"),
     "scenarios.ack-loss.record.topic: unknown topic (topics: kafka-study-topic)"),
    ("bad topic name", lambda d: d["topics"][0].update(name="a topic"),
     "topics[0].name: topic names use only a-z A-Z 0-9 . _ - (1 to 249 characters) "
     "(got 'a topic')"),
    ("unknown key type",
     lambda d: d["scenarios"]["ack-loss"]["record"].update(key_type="float"),
     "scenarios.ack-loss.record.key_type: unknown key_type 'float'; one of string, int, long, "
     "short, uuid, bytes (got 'float')"),
]  # fmt: skip


def _write(tmp_path: Path, mutate: Callable[[Data], object]) -> Path:
    data = copy.deepcopy(yaml.safe_load(SCENARIOS.read_text(encoding="utf-8")))
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("mutate", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_file_names_the_place(
    tmp_path: Path, mutate: Callable[[Data], object], message: str
) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_book(path)
    assert caught.value.message == f"{path}: {message}"


def test_several_problems_are_listed(tmp_path: Path) -> None:
    def two_mistakes(d: Data) -> None:
        d["producer"].update(acks=2)
        _fault(d, at_ms=-1)

    path = _write(tmp_path, two_mistakes)
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_book(path)
    assert caught.value.message == (
        f"{path}: 2 problems\n"
        "  producer.acks: Input should be 'all', '1' or '0' (got '2')\n"
        "  scenarios.ack-loss.faults[0].at_ms: must be a Java LONG from 0 to "
        "9223372036854775807 (got -1)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cluster:\n  controllers: [1\n",
         "invalid YAML at line 3, column 1: did not find expected ',' or ']'"),
        ("- a\n- b\n",
         "expected a mapping with keys cluster, topics, producer, scenarios; got list"),
        ("", "expected a mapping with keys cluster, topics, producer, scenarios; got NoneType"),
    ],
)  # fmt: skip
def test_not_a_scenario_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario_book(path)
    assert caught.value.message == f"{path}: {message}"


def test_the_shipped_file_is_valid_and_mirrors_the_lab() -> None:
    book = load_scenario_book(SCENARIOS)
    topology = book.topology()
    assert topology.controllers == (1, 2, 3)
    assert topology.brokers == (4, 5, 6)
    topic = topology.topic(None)
    assert topic.name == "kafka-study-topic"
    assert [p.leader for p in topic.partitions] == [4, 5, 6]
    assert all(p.isr == p.replicas and len(p.replicas) == 3 for p in topic.partitions)
    assert sorted(book.scenarios) == [
        "ack-loss",
        "acks1-loss",
        "broker-down",
        "broker-unreachable",
        "lagging-follower",
        "min-isr",
        "reordering",
        "rolling-restart",
        "unclean-election",
    ]


def test_topology_cache_round_trips_and_follows_edits(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = SCENARIOS.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = load_topology(path)
    assert first == load_scenario_book(path).topology()
    assert load_topology(path) == first  # served from the cache
    path.write_text(text.replace("[4, 5, 6]  # partition 0", "[5, 4, 6]  # partition 0"))
    assert load_topology(path).topic(None).partitions[0].leader == 5
    path.write_text(text.replace("brokers: [4, 5, 6]", "brokers: [4, 5]"))
    with pytest.raises(ScenarioFileError):
        load_topology(path)  # an edited, broken file is never served from the cache
