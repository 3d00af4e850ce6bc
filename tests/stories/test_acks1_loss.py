"""acks1-loss: an acks=1 answer for a record no follower fetched, then the leader dies.

For every seed (and a few link latencies) the crash comes right after such an append, the
answer still reaches the producer, a follower leads without the record and the old leader,
back, truncates it away; with acks=all the same crash loses nothing acknowledged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kafkaretry.runner import run_scenario
from kafkaretry.scenario import FaultPlan
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from tests.conftest import SCENARIOS, assert_golden, render_text
from tests.stories.common import as_json, cli, story

SEEDS = range(41)


def _lost(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in data["records"] if r["lost"]]


@pytest.mark.parametrize("seed", SEEDS)
def test_acks_1_loses_an_acknowledged_record_for_every_seed(seed: int) -> None:
    trace = story("acks1-loss", seed)
    data = as_json(trace)
    crashes = trace.of_type(k.BrokerCrashed)
    assert [e.broker for _, e in crashes] == [4]
    crashed_at = crashes[0][0]
    lost = _lost(data)
    assert lost, "acks=1 must lose an acknowledged record"
    for r in lost:
        # Broker 5 leads after the crash; broker 4, back and in sync, is the preferred
        # leader again after the next auto.leader.rebalance check.
        assert (r["acked_by"], r["final_leader"], r["copied_at_ack"]) == (4, 4, [])
        assert r["kind"] == "acked-then-lost"
        # The answer left broker 4 before it died and arrived after: TCP delivered it.
        assert r["ack_at_ms"] > crashed_at
        [cut] = r["truncated"]
        assert (cut["broker"], cut["leader"]) == (4, 5)
        assert cut["truncated_to"] <= r["ack_offset"] < cut["log_end_offset"]
        holder = r["ack_offset_holds"]
        assert holder is None or data["records"][holder]["copies"] == [r["ack_offset"]]
    assert data["outcome"]["reason"] == "acked-then-lost"
    assert all(r["status"] == "acknowledged" for r in data["records"])
    # Broker 4 truncates once, to where epoch 0 ends in broker 5's log.
    [truncation] = data["cluster"]["truncations"]
    assert truncation["truncated_to"] == min(r["ack_offset"] for r in lost)


@pytest.mark.parametrize("seed", SEEDS)
def test_acks_all_loses_nothing_acknowledged_in_the_same_crash(seed: int) -> None:
    trace = story("acks1-loss", seed, acks="all")
    data = as_json(trace)
    assert [e.broker for _, e in trace.of_type(k.BrokerCrashed)] == [4]
    assert not _lost(data)
    assert all(r["status"] == "acknowledged" for r in data["records"])
    for r in data["records"]:
        assert len(r["copies"]) == 1
        assert r["committed"] == r["copies"]
    # What broker 4 held alone was never acknowledged by it: the producer retried it.
    assert all(r["acked_by"] == 5 for r in data["records"] if r["attempts"][-1]["attempt"] > 1)


@pytest.mark.parametrize("latency", ["2", "3"])
@pytest.mark.parametrize("seed", range(0, 41, 4))
def test_the_premise_holds_on_slower_links(latency: str, seed: int) -> None:
    assert _lost(as_json(story("acks1-loss", seed, network_latency_ms=latency)))
    assert not _lost(as_json(story("acks1-loss", seed, network_latency_ms=latency, acks="all")))


@pytest.mark.parametrize("at_ms", [11, 12, 13, 20, 40])
@pytest.mark.parametrize("seed", [0, 1, 5])
def test_a_fixed_crash_time_is_told_as_it_happened(at_ms: int, seed: int) -> None:
    run = run_scenario(
        SCENARIOS,
        "acks1-loss",
        key=None,
        key_type=None,
        overrides=[],
        seed=seed,
        plan=FaultPlan(at_ms=at_ms),
    )
    data = run.json()
    _, *stages = run.stages(brief=True)  # the header quotes the scenario's description
    text = "".join(render_text(stage, width=400) for stage in stages)
    lost = _lost(data)
    assert ("Acknowledged, then lost" in text) == bool(lost)
    assert ("truncates its log" in text) == bool(data["cluster"]["truncations"])
    for r in lost:
        assert r["truncated"]
        assert r["acked_by"] == 4


def test_a_follower_that_fetched_the_record_keeps_it() -> None:
    # The trigger waits for an append no follower's fetch has carried: every record
    # acknowledged before it was fetched by both followers, so it survives.
    trace = story("acks1-loss", 0)
    data = as_json(trace)
    first_lost = min(r["index"] for r in _lost(data))
    for r in data["records"][:first_lost]:
        assert r["copies"] == [r["ack_offset"]]
    fetched = {
        (e.broker, e.last_offset) for _, e in trace.of_type(ev.FollowerReplicated) if e.leader == 4
    }
    assert {b for b, last in fetched if last >= first_lost} == set()


def test_golden_acks1_loss() -> None:
    assert_golden("simulate-acks1-loss.txt", cli("acks1-loss").stdout)


def test_golden_acks1_loss_acks_all() -> None:
    assert_golden("simulate-acks1-loss-acks-all.txt", cli("acks1-loss", "--set", "acks=all").stdout)


def test_a_follower_crash_loses_nothing_and_a_running_broker_is_not_restarted(
    tmp_path: Path,
) -> None:
    # --broker retargets the crash and the restart alike: follower 5 dies and returns.
    run = run_scenario(
        SCENARIOS,
        "acks1-loss",
        key=None,
        key_type=None,
        overrides=[],
        seed=0,
        plan=FaultPlan(broker=5),
    )
    data = run.json()
    assert not _lost(data)
    assert data["cluster"]["truncations"] == []
    assert [e["broker"] for e in data["events"] if e["type"] == "BrokerRestarted"] == [5]
    # A restart of a broker that never died does nothing, and says so.
    text = SCENARIOS.read_text(encoding="utf-8")
    running = tmp_path / "running.yaml"
    running.write_text(text.replace("broker: 4                  # the old leader", "broker: 6  #"))
    data = run_scenario(
        running, "acks1-loss", key=None, key_type=None, overrides=[], seed=0, plan=FaultPlan()
    ).json()
    assert [e["broker"] for e in data["events"] if e["type"] == "BrokerRestarted"] == []
    notes = [e["detail"] for e in data["events"] if e["type"] == "FaultArmed"]
    assert "broker 6 is running: nothing to restart" in notes
