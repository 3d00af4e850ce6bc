"""How far a run may go: the limits that make every simulation end, and what is reported then.

Kafka itself may go on forever (a split vote can repeat, a producer may wait for a broker
that never comes back), but a simulation must end and say why. The run loop stops at the
first of three limits, all derived from the scenario:

- settled: every record's fate is decided (acknowledged, failed or expired) and the last
  scheduled fault has fired, yet the cluster keeps scheduling work; the run goes on for
  the slowest failure detection (below) or SETTLED_STEPS more actions, whichever comes
  first, so a failover that follows the record's story is still told.
- horizon: the clock passes `horizon_ms` = the last record's send() time
  + records x max.block.ms (each send() may block that long in waitOnMetadata, one after
  the other, on the application's thread) + delivery.timeout.ms (which bounds every batch
  from its creation, Sender/RecordAccumulator.expiredBatches) + the last fault's at_ms
  + the slowest failure detection. By then every record's fate must be decided.
- steps: the run has taken `max_steps` actions (BASE_STEPS + STEPS_PER_RECORD x records),
  which bounds the work of a livelock that starts before a record is decided.

The slowest failure detection is the longest of broker.session.timeout.ms (the controller
fences a silent broker), controller.quorum.fetch.timeout.ms + election.timeout.ms +
election.backoff.max.ms (the voters elect a new active controller), replica.lag.time.max.ms
(a leader drops a silent follower from the ISR) and request.timeout.ms (the producer gives
up on a request), plus one network round trip. When a fault restarts a broker and
auto.leader.rebalance.enable is on, leader.imbalance.check.interval.seconds joins them: the
restarted broker gets its preferred leaderships back only at the controller's next check.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

from kafkaretry.sim import events as ev
from kafkaretry.sim.settings import EffectiveProducer, RestartBroker, SimulationInputs

SETTLED_STEPS = 2_000
BASE_STEPS = 10_000
STEPS_PER_RECORD = 100
KEPT_GOING_KINDS = 3  # the event kinds named in the report, the most frequent first
KEPT_GOING_WINDOW = 1_000  # ... among the events of this many last actions


@dataclass(frozen=True, slots=True)
class RunLimits:
    horizon_ms: int
    settle_ms: int
    max_steps: int
    last_fault_ms: int

    @classmethod
    def of(cls, inputs: SimulationInputs, settings: EffectiveProducer) -> RunLimits:
        """The limits for `inputs` run with the effective producer `settings` (see above)."""
        c = inputs.cluster
        settle = (
            max(
                c.broker_session_timeout_ms,
                c.quorum_fetch_timeout_ms
                + c.quorum_election_timeout_ms
                + c.quorum_election_backoff_max_ms,
                c.replica_lag_time_max_ms,
                settings.request_timeout_ms,
                _preferred_leader_wait_ms(inputs),
            )
            + 2 * inputs.latency_ms
        )
        records = len(inputs.records)
        last_send = max((r.send_at_ms for r in inputs.records), default=0)
        last_fault = max((f.at_ms for f in inputs.faults), default=0)
        horizon = (
            last_send
            + records * settings.max_block_ms
            + settings.delivery_timeout_ms
            + last_fault
            + settle
        )
        steps = BASE_STEPS + STEPS_PER_RECORD * records
        return cls(horizon, settle, steps, last_fault)


class Watchdog:
    """Counts a run's actions and decides when it must stop; the run loop owns one."""

    __slots__ = ("_limits", "_recent", "_settled_at_ms", "_settled_step", "_unstruck", "steps")

    def __init__(
        self, limits: RunLimits, unstruck: Callable[[], tuple[tuple[str, int], ...]] = tuple
    ) -> None:
        """`unstruck`: (kind, at_ms) of the scenario's faults that have not struck yet."""
        self._limits = limits
        self._unstruck = unstruck
        self.steps = 0
        self._settled_at_ms: int | None = None
        self._settled_step = 0
        # The events of the last actions: what kept the run going when it is stopped.
        self._recent: deque[tuple[ev.TraceEvent, ...]] = deque(maxlen=KEPT_GOING_WINDOW)

    def observe(self, events: tuple[ev.TraceEvent, ...]) -> None:
        self.steps += 1
        self._recent.append(events)  # quiet actions too: the window counts actions

    def check(self, now_ms: int, next_ms: int, decided: bool) -> str | None:
        """Why the run must stop before the action due at `next_ms`, or None to go on."""
        limits = self._limits
        if decided and self._settled_at_ms is None and next_ms > limits.last_fault_ms:
            self._settled_at_ms, self._settled_step = now_ms, self.steps
            self._recent.clear()  # from here on, what keeps going is the cluster alone
        if self._settled_at_ms is not None and (
            next_ms > self._settled_at_ms + limits.settle_ms
            or self.steps - self._settled_step >= SETTLED_STEPS
        ):
            return "settled"
        if next_ms > limits.horizon_ms:
            return "horizon"
        if self.steps >= limits.max_steps:
            return "steps"
        return None

    def report(self, reason: str, undecided: int, pending: int) -> ev.RunStopped:
        counts = Counter(type(e).__name__ for events in self._recent for e in events)
        kinds = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        settled = self._settled_at_ms
        return ev.RunStopped(
            reason,
            self._limits.horizon_ms,
            self.steps if settled is None else self.steps - self._settled_step,
            -1 if settled is None else settled,
            undecided,
            pending,
            tuple(kinds[:KEPT_GOING_KINDS]),
            len(self._recent),
            self._unstruck(),
        )


def _preferred_leader_wait_ms(inputs: SimulationInputs) -> int:
    """The electPreferred period, if a restarted broker may get its leaderships back."""
    c = inputs.cluster
    restarts = any(isinstance(f, RestartBroker) for f in inputs.faults)
    return (
        c.leader_imbalance_check_interval_seconds * 1000
        if restarts and c.auto_leader_rebalance_enable
        else 0
    )
