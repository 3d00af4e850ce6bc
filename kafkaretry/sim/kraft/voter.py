"""One Raft voter's state (QuorumState and its EpochState), and when it grants a vote.

Rule 1 (pre-vote, KIP-996): a voter rejects a pre-vote while it is the leader or a follower
        that has fetched from its leader (FollowerState.canGrantVote: hasFetchedFromLeader);
        otherwise it grants one to a log (last epoch, end
        offset) at least as up to date as its own, at the same or a newer epoch.
Rule 2 (vote, KIP-595): a voter grants at most one real vote per epoch, never to a stale
        epoch or a log behind its own, and a leader never votes in its own epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kafkaretry.sim.engine.clock import Timer

Role = Literal["leader", "follower", "unattached", "prospective", "candidate", "resigned"]
LogEnd = tuple[int, int]  # (epoch of the last record, end offset): Raft's "up to date" order


@dataclass(slots=True)
class Voter:
    id: int
    alive: bool = True
    role: Role = "follower"
    epoch: int = 1
    voted_for: int | None = None
    leader: int | None = None
    log_end: LogEnd = (0, 0)
    fetched: bool = True  # FollowerState.hasFetchedFromLeader
    granted: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    timer: Timer | None = None
    parked: bool = False

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def refusal(v: Voter, asker: int, epoch: int, log: LogEnd, pre: bool) -> str | None:
    """Why `v` refuses `asker`'s (pre-)vote request, or None when it grants it."""
    if log < v.log_end:
        return "log not up to date"
    if pre:
        if v.role == "leader" or (v.role == "follower" and v.fetched):
            return "still fetching from the leader"
        return None if epoch >= v.epoch else "stale epoch"
    return _vote_refusal(v, asker, epoch)


def _vote_refusal(v: Voter, asker: int, epoch: int) -> str | None:
    if epoch < v.epoch:
        return "stale epoch"
    if epoch == v.epoch and v.voted_for not in (None, asker):
        return f"already voted for {v.voted_for} in epoch {epoch}"
    if epoch == v.epoch and v.role == "leader":
        return "is the leader"
    return None
