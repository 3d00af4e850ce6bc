"""KRaft control plane: timings and choices from KAFKA.md §6 with default and changed configs."""

from __future__ import annotations

from functools import partial

import pytest

from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft import views
from kafkaretry.sim.kraft.views import PartitionView
from kafkaretry.sim.settings import ClusterSettings
from tests.sim.kraft_harness import TOPIC, Run


def _only(run: Run, kind: type[ev.KRaftEvent]) -> ev.KRaftEvent:
    found = run.of(kind)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("seed", range(5))
def test_broker_crash_is_fenced_a_session_timeout_after_its_last_heartbeat(seed: int) -> None:
    run = Run(seed)
    run.at(0, lambda: run.plane.crash_broker(4))
    assert run.until(60_000)
    expired = _only(run, ev.BrokerSessionExpired)
    assert isinstance(expired, ev.BrokerSessionExpired)
    # Checked every 9000 / 8 = 1125 ms (KAFKA-17793): fenced 0 to 1125 ms after expiry.
    assert 0 <= expired.at_ms - (expired.last_contact_ms + 9_000) < 1_125
    assert expired.check_period_ms == 1_125
    assert 7_000 <= expired.at_ms <= 10_125  # not at once, and no Raft election
    assert not run.of(ev.ElectionStarted)
    elected = [
        e for e in run.of(ev.PartitionLeaderElected) if isinstance(e, ev.PartitionLeaderElected)
    ]
    assert [(e.partition, e.old_leader, e.new_leader, e.leader_epoch) for e in elected] == [
        (0, 4, 5, 1)  # next ISR replica in assignment order [4, 5, 6], leader epoch + 1
    ]
    assert run.plane.partition(TOPIC, 0) == PartitionView(TOPIC, 0, 5, 1, 1, (5, 6), (4, 5, 6))
    assert run.plane.broker_fenced(4)
    assert run.plane.active_controller() == 1


def test_brokers_answer_from_their_own_cache_one_hop_behind_the_commit() -> None:
    run = Run(3)
    seen: list[tuple[int, str, int, PartitionView]] = []
    run.plane.subscribe(lambda b, t, p, view: seen.append((b, t, p, view)))
    run.at(0, lambda: run.plane.crash_broker(4))
    run.until(60_000)
    (fenced,) = [e for e in run.of(ev.BrokerFenced) if isinstance(e, ev.BrokerFenced)]
    commits = [e.at_ms for e in run.of(ev.MetadataRecordCommitted)]
    # append.linger.ms, then the followers' Fetch round trip moves the high watermark
    assert commits
    assert set(commits) == {fenced.at_ms + 25 + 2}
    applied = [
        e for e in run.of(ev.BrokerMetadataApplied) if isinstance(e, ev.BrokerMetadataApplied)
    ]
    # KIP-1166: the parked metadata Fetch returns as the high watermark moves, one hop later
    hop_later = commits[0] + 1
    assert sorted((e.broker, e.at_ms) for e in applied) == [(5, hop_later), (6, hop_later)]
    fresh = run.plane.broker_metadata(6, TOPIC)
    assert fresh.partitions[0].leader == 5
    assert fresh.brokers == (5, 6)  # fenced brokers are not listed
    assert {(b, p, v.leader, v.leader_epoch) for b, _, p, v in seen if p == 0} == {
        (5, 0, 5, 1),
        (6, 0, 5, 1),
    }


def test_a_broker_answers_from_its_cache_until_it_applies_the_commit() -> None:
    run = Run(3)
    run.at(0, lambda: run.plane.crash_broker(4))
    run.until(60_000)
    commit = run.of(ev.MetadataRecordCommitted)[0].at_ms
    run = Run(3)
    run.at(0, lambda: run.plane.crash_broker(4))
    run.until(commit)
    assert run.plane.partition(TOPIC, 0).leader == 5  # committed at the controllers
    stale = run.plane.broker_metadata(6, TOPIC)
    assert stale.partitions[0].leader == 4  # broker 6 has not fetched it yet
    assert stale.brokers == (4, 5, 6)
    run.until(commit + 1)
    assert run.plane.broker_metadata(6, TOPIC).partitions[0].leader == 5


@pytest.mark.parametrize("seed", range(5))
def test_new_controller_gives_fresh_sessions_so_the_dead_broker_is_fenced_later(seed: int) -> None:
    run = Run(seed)
    run.at(0, lambda: run.plane.crash_broker(4))
    run.at(0, lambda: run.plane.crash_controller(1))
    assert run.until(60_000)
    elected = _only(run, ev.ControllerElected)
    assert isinstance(elected, ev.ControllerElected)
    assert elected.new_active in (2, 3)
    assert elected.epoch > 1
    assert 1_500 <= elected.at_ms <= 4_200  # fetch timeout 2 s + pre-vote/vote (T13)
    renewed = _only(run, ev.BrokerSessionsRenewed)
    assert renewed.at_ms > elected.at_ms
    fenced = _only(run, ev.BrokerSessionExpired)
    assert fenced.at_ms == renewed.at_ms + 9_000  # T12, not lastHeartbeat + 9 s
    assert run.plane.active_controller() == elected.new_active
    assert run.plane.controller_epoch() == elected.epoch
    assert run.plane.partition(TOPIC, 0).leader == 5


