"""Kafka 4.1's Raft elections: no backoff after a lost election, a lone voter, one timer each."""

from __future__ import annotations

import random
from typing import TypeVar

import pytest

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft.quorum import RaftQuorum
from kafkaretry.sim.settings import ClusterSettings
from kafkaretry.topology import Topology
from tests.sim.kraft_harness import Run, lab_topology

E = TypeVar("E")


def _kinds(run: Run, kind: type[E]) -> list[E]:
    return [e for e in run.events if isinstance(e, kind)]


@pytest.mark.parametrize("seed", range(20))
def test_a_split_vote_is_decided_by_the_election_timer_without_backoff(seed: int) -> None:
    run = Run(seed)
    run.at(0, lambda: run.plane.crash_controller(1))
    assert run.until(60_000)
    lost = _kinds(run, ev.ElectionLost)
    # Both standbys time out in the same ms, each votes for itself: a split, then the first
    # Candidate whose own timer (1000 + random[0, 1000) ms) runs out turns Prospective at once.
    assert lost
    first = lost[0]
    assert (first.pre_vote, first.timed_out, first.wait_ms, first.then) == (
        False,
        True,
        0,
        "prospective",
    )
    started = _kinds(run, ev.PreVoteStarted)
    assert any(p.at_ms == first.at_ms and p.controller == first.controller for p in started)
    elected = _kinds(run, ev.ControllerElected)
    assert len(elected) == 1
    # pre-vote, grant, Candidate, vote, won: four one-way hops after the timer ran out
    assert elected[0].at_ms == first.at_ms + 4


def test_a_lone_controller_elects_itself_as_soon_as_it_restarts() -> None:
    lone = Topology((1,), lab_topology().brokers, lab_topology().topics)
    run = Run(0, topology=lone)
    run.at(13, lambda: run.plane.crash_controller(1))
    run.at(5_000, lambda: run.plane.restart_controller(1))
    assert run.until(60_000)  # before: Prospective forever, the queue never drained
    (elected,) = _kinds(run, ev.ControllerElected)
    assert (elected.at_ms, elected.new_active, elected.epoch, elected.votes) == (5_000, 1, 2, (1,))
    assert not _kinds(run, ev.ElectionLost)
    assert run.plane.active_controller() == 1


def test_a_candidate_refused_by_a_majority_keeps_one_timer() -> None:
    queue = EventQueue()
    events: list[ev.KRaftEvent] = []
    config = ClusterSettings(quorum_election_timeout_ms=100)
    quorum = RaftQuorum((1, 2, 3, 7), config, queue, random.Random(1), events.append, 1)
    quorum.start(1)

    def crash_the_leader() -> None:
        quorum.crash(1, 0)

    queue.at(0, crash_the_leader)
    worst = 0
    while (nxt := queue.peek()) is not None and nxt < 20_000:
        timer = queue.pop()
        assert timer is not None
        timer.action()
        now = queue.now_ms
        # Messages travel one hop; anything further out is a voter's timer: one per live voter.
        pending = [e for e in queue._heap if e[0] > now + 1 and not e[2].cancelled]  # type: ignore[union-attr]
        worst = max(worst, len(pending))
    refused = [e for e in events if isinstance(e, ev.ElectionLost) and not e.timed_out]
    assert refused  # three Candidates in epoch 2 refuse one another: each lost by majority
    assert all(e.wait_ms > 0 and e.then == "prospective" for e in refused)
    assert worst <= 3  # before: the refused Candidate's timer leaked beside its backoff (6)
    assert quorum.leader() in (2, 3, 7)
