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


def _drain(queue: EventQueue, until_ms: int) -> None:
    while (nxt := queue.peek()) is not None and nxt < until_ms:
        timer = queue.pop()
        assert timer is not None
        timer.action()


@pytest.mark.parametrize("seed", range(20))
def test_a_split_vote_is_decided_by_the_election_timer_without_backoff(seed: int) -> None:
    queue = EventQueue()
    events: list[ev.KRaftEvent] = []
    quorum = RaftQuorum((1, 2, 3), ClusterSettings(), queue, random.Random(seed), events.append, 1)
    quorum.start(1)
    # Both standbys handled their last Fetch response in the same ms: their fetch timers run
    # out together, each grants the other's pre-vote and votes for itself in epoch 2.

    def crash_the_leader() -> None:
        quorum.crash(1, lambda follower: 0)

    queue.at(0, crash_the_leader)
    _drain(queue, 60_000)
    lost = _kinds_of(events, ev.ElectionLost)
    # The first Candidate whose own timer (1000 + random[0, 1000) ms) runs out turns
    # Prospective at once.
    assert lost
    first = lost[0]
    assert (first.pre_vote, first.timed_out, first.wait_ms, first.then) == (
        False,
        True,
        0,
        "prospective",
    )
    started = _kinds_of(events, ev.PreVoteStarted)
    assert any(p.at_ms == first.at_ms and p.controller == first.controller for p in started)
    (elected,) = _kinds_of(events, ev.ControllerElected)
    assert elected.epoch == 3
    # pre-vote, grant, Candidate, vote, won: four one-way hops after the timer ran out
    assert elected.at_ms == first.at_ms + 4


@pytest.mark.parametrize("seed", range(20))
def test_the_standby_whose_fetch_timer_runs_out_last_wins_the_first_round(seed: int) -> None:
    run = Run(seed)
    run.at(0, lambda: run.plane.crash_controller(1))
    assert run.until(60_000)
    timeouts = _kinds(run, ev.FetchTimeoutExpired)
    (elected,) = _kinds(run, ev.ControllerElected)
    first, last = sorted(timeouts, key=lambda e: (e.at_ms, e.controller))
    # Each timer runs controller.quorum.fetch.timeout.ms from that standby's own last Fetch
    # response (FollowerState.resetFetchTimeoutForSuccessfulFetch).
    assert all(e.at_ms == e.last_fetch_ms + 2_000 for e in timeouts)
    if last.at_ms - first.at_ms >= 2:
        # The other standby has fetched from the leader: it refuses the first one's pre-vote
        # (FollowerState.canGrantVote). The dead leader never answers, so the first stays
        # Prospective (EpochElection.isVoteRejected) and grants the later one's pre-vote and
        # vote: epoch 2, one round.
        (refused,) = _kinds(run, ev.PreVoteRejected)
        assert (refused.voter, refused.prospective) == (last.controller, first.controller)
        assert refused.reason == "still fetching from the leader"
        assert (elected.new_active, elected.epoch) == (last.controller, 2)
        assert elected.at_ms == last.at_ms + 4
        assert not _kinds(run, ev.ElectionStarted)[1:]
    else:  # within a hop: both become Candidates of epoch 2 and split the vote
        assert elected.epoch == 3


def _kinds_of(events: list[ev.KRaftEvent], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


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
        quorum.crash(1, lambda follower: 0)

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