def test_prospective_does_not_bump_the_epoch_but_a_candidate_does() -> None:
    run = Run(1)
    run.at(0, lambda: run.plane.crash_controller(1))
    run.until(60_000)
    pre = [e for e in run.of(ev.PreVoteStarted) if isinstance(e, ev.PreVoteStarted)]
    started = [e for e in run.of(ev.ElectionStarted) if isinstance(e, ev.ElectionStarted)]
    assert pre[0].epoch == 1
    assert started[0].epoch == 2
    first_timeout = run.of(ev.FetchTimeoutExpired)[0]
    assert isinstance(first_timeout, ev.FetchTimeoutExpired)
    assert first_timeout.at_ms == first_timeout.last_fetch_ms + 2_000


@pytest.mark.parametrize("dead", [(1, 2), (2, 3), (1, 3)])
def test_no_majority_means_no_active_controller_and_nothing_fenced(dead: tuple[int, int]) -> None:
    run = Run(4)
    for controller in dead:
        run.at(0, partial(run.plane.crash_controller, controller))
    run.at(10, lambda: run.plane.crash_broker(4))
    assert run.until(10**9)  # the queue drains: no endless election storm
    assert run.plane.active_controller() is None
    assert not run.of(ev.ControllerElected)
    assert not run.plane.broker_fenced(4)
    assert run.plane.partition(TOPIC, 0).leader == 4
    assert len(run.of(ev.NoQuorum)) == 1


def test_restarting_a_controller_restores_the_quorum() -> None:
    run = Run(4)
    run.at(0, lambda: run.plane.crash_controller(1))
    run.at(0, lambda: run.plane.crash_controller(2))
    run.at(20_000, lambda: run.plane.restart_controller(2))
    run.at(20_000, lambda: run.plane.crash_broker(6))
    assert run.until(10**9)
    assert run.plane.active_controller() in (2, 3)
    assert run.plane.broker_fenced(6)


def test_session_timeout_setting_moves_the_timeline() -> None:
    config = ClusterSettings(broker_session_timeout_ms=6_000)
    run = Run(2, config)
    run.at(0, lambda: run.plane.crash_broker(4))
    run.until(60_000)
    expired = _only(run, ev.BrokerSessionExpired)
    assert isinstance(expired, ev.BrokerSessionExpired)
    assert expired.check_period_ms == 750  # 6000 / 8
    assert 0 <= expired.at_ms - (expired.last_contact_ms + 6_000) < 750


def test_fences_land_within_one_check_period_after_expiry_at_varying_offsets() -> None:
    lags = set()
    for seed in range(40):
        run = Run(seed)
        run.at(0, lambda run=run: run.plane.crash_broker(4))  # type: ignore[misc]
        run.until(60_000)
        expired = _only(run, ev.BrokerSessionExpired)
        assert isinstance(expired, ev.BrokerSessionExpired)
        lag = expired.at_ms - (expired.last_contact_ms + 9_000)
        assert 0 <= lag < 1_125
        lags.add(lag)
    assert len(lags) > 20  # the check's phase is not tied to the broker's heartbeats


def test_restarted_broker_registers_fenced_and_is_unfenced_once_caught_up() -> None:
    run = Run(7)
    run.at(0, lambda: run.plane.crash_broker(4))
    run.at(20_000, lambda: run.plane.restart_broker(4))
    run.until(20_040)  # registered (fenced) at 20023; its catch-up has not committed yet
    assert run.plane.broker_alive(4)
    assert run.plane.broker_fenced(4)
    assert run.until(60_000)
    registered = _only(run, ev.BrokerRegistered)
    unfenced = _only(run, ev.BrokerUnfenced)
    assert registered.at_ms < unfenced.at_ms
    assert not run.plane.broker_fenced(4)
    assert run.plane.partition(TOPIC, 0).leader == 5  # it rejoins the ISR via the data plane


def test_last_isr_member_fenced_leaves_the_partition_offline() -> None:
    run = Run(0)
    for broker in (4, 5, 6):
        run.at(0, partial(run.plane.crash_broker, broker))
    assert run.until(60_000)
    view = run.plane.partition(TOPIC, 0)
    assert view.leader == views.NO_LEADER
    assert len(view.isr) == 1  # ELR off: the ISR is never emptied


def test_unfencing_the_last_isr_member_brings_the_partition_back() -> None:
    run = Run(0)
    for broker in (4, 5, 6):
        run.at(0, partial(run.plane.crash_broker, broker))
    run.until(30_000)
    last = run.plane.partition(TOPIC, 0).isr[0]
    run.at(30_000, lambda: run.plane.restart_broker(last))
    assert run.until(90_000)
    assert run.plane.partition(TOPIC, 0).leader == last


def test_snapshot_shows_roles_epochs_and_votes() -> None:
    run = Run(1)
    run.at(0, lambda: run.plane.crash_controller(1))
    run.until(60_000)
    snap = run.plane.snapshot()
    roles = {c.id: c.role for c in snap.controllers}
    assert roles[1] == "dead"
    assert sorted(roles.values()) == ["active", "dead", "standby"]
    active = next(c for c in snap.controllers if c.role == "active")
    assert active.voted_for == active.id
    assert active.epoch == snap.epoch
    assert [b.fenced for b in snap.brokers] == [False, False, False]
