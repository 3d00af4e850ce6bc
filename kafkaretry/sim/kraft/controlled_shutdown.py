"""A graceful stop (SIGTERM): controlled shutdown through the broker's heartbeats (Kafka 4.1).

Rule 1 (BrokerServer.shutdown, controlled.shutdown.enable=true): the broker's lifecycle manager
        enters PENDING_CONTROLLED_SHUTDOWN and sends its next heartbeat at once, with
        wantShutDown=true (BrokerLifecycleManager.BeginControlledShutdownEvent). A broker that
        is not RUNNING (fenced, still registering) skips it and exits at once.
Rule 2 (BrokerHeartbeatManager.calculateNextBrokerState): an unfenced broker that still leads
        a partition enters CONTROLLED_SHUTDOWN; the controller marks its registration and moves
        every leadership to another active in-sync replica in the same write, removing it from
        every ISR (ReplicationControlManager.handleBrokerInControlledShutdown). The last offset
        of that write is its controlledShutdownOffset (QuorumController.processBatchEndOffset).
Rule 3: a heartbeat is answered once its records are committed (a controller write event).
        The broker's next heartbeat goes 50 ms after the first pending answer, then every
        broker.heartbeat.interval.ms (BrokerLifecycleManager.HeartbeatResponseEvent).
Rule 4: the controller grants SHUTDOWN_NOW once the broker leads nothing and every other active
        broker's last heartbeat reported a metadata offset >= its controlledShutdownOffset
        (lowestActiveOffset): every broker then knows the new leaders. It fences the broker
        (handleBrokerFenced) and answers shouldShutDown=true; the broker then exits.
        The heartbeat session state is soft: a new active controller starts it afresh.
Rule 5 (ClusterControlManager.registerBroker): the stopped broker's last heartbeat keeps its
        session valid for broker.session.timeout.ms, so a restart inside that window is
        refused with DUPLICATE_BROKER_REGISTRATION like a crashed one (KAFKA-19047's early
        re-registration was reverted by KAFKA-19130 before 4.1).
Every hop is kafkaretry's one-way network latency, a model assumption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from kafkaretry.sim.kraft import shutdown_events as sev
from kafkaretry.sim.kraft.brokers import BrokerState
from kafkaretry.sim.kraft.isolation import PlaneState
from kafkaretry.sim.kraft.metadata import (
    controlled_shutdown_records,
    fence_records,
    has_leaderships,
)

FIRST_PENDING_RETRY_MS = 50  # BrokerLifecycleManager: the heartbeat after the first pending answer


@dataclass(slots=True)
class _Shutdown:
    broker: BrokerState
    exited: Callable[[], None]
    asked_ms: int = -1  # when the controller first saw wantShutDown
    offset: int | None = None  # controlledShutdownOffset, valid for `epoch` only (soft state)
    epoch: int = -1
    answered: bool = False  # gotControlledShutdownResponse
    last_arrival_ms: int = -1


class ControlledShutdown(PlaneState):
    """Mixed into KRaftControlPlane: a broker's graceful stop."""

    _hop: int
    on_shutting_down: Callable[[int], None]

    def _unclean(self, topic: str) -> bool:
        raise NotImplementedError

    def _shutdown_state(self) -> tuple[dict[int, _Shutdown], dict[tuple[int, int], int]]:
        """(stopping brokers, (stopping, other) -> when `other` applied its offset)."""
        found: tuple[dict[int, _Shutdown], dict[tuple[int, int], int]] | None = getattr(
            self, "_shutdowns", None
        )
        if found is None:
            found = ({}, {})
            self._shutdowns = found
        return found

    def stop_broker(self, node_id: int, exited: Callable[[], None]) -> None:
        """SIGTERM to a running broker (Rule 1); `exited` runs when its process ends."""
        broker = self._brokers[node_id]
        if not broker.alive or broker.stopping:
            return
        broker.stopping = True
        self._emit(sev.BrokerShutdownRequested(self._queue.now_ms, node_id))
        state = _Shutdown(broker, exited)
        if not self._log.committed.is_unfenced(node_id) or broker.registration_offset is not None:
            self._exit(state)  # not RUNNING: no controlled shutdown to wait for
            return
        self._shutdown_state()[0][node_id] = state
        self.on_shutting_down(node_id)
        self._heartbeat(state)

    def _heartbeat(self, s: _Shutdown) -> None:
        broker = s.broker
        if not broker.stopping or not (broker.alive or broker.isolated):
            return  # crashed meanwhile
        leader = broker.controller
        if leader is None or broker.isolated:  # scheduleNextCommunicationAfterFailure
            self._queue.after(self._config.broker_heartbeat_interval_ms, lambda: self._heartbeat(s))
            return
        self._queue.after(self._hop, lambda: self._arrive(s, leader))

    def _arrive(self, s: _Shutdown, leader: int) -> None:
        """The active controller processes a wantShutDown heartbeat (Rules 2 and 4)."""
        broker, image, now = s.broker, self._log.image, self._queue.now_ms
        if self._lost(s):
            return
        if self._active != leader:  # NOT_CONTROLLER: try again after the failure backoff
            self._queue.after(
                self._hop + self._config.broker_heartbeat_interval_ms, lambda: self._heartbeat(s)
            )
            return
        s.last_arrival_ms = now
        if s.asked_ms < 0:
            s.asked_ms = now
        leads = has_leaderships(image, broker.id)
        if not image.is_unfenced(broker.id):  # FENCED + wantShutDown: SHUTDOWN_NOW at once
            self._queue.after(self._hop, lambda: self._answered(s, shut_down=True))
            return
        if s.offset is None or s.epoch != self._epoch:
            if leads:
                records = controlled_shutdown_records(image, broker.id, self._unclean)
                s.offset, s.epoch = self._log.write(records) + len(records) - 1, self._epoch
                self._emit(sev.BrokerInControlledShutdown(now, broker.id, s.offset))
                self._answer_after_commit(s, s.offset, shut_down=False)
                return
        elif leads or self._behind(broker.id, s.offset, now):
            behind = () if leads else self._behind(broker.id, s.offset, now)
            self._emit(sev.ControlledShutdownPending(now, broker.id, s.offset, behind, leads))
            self._queue.after(self._hop, lambda: self._answered(s, shut_down=False))
            return
        records = fence_records(image, broker.id, self._unclean)
        last = self._log.write(records) + len(records) - 1
        self._emit(sev.BrokerShutdownGranted(now, broker.id, last, now - s.asked_ms))
        self._answer_after_commit(s, last, shut_down=True)

    def _lost(self, s: _Shutdown) -> bool:
        """The heartbeat or its answer vanished: the broker crashed, or its host is cut off
        (then it tries again after the failure backoff, as for any failed heartbeat)."""
        broker = s.broker
        if broker.alive and broker.stopping:
            return False
        if broker.isolated and broker.stopping:
            self._queue.after(self._config.broker_heartbeat_interval_ms, lambda: self._heartbeat(s))
        return True

    def _behind(self, stopping: int, offset: int, now: int) -> tuple[int, ...]:
        """Active brokers whose last heartbeat reported an offset below `offset` (Rule 4)."""
        reached = self._shutdown_state()[1]
        interval = self._config.broker_heartbeat_interval_ms
        out = []
        for b in sorted(self._brokers):
            if b == stopping or not self._log.image.is_active(b):
                continue
            at = reached.get((stopping, b))
            # The heartbeat that arrived last was sent one hop earlier, with what it had applied.
            if at is None or self._brokers[b].last_contact_ms(now, interval) - self._hop < at:
                out.append(b)
        return tuple(out)

    def _note_applied(self, broker: BrokerState) -> None:
        """A broker applied metadata: remember when it reached each stopping broker's offset."""
        stopping, reached = self._shutdown_state()
        for s in stopping.values():
            key = (s.broker.id, broker.id)
            if s.offset is not None and broker.applied_offset >= s.offset and key not in reached:
                reached[key] = self._queue.now_ms

    def _answer_after_commit(self, s: _Shutdown, offset: int, *, shut_down: bool) -> None:
        waiting = self._shutdown_waiting()
        waiting.append((offset, s, shut_down))

    def _shutdown_waiting(self) -> list[tuple[int, _Shutdown, bool]]:
        found: list[tuple[int, _Shutdown, bool]] | None = getattr(self, "_shutdown_answers", None)
        if found is None:
            found = []
            self._shutdown_answers = found
        return found

    def _answer_shutdowns(self) -> None:
        """Called on every commit: answer the heartbeats whose records are committed (Rule 3)."""
        waiting = self._shutdown_waiting()
        hw = self._log.high_watermark
        done = [w for w in waiting if w[0] <= hw]
        waiting[:] = [w for w in waiting if w[0] > hw]
        for _, s, shut_down in done:
            self._queue.after(self._hop, partial(self._answered, s, shut_down))

    def _answered(self, s: _Shutdown, shut_down: bool) -> None:
        """The broker reads shouldShutDown (BrokerLifecycleManager.HeartbeatResponseEvent)."""
        if self._lost(s):
            return
        if shut_down:
            self._exit(s)
            return
        delay = self._config.broker_heartbeat_interval_ms if s.answered else FIRST_PENDING_RETRY_MS
        s.answered = True
        self._queue.after(delay, lambda: self._heartbeat(s))

    def _exit(self, s: _Shutdown) -> None:
        broker, now = s.broker, self._queue.now_ms
        self._shutdown_state()[0].pop(broker.id, None)
        broker.stopping, broker.alive, broker.hb_stop_ms = False, False, now
        broker.stopped_cleanly = s.asked_ms >= 0
        if s.last_arrival_ms >= 0:  # trackBrokerHeartbeat: its last heartbeat's contact time
            broker.session_start_ms = max(broker.session_start_ms, s.last_arrival_ms)
        if broker.apply_timer is not None:
            broker.apply_timer.cancel()
            broker.apply_timer = None
        self._emit(sev.BrokerStopped(now, broker.id))
        self._fencing.reschedule()
        s.exited()
