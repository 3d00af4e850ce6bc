"""The active controller's side of a broker's life: registration and unfencing.

Rule 1 (ClusterControlManager.registerBroker): a restarted broker's registration is refused
        with DUPLICATE_BROKER_REGISTRATION while its previous incarnation's session is still
        valid (heartbeatManager.hasValidSession: lastContact + broker.session.timeout.ms not
        passed). That holds after a controlled shutdown too: KAFKA-19047 let such a broker
        re-register at once, but KAFKA-19130 reverted that before 4.1. The broker retries after
        broker.heartbeat.interval.ms (BrokerLifecycleManager.scheduleNextCommunicationAfterFailure).
Rule 2: a registered broker starts fenced and is unfenced once its metadata cache reaches its
        registration (ReplicationControlManager.handleBrokerUnfenced, unfence_records).
ISR additions and removals are the leaders' AlterPartition requests (alter_partition.py).
"""

from __future__ import annotations

from collections.abc import Callable

from kafkaretry.sim.engine.clock import EventQueue
from kafkaretry.sim.kraft import events as ev
from kafkaretry.sim.kraft.brokers import BrokerState
from kafkaretry.sim.kraft.controller import MetadataLog
from kafkaretry.sim.kraft.metadata import (
    RegisterBrokerRecord,
    unfence_records,
)
from kafkaretry.sim.settings import ClusterSettings

DUPLICATE_BROKER_REGISTRATION = "DUPLICATE_BROKER_REGISTRATION"


class BrokerLifecycle:
    def __init__(
        self,
        config: ClusterSettings,
        queue: EventQueue,
        emit: Callable[[ev.KRaftEvent], None],
        log: MetadataLog,
        active: Callable[[], int | None],
        unclean: Callable[[str], bool],
    ) -> None:
        self._config, self._queue, self._emit, self._log = config, queue, emit, log
        self._active, self._unclean = active, unclean

    def register(self, broker: BrokerState, leader: int) -> None:
        """BrokerRegistrationRequest reaches controller `leader` (Rules 1 and 2)."""
        if self._active() != leader or not broker.alive:
            return
        now = self._queue.now_ms
        interval = self._config.broker_heartbeat_interval_ms
        timeout = self._config.broker_session_timeout_ms
        expires = broker.last_contact_ms(now, interval) + timeout
        # The old incarnation's session is valid: a crashed one until it is fenced, a stopped
        # one (already fenced by its controlled shutdown) until its session expires.
        if self._log.image.is_unfenced(broker.id) or (broker.stopped_cleanly and now <= expires):
            self._emit(
                ev.BrokerRegistrationRefused(
                    now, broker.id, DUPLICATE_BROKER_REGISTRATION, expires, interval
                )
            )
            self._queue.after(interval, lambda: self.register(broker, leader))
            return
        broker.stopped_cleanly = False
        broker.registration_offset = self._log.write([RegisterBrokerRecord(broker.id)])
        broker.session_start_ms = broker.hb_anchor_ms = now
        self._emit(ev.BrokerRegistered(now, broker.id, broker.registration_offset))

    def unfence(self, broker: BrokerState, leader: int) -> None:
        """Its heartbeat says it caught up (wantFence=false): Rule 2."""
        image = self._log.image
        if self._active() != leader or not broker.alive or not image.fenced.get(broker.id):
            return
        broker.registration_offset = None
        broker.hb_anchor_ms = self._queue.now_ms
        first = self._log.write(unfence_records(image, broker.id, self._unclean))
        self._emit(ev.BrokerUnfenced(self._queue.now_ms, broker.id, first))
