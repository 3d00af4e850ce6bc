"""broker-unreachable: a black-holed host. The leader moves at ~9 s, the ack waits ~30 s."""

from __future__ import annotations

import dataclasses

import pytest

from kafkaretry.scenario import scenario_inputs
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.settings import Heal
from kafkaretry.sim.simulation import Simulation
from tests.conftest import assert_golden
from tests.sim.helpers import book
from tests.stories.common import SEEDS, as_json, cli, story

SESSION_MS, REQUEST_MS = 9_000, 30_000


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ack_waits_request_timeout_although_the_leader_moved_after_the_session(
    seed: int,
) -> None:
    trace = story("broker-unreachable", seed)
    data = as_json(trace)
    cut_at = trace.of_type(k.BrokerIsolated)[0][0]
    assert data["failed"] == {"broker": None, "controller": None, "isolated": 4}
    moved = data["leader_election"]
    assert (moved["old_leader"], moved["new_leader"]) == (4, 5)
    # Fenced broker.session.timeout.ms after its last heartbeat (one every 2 s) arrived,
    # by a check that may run up to 1125 ms later in 4.1 (QuorumController's periodic fence).
    assert SESSION_MS - 2_000 <= moved["at_ms"] - cut_at <= SESSION_MS + 1_125
    first, retry = data["attempts"]
    assert (first["broker"], first["outcome"]) == (4, "timed-out")
    assert (retry["broker"], retry["outcome"]) == (5, "deduplicated")
    # Nothing resets the connection: only request.timeout.ms ends the first attempt.
    assert retry["at_ms"] - first["at_ms"] >= REQUEST_MS
    assert REQUEST_MS <= data["ack_at_ms"] - first["at_ms"] <= REQUEST_MS + 1_500
    assert data["log"]["copies"] == 1
    closed = [e.reason for _, e in trace.of_type(ev.ConnectionClosed)]
    assert "connection refused" not in closed
    assert closed[0] == "request timed out"


def test_a_shorter_request_timeout_meets_a_hanging_connection() -> None:
    # Retried before the fence, the producer reconnects to the lost host: nothing answers,
    # so socket.connection.setup.timeout.ms (10 s, +-20 %) ends the attempt, not a reset.
    trace = story("broker-unreachable", 0, request_timeout_ms="5000")
    hung = trace.of_type(ev.ConnectionSetupTimedOut)
    assert [e.broker for _, e in hung] == [4]
    assert 8_000 <= hung[0][1].timeout_ms <= 12_000
    ack = trace.acknowledgement()
    assert ack is not None
    assert ack[1].broker == 5
    assert ack[0] < REQUEST_MS


def test_the_connection_setup_timeout_doubles_up_to_its_maximum() -> None:
    # A session long enough that the leader never moves: the producer keeps reconnecting.
    trace = story(
        "broker-unreachable",
        0,
        request_timeout_ms="2000",
        broker_session_timeout_ms="100000",
        delivery_timeout_ms="80000",
    )
    timeouts = [e.timeout_ms for _, e in trace.of_type(ev.ConnectionSetupTimedOut)]
    assert len(timeouts) >= 3
    assert 8_000 <= timeouts[0] <= 12_000
    assert 16_000 <= timeouts[1] <= 24_000
    assert all(
        24_000 <= t <= 30_000 for t in timeouts[2:]
    )  # socket.connection.setup.timeout.max.ms
    assert trace.of_type(ev.RecordExpired)


def test_heal_lets_the_broker_heartbeat_again_and_be_unfenced() -> None:
    inputs = scenario_inputs(book(), "broker-unreachable")
    inputs = dataclasses.replace(inputs, faults=(*inputs.faults, Heal(4, 40_000)))
    trace = Simulation(inputs, 0).run()
    assert [at for at, _ in trace.of_type(k.BrokerHealed)] == [40_000]
    unfenced = [(at, e.broker) for at, e in trace.of_type(k.BrokerUnfenced)]
    assert len(unfenced) == 1
    assert unfenced[0][1] == 4
    assert 40_000 < unfenced[0][0] < 42_000
    final = trace.final.control
    assert final is not None
    assert [b.isolated for b in final.brokers] == [False, False, False]


def test_golden_broker_unreachable() -> None:
    assert_golden("simulate-broker-unreachable.txt", cli("broker-unreachable").stdout)
