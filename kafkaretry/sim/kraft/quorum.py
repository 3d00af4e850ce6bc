"""The Raft quorum of `__cluster_metadata`: who is leader (active controller), at which epoch.

Rules (KafkaRaftClient, QuorumState and their EpochStates in Kafka 4.1; KIP-595, KIP-996):
1. A follower whose last successful Fetch is older than controller.quorum.fetch.timeout.ms
   becomes Prospective at the SAME epoch and asks for pre-votes (nothing is persisted).
2. A voter rejects a pre-vote while it is the leader or a follower that has fetched from its
   leader; otherwise it grants it when the asker's log (last epoch, end offset) is at least
   as up to date as its own.
3. A majority of pre-votes (the asker counts) makes it Candidate: epoch + 1, votes for
   itself, asks for real votes; a voter grants at most one real vote per epoch, and only to
   an up-to-date log. A majority of votes makes it leader (BeginQuorumEpoch to the others).
4. Every election has its own timer, election.timeout.ms + random[0, election.timeout.ms)
   (QuorumState.randomElectionTimeoutMs), and 4.1 has no backoff after a lost election
   (KAFKA-18345; election.backoff.max.ms only spaces out successors of a leader that resigns
   gracefully, strictExponentialElectionBackoffMs). A Candidate whose timer runs out turns
   Prospective at once (pollCandidate); one that a majority refused waits out the rest of
   the same timer (maybeHandleElectionLoss). A Prospective that loses becomes a Follower of
   the leader it knew, with a fresh fetch timer, or else Unattached with a fresh election
   timer (prospectiveTransitionAfterElectionLoss); either turns Prospective when it runs out.
5. Check-quorum (KAFKA-15489): a leader without Fetches from a majority for 1.5 x fetch
   timeout resigns.
6. A lone voter elects itself at once: KafkaRaftClient.initialize sends an only voter to
   Prospective, and the Prospective and Candidate transitions short-circuit when the voter's
   own grant is a majority.
7. kafkaretry stops a hopeless loop: when fewer than a majority of voters are alive, the
   survivors emit NoQuorum once and wait (real Kafka retries forever) until a voter restarts.
Messages are actions on the queue `hop_ms` later; no event per routine Fetch.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue, Timer
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft.voter import LogEnd, Role, Voter, refusal
from kafkaretry.sim.settings import ClusterSettings

CHECK_QUORUM_TIMEOUT_FACTOR = 1.5  # LeaderState.CHECK_QUORUM_TIMEOUT_FACTOR


class RaftQuorum:
    def __init__(
        self,
        ids: tuple[int, ...],
        config: ClusterSettings,
        queue: EventQueue,
        rng: random.Random,
        emit: Callable[[ev.KRaftEvent], None],
        hop_ms: int,
    ) -> None:
        self.voters = {i: Voter(i) for i in ids}
        self.majority = len(ids) // 2 + 1
        self._config, self._queue, self._rng, self._emit, self._hop = (
            config,
            queue,
            rng,
            emit,
            hop_ms,
        )
        self._no_quorum_reported = False
        self._check_quorum: Timer | None = None
        self.on_elected: Callable[[int, int], None] = lambda leader, epoch: None
        self.on_leader_lost: Callable[[int], None] = lambda leader: None

    # -- queries -------------------------------------------------------------------------
    def leader(self) -> int | None:
        for v in self.voters.values():
            if v.alive and v.role == "leader":
                return v.id
        return None

    def following(self, leader: int) -> list[int]:
        return sorted(
            v.id
            for v in self.voters.values()
            if v.alive and v.role == "follower" and v.leader == leader
        )

    def has_majority(self, leader: int) -> bool:
        return len(self.following(leader)) + 1 >= self.majority

    # -- timers --------------------------------------------------------------------------
    def _random_election_timeout_ms(self) -> int:
        # QuorumState.randomElectionTimeoutMs: 0 (allowed by atLeast(0)) means no wait at all
        timeout = self._config.quorum_election_timeout_ms
        return 0 if timeout == 0 else timeout + self._rng.randrange(timeout)

    def _arm(self, v: Voter, delay_ms: int, action: Callable[[], None]) -> None:
        v.cancel()
        v.timer = self._queue.after(delay_ms, action)

    def _send(self, action: Callable[[], None]) -> None:
        self._queue.after(self._hop, action)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, leader: int) -> None:
        for v in self.voters.values():
            v.role, v.leader, v.log_end = (
                ("leader" if v.id == leader else "follower"),
                leader,
                (1, 1),
            )

    def fetch_timeout_at(self, follower: int, last_fetch_ms: int) -> None:
        """The leader stopped answering: arm the follower's fetch timer from its last fetch."""
        v = self.voters[follower]
        deadline = max(self._queue.now_ms, last_fetch_ms + self._config.quorum_fetch_timeout_ms)
        v.cancel()
        v.timer = self._queue.at(deadline, lambda: self._fetch_timeout(v, last_fetch_ms))

    def _fetch_timeout(self, v: Voter, last_fetch_ms: int) -> None:
        v.timer = None
        self._emit(ev.FetchTimeoutExpired(self._queue.now_ms, v.id, last_fetch_ms))
        self._become_prospective(v)

    def crash(self, node: int, last_fetch_ms: Callable[[int], int]) -> bool:
        """Returns True if the crashed node was the leader; its followers' fetch timers run on
        from `last_fetch_ms(follower)`, each follower's own last Fetch response (ms)."""
        v = self.voters[node]
        was_leader = v.role == "leader"
        v.alive, v.parked = False, False
        v.cancel()
        if was_leader:
            self._cancel_check_quorum()
            self.on_leader_lost(node)
            for follower in self.following(node):
                self.fetch_timeout_at(follower, last_fetch_ms(follower))
        else:
            self._maybe_arm_check_quorum()
        return was_leader

    def restart(self, node: int) -> None:
        v = self.voters[node]
        v.alive, v.role, v.leader = True, "unattached", None
        leader = self.leader()
        if leader is not None:
            # Its first Fetch (to any voter) names the leader: it follows from then on.
            self._send(lambda: self._follow(v, leader, self.voters[leader].epoch))
        elif len(self.voters) == 1:
            self._become_prospective(v)  # Rule 6: KafkaRaftClient.initialize, isOnlyVoter
        else:
            self._arm(v, self._random_election_timeout_ms(), lambda: self._become_prospective(v))
        for other in self.voters.values():
            if other.alive and other.parked:
                other.parked = False
                self._arm(other, self._random_election_timeout_ms(), self._prospective_of(other))
        self._no_quorum_reported = False

    def _prospective_of(self, v: Voter) -> Callable[[], None]:
        return lambda: self._become_prospective(v)

    def _follow(self, v: Voter, leader: int, epoch: int) -> None:
        if not v.alive or self.voters[leader].role != "leader" or epoch < v.epoch:
            return
        v.cancel()
        v.role, v.epoch, v.leader, v.fetched = "follower", epoch, leader, True
        v.log_end = self.voters[leader].log_end
        self._cancel_check_quorum()

    # -- check quorum --------------------------------------------------------------------
    def _maybe_arm_check_quorum(self) -> None:
        leader = self.leader()
        if leader is None or self.has_majority(leader) or self._check_quorum is not None:
            return
        delay = int(self._config.quorum_fetch_timeout_ms * CHECK_QUORUM_TIMEOUT_FACTOR)
        self._check_quorum = self._queue.after(delay, lambda: self._resign(leader))

    def _cancel_check_quorum(self) -> None:
        if self._check_quorum is not None:
            self._check_quorum.cancel()
            self._check_quorum = None

    def _resign(self, leader: int) -> None:
        self._check_quorum = None
        v = self.voters[leader]
        if not v.alive or v.role != "leader" or self.has_majority(leader):
            return
        v.role = "resigned"
        self._emit(ev.ControllerResigned(self._queue.now_ms, leader, v.epoch))
        self.on_leader_lost(leader)
        for other in self.voters.values():
            if other.alive and other.role != "prospective":
                self._arm(other, self._random_election_timeout_ms(), self._prospective_of(other))

    # -- elections -----------------------------------------------------------------------
    def _begin(self, v: Voter) -> None:
        v.granted, v.rejected = [v.id], []
        role, epoch = v.role, v.epoch
        self._arm(v, self._random_election_timeout_ms(), lambda: self._lose(v, role, epoch))
        pre = v.role == "prospective"
        for other in sorted(self.voters):
            if other != v.id:
                self._send(self._request_of(other, v.id, v.epoch, v.log_end, pre))
        if len(v.granted) >= self.majority:  # Rule 6: a lone voter's own grant is a majority
            self._won(v, pre)

    def _won(self, v: Voter, pre: bool) -> None:
        if pre:
            self._become_candidate(v)
        else:
            self._become_leader(v)

    def _request_of(
        self, voter: int, asker: int, epoch: int, log: LogEnd, pre: bool
    ) -> Callable[[], None]:
        return lambda: self._on_request(self.voters[voter], asker, epoch, log, pre)

    def _become_prospective(self, v: Voter) -> None:
        if not v.alive:
            return
        v.role = "prospective"
        self._emit(ev.PreVoteStarted(self._queue.now_ms, v.id, v.epoch))
        self._begin(v)

    def _become_candidate(self, v: Voter) -> None:
        v.role, v.epoch, v.voted_for, v.leader = "candidate", v.epoch + 1, v.id, None
        self._emit(ev.ElectionStarted(self._queue.now_ms, v.id, v.epoch))
        self._begin(v)

    def _on_request(self, v: Voter, asker: int, epoch: int, log: LogEnd, pre: bool) -> None:
        if not v.alive:
            return  # a dead voter never answers: the asker's timer runs out
        reason = refusal(v, asker, epoch, log, pre)
        if reason is None and not pre:
            if epoch > v.epoch:
                self._step_down(v, epoch)
            v.voted_for = asker
            self._arm(v, self._random_election_timeout_ms(), self._prospective_of(v))
        self._emit_answer(v, asker, epoch, pre, reason)
        granted = reason is None
        self._send(lambda: self._on_answer(self.voters[asker], v.id, epoch, pre, granted))

    def _step_down(self, v: Voter, epoch: int) -> None:
        was_leader = v.role == "leader"
        v.cancel()
        v.role, v.epoch, v.voted_for, v.leader = "unattached", epoch, None, None
        if was_leader:
            self.on_leader_lost(v.id)

    def _emit_answer(self, v: Voter, asker: int, epoch: int, pre: bool, reason: str | None) -> None:
        now = self._queue.now_ms
        if pre:
            self._emit(
                ev.PreVoteGranted(now, v.id, asker, epoch)
                if reason is None
                else ev.PreVoteRejected(now, v.id, asker, epoch, reason)
            )
        else:
            self._emit(
                ev.VoteGranted(now, v.id, asker, epoch)
                if reason is None
                else ev.VoteRejected(now, v.id, asker, epoch, reason)
            )

    def _on_answer(self, v: Voter, voter: int, epoch: int, pre: bool, granted: bool) -> None:
        expected: Role = "prospective" if pre else "candidate"
        if not v.alive or v.role != expected or v.epoch != epoch:
            return  # an answer to an election this node is no longer running
        (v.granted if granted else v.rejected).append(voter)
        if len(v.granted) >= self.majority:
            self._won(v, pre)
        elif len(v.rejected) > len(self.voters) - self.majority:
            self._lose(v, v.role, epoch, timed_out=False)

    def _lose(self, v: Voter, role: Role, epoch: int, *, timed_out: bool = True) -> None:
        """Rule 4 (KAFKA-18345): no backoff; Rule 7: park while no majority is alive."""
        if not v.alive or v.role != role or v.epoch != epoch:
            return
        alive = tuple(sorted(i for i, x in self.voters.items() if x.alive))
        if len(alive) < self.majority:
            v.cancel()
            v.parked = True
            if not self._no_quorum_reported:
                self._no_quorum_reported = True
                self._emit(ev.NoQuorum(self._queue.now_ms, alive, self.majority))
            return
        now, pre = self._queue.now_ms, role == "prospective"
        if not pre and not timed_out:  # maybeHandleElectionLoss: the same timer keeps running
            wait = v.timer.at_ms - now if v.timer is not None else 0
            self._emit(ev.ElectionLost(now, v.id, epoch, False, False, wait, "prospective"))
            return
        if not pre:  # pollCandidate: the election timer ran out
            self._emit(ev.ElectionLost(now, v.id, epoch, False, True, 0, "prospective"))
            self._become_prospective(v)
            return
        known = v.leader if v.leader is not None and v.leader != v.id else None
        if known is not None:  # a Follower that has not fetched yet: it grants pre-votes
            v.role, v.fetched = "follower", False
            wait = self._config.quorum_fetch_timeout_ms
        else:
            v.role, wait = "unattached", self._random_election_timeout_ms()
        self._emit(ev.ElectionLost(now, v.id, epoch, True, timed_out, wait, v.role))
        self._arm(v, wait, self._prospective_of(v))
        if known is not None and self.voters[known].alive and self.voters[known].role == "leader":
            self._send(lambda: self._follow(v, known, self.voters[known].epoch))

    def _become_leader(self, v: Voter) -> None:
        v.cancel()
        v.role, v.leader = "leader", v.id
        now = self._queue.now_ms
        self._emit(ev.ControllerElected(now, v.id, v.epoch, tuple(sorted(v.granted))))
        for other in sorted(self.voters):
            if other != v.id:  # BeginQuorumEpoch
                self._send(self._follow_of(other, v.id, v.epoch))
        self.on_elected(v.id, v.epoch)

    def _follow_of(self, voter: int, leader: int, epoch: int) -> Callable[[], None]:
        return lambda: self._begin_quorum_epoch(self.voters[voter], leader, epoch)

    def _begin_quorum_epoch(self, v: Voter, leader: int, epoch: int) -> None:
        self._follow(v, leader, epoch)
        self._maybe_arm_check_quorum()
