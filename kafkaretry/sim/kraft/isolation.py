"""A broker cut off from the controllers: its heartbeats stop, yet nobody sees it die.

Rule 1: an isolated broker's heartbeats and metadata fetches never arrive, and no reset tells
        the controller anything: exactly as for a crash, the active controller fences it only
        when its session expires, broker.session.timeout.ms after the last heartbeat that
        arrived, at its next periodic fence check (fencing.py, KAFKA-17793).
Rule 2: when its links work again it heartbeats with the registration it still holds; a
        fenced broker is unfenced once it has caught up with the metadata log
        (BrokerLifecycleManager, ReplicationControlManager.handleBrokerUnfenced), without a new
        registration: its process never stopped.
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft.brokers import BrokerState
from kafkaretry.sim.kraft.controller import MetadataLog
from kafkaretry.sim.kraft.fencing import PeriodicFenceCheck
from kafkaretry.sim.settings import ClusterSettings


class PlaneState:
    """The KRaftControlPlane state its mixins (isolation, controlled shutdown) work on."""

    _brokers: dict[int, BrokerState]
    _queue: EventQueue
    _emit: Callable[[ev.KRaftEvent], None]
    _active: int | None
    _epoch: int
    _log: MetadataLog
    _config: ClusterSettings
    _fencing: PeriodicFenceCheck


class BrokerIsolation(PlaneState):
    """Mixed into KRaftControlPlane: cutting a broker off and healing it."""

    def _discover(self, broker: BrokerState, leader: int, epoch: int) -> None:
        raise NotImplementedError

    def isolate_broker(self, node_id: int) -> None:
        broker = self._brokers[node_id]
        if not broker.alive:
            return
        now = self._queue.now_ms
        broker.alive, broker.isolated, broker.hb_stop_ms = False, True, now
        if broker.apply_timer is not None:
            broker.apply_timer.cancel()
            broker.apply_timer = None
        self._emit(ev.BrokerIsolated(now, node_id))
        self._fencing.reschedule()

    def heal_broker(self, node_id: int) -> None:
        broker = self._brokers[node_id]
        if not broker.isolated:
            return
        now = self._queue.now_ms
        # The session still counts from the last heartbeat that arrived before the cut.
        broker.session_start_ms = broker.last_contact_ms(
            now, self._config.broker_heartbeat_interval_ms
        )
        broker.alive, broker.isolated, broker.hb_stop_ms = True, False, None
        broker.detach()  # it finds the active controller again, as after a failover
        if self._log.committed.fenced.get(node_id, False):
            broker.registration_offset = broker.applied_offset  # unfenced once caught up
        self._emit(ev.BrokerHealed(now, node_id))
        if self._active is not None:
            self._discover(broker, self._active, self._epoch)
