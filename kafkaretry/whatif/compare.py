"""`kafkaretry compare`: one scenario run twice, without and with a change, side by side.

Both runs use the same seed, so every difference comes from the change. The first
divergence is the first story event at which the two runs differ in *what* happens (who
did what to which batch, attempt and offset), in order; if they never do, it is the first
event that happens at a different *time*. Producer ids and sequence numbers, which exist
only with idempotence, are left out, and so are times for the first test: otherwise
turning idempotence off would "diverge" at the producer's first request (sent 4 ms later,
without InitProducerId) instead of where the logs start to differ.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kafkaretry.report import event_json, trace_json_head
from kafkaretry.runner import ScenarioRun, run_scenario
from kafkaretry.scenario import FaultPlan, SettingError
from kafkaretry.sim import events as ev
from kafkaretry.sim.events import TraceEvent
from kafkaretry.sim.kraft import events as k
from kafkaretry.whatif.facts import RunFacts, run_facts

# The events a story is told with; background chores (heartbeats, fetches, metadata
# refreshes) shift with any timing change and would hide the difference that matters.
STORY = (
    ev.RecordPartitioned,
    ev.ProduceRequestSent,
    ev.RequestDropped,
    ev.RecordAppended,
    ev.DuplicateDetected,
    ev.ResponseDropped,
    ev.ProduceResponseReceived,
    ev.ProduceRequestTimedOut,
    ev.RetryScheduled,
    ev.RecordAcknowledged,
    ev.RecordExpired,
    ev.RecordFailed,
    ev.NotEnoughReplicas,
    ev.ReplicaFetchesDelayed,
    ev.LeaderIsrUpdated,
    k.BrokerCrashed,
    k.BrokerIsolated,
    k.BrokerHealed,
    k.BrokerRestarted,
    k.ControllerCrashed,
    k.FetchTimeoutExpired,
    k.NoQuorum,
    k.ControllerElected,
    k.BrokerSessionsRenewed,
    k.BrokerFenced,
    k.BrokerUnfenced,
    k.PartitionLeaderElected,
)
# Left out of "what happens": ids that exist only with idempotence, and absolute times
# (compared separately, as "when").
NOT_WHAT = frozenset(
    {"producer_id", "producer_epoch", "base_sequence", "at_ms", "retry_at_ms", "last_fetch_ms"}
)

# The facts shown side by side, in order (names of RunFacts fields).
FACTS = (
    "outcome",
    "copies",
    "attempt_outcomes",
    "ack_broker",
    "ack_at_ms",
    "time_to_ack_ms",
    "idempotence",
    "leader_changes",
    "time_to_new_leader_ms",
    "controller_changes",
    "time_to_new_controller_ms",
    "lost",
    "duplicated",
)


@dataclass(frozen=True, slots=True)
class Divergence:
    at_ms: int  # the earlier of the two sides' times
    kind: str  # "what": different events; "when": the same events at different times
    left: tuple[int, TraceEvent] | None  # None: the left run told nothing more
    right: tuple[int, TraceEvent] | None
    # Before a "what" divergence: the first same event at different times, if any.
    shifted: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    left: ScenarioRun
    right: ScenarioRun
    left_facts: RunFacts
    right_facts: RunFacts
    changes: tuple[str, ...]  # the NAME=VALUE pairs given with --vs
    settings: tuple[tuple[str, object, object], ...]  # every effective setting that differs
    notes: tuple[TraceEvent, ...]  # Kafka's own adjustments made on one side only
    divergence: Divergence | None

    def differences(self) -> list[tuple[str, object, object]]:
        return [
            (name, getattr(self.left_facts, name), getattr(self.right_facts, name))
            for name in FACTS
            if getattr(self.left_facts, name) != getattr(self.right_facts, name)
        ]


def _story(run: ScenarioRun) -> list[tuple[int, TraceEvent]]:
    return [(at, e) for at, e in run.trace.timed_events() if isinstance(e, STORY)]


def _seen(event: TraceEvent) -> tuple[object, ...]:
    values = (getattr(event, f.name) for f in fields(event) if f.name not in NOT_WHAT)
    return (type(event).__name__, *(v for v in values))


def first_divergence(left: ScenarioRun, right: ScenarioRun) -> Divergence | None:
    """The first story event that differs in what happens, else in when; None if neither."""
    a, b = _story(left), _story(right)
    shifted: tuple[int, int] | None = None
    shift_index = -1
    for index in range(max(len(a), len(b))):
        x = a[index] if index < len(a) else None
        y = b[index] if index < len(b) else None
        if x is None or y is None or _seen(x[1]) != _seen(y[1]):
            at = min(e[0] for e in (x, y) if e is not None)
            return Divergence(at, "what", x, y, shifted)
        if shifted is None and x[0] != y[0]:
            shifted, shift_index = (x[0], y[0]), index
    if shifted is None:
        return None
    x, y = a[shift_index], b[shift_index]
    return Divergence(min(x[0], y[0]), "when", x, y)


def compare(
    path: Path,
    name: str,
    *,
    changes: list[str],
    common: list[str],
    seed: int,
    plan: FaultPlan,
    key: str | None = None,
    key_type: str | None = None,
) -> Comparison:
    """Run `name` with `common` settings (left) and with `changes` on top (right)."""
    if not changes:
        raise SettingError("compare needs at least one --vs NAME=VALUE: the change to compare")

    def run(overrides: list[str]) -> ScenarioRun:
        return run_scenario(
            path, name, key=key, key_type=key_type, overrides=overrides, seed=seed, plan=plan
        )

    left, right = run(common), run([*common, *changes])
    lt, rt = left.trace, right.trace
    before = {**lt.settings.kafka_names(), **lt.cluster.kafka_names()}
    after = {**rt.settings.kafka_names(), **rt.cluster.kafka_names()}
    settings = tuple((n, before[n], after[n]) for n in before if before[n] != after.get(n))
    left_notes = {e for _, e in lt.of_type(ev.ConfigNote)}
    right_notes = {e for _, e in rt.of_type(ev.ConfigNote)}
    notes = tuple(e for _, e in rt.of_type(ev.ConfigNote) if e not in left_notes) + tuple(
        e for _, e in lt.of_type(ev.ConfigNote) if e not in right_notes
    )
    return Comparison(
        left,
        right,
        run_facts(lt),
        run_facts(rt),
        tuple(changes),
        settings,
        notes,
        first_divergence(left, right),
    )


def _side(event: tuple[int, TraceEvent] | None) -> dict[str, Any] | None:
    return None if event is None else event_json(*event)


def compare_json(c: Comparison) -> dict[str, Any]:
    """The `compare --json` document (fields in the README)."""
    runs = []
    for run, facts, label in ((c.left, c.left_facts, "left"), (c.right, c.right_facts, "right")):
        head = trace_json_head(run.trace, run.key_type)
        runs.append({"side": label, **head, "facts": {n: getattr(facts, n) for n in FACTS}})
    d = c.divergence
    return {
        "changes": list(c.changes),
        "settings_changed": [
            {
                "setting": n,
                "left": a,
                "right": b,
                "given": any(x.split("=")[0].strip() == n for x in c.changes),
            }
            for n, a, b in c.settings
        ],
        "runs": runs,
        "differences": [{"fact": n, "left": a, "right": b} for n, a, b in c.differences()],
        "diverges_at_ms": None if d is None else d.at_ms,
        "divergence": None
        if d is None
        else {
            "kind": d.kind,
            "left": _side(d.left),
            "right": _side(d.right),
            "earlier_shift_ms": None if d.shifted is None else list(d.shifted),
        },
    }
