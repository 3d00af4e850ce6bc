"""Brokers as the control plane sees them: heartbeats, sessions and metadata caches.

Heartbeats are arithmetic, not events: a broker attached to the active controller reaches it
at `anchor + k * broker.heartbeat.interval.ms` (BrokerLifecycleManager reschedules the next
heartbeat an interval after each success), so the session of a live broker never expires and
no event is spent on it. Only a broker that falls silent (crashed, or not yet told where the
new active controller is) has a session deadline worth scheduling.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafkaretry.sim.engine.clock import Timer
from kafkaretry.sim.kraft.metadata import MetadataImage


@dataclass(slots=True)
class BrokerState:
    id: int
    cache: MetadataImage  # the broker's metadata image (MetadataLoader publishes it)
    applied_offset: int  # last `__cluster_metadata` offset in `cache`
    alive: bool = True  # heard by the controllers: the process runs and its host is reachable
    isolated: bool = False  # the process runs, but its host is cut off from the network
    controller: int | None = None  # the active controller this broker heartbeats to
    session_start_ms: int = 0  # lastContact given by registration or by a new controller
    hb_anchor_ms: int | None = None  # first heartbeat arrival at that controller
    hb_stop_ms: int | None = None  # no heartbeat after this (the broker crashed)
    registration_offset: int | None = None  # RegisterBrokerRecord awaiting catch-up
    apply_timer: Timer | None = None
    restarting: bool = False  # restarted: not yet caught up with the metadata log
    listeners_closed: bool = False  # BrokerServer opens them only once it is unfenced
    stopping: bool = False  # SIGTERM received: PENDING_CONTROLLED_SHUTDOWN until it exits
    stopped_cleanly: bool = False  # exited after shouldShutDown (until it registers again)

    def last_contact_ms(self, now_ms: int, interval_ms: int) -> int:
        """BrokerHeartbeatManager lastContact: the last heartbeat that reached the controller."""
        last = self.session_start_ms
        if self.hb_anchor_ms is None:
            return last
        until = now_ms if self.hb_stop_ms is None else min(now_ms, self.hb_stop_ms)
        if until < self.hb_anchor_ms:
            return last
        beats = (until - self.hb_anchor_ms) // interval_ms
        return max(last, self.hb_anchor_ms + beats * interval_ms)

    def silent(self) -> bool:
        """Will never heartbeat again to its controller (unless something changes)."""
        return not self.alive or self.hb_anchor_ms is None

    def detach(self) -> None:
        """The active controller is gone: heartbeats fail until a new one is found."""
        self.controller = None
        self.hb_anchor_ms = None
