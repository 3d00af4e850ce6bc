"""The model against Kafka, fact by fact (pure: simulate's JSON and the real runs in, rows out).

Outcome facts agree when every real run shows the simulated value. Timing facts are measured
from an event of the story (attempt 1 leaves the producer, the crash), never from the send:
a freshly started JVM spends its first second loading classes and asking for a producer id,
which the model, a warmed-up application, does not. A timing agrees when the simulated value
lies within the real runs' range widened by TIME_TOLERANCE (a loaded two-core machine
schedules six JVMs; the model's network takes 1 ms each way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TIME_TOLERANCE = (150, 0.10)  # ms, and a fraction of the simulated value: the larger applies


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    kind: str  # "outcome" or "timing"
    simulated: Any
    real: list[Any]  # one value per real run

    def agrees(self) -> bool:
        if self.kind == "outcome":
            return all(r == self.simulated for r in self.real)
        if self.simulated is None or any(r is None for r in self.real):
            return self.simulated is None and all(r is None for r in self.real)
        slack = max(TIME_TOLERANCE[0], TIME_TOLERANCE[1] * abs(self.simulated))
        return bool(min(self.real) - slack <= self.simulated <= max(self.real) + slack)

    def explanation(self) -> str:
        """One line that says what differs, from the values themselves."""
        if self.agrees():
            return ""
        if self.kind == "timing":
            shown = [r for r in self.real if r is not None]
            low, high = (min(shown), max(shown)) if shown else (None, None)
            span = "nothing" if low is None else f"{low} ms" if low == high else f"{low}-{high} ms"
            unseen = [i + 1 for i, r in enumerate(self.real) if r is None]
            missing = f"; not seen in run {', '.join(map(str, unseen))}" if unseen else ""
            return f"the model says {_text(self.simulated)} ms; Kafka took {span}{missing}"
        odd = [i + 1 for i, r in enumerate(self.real) if r != self.simulated]
        values = sorted({_text(self.real[i - 1]) for i in odd})
        runs = ", ".join(map(str, odd))
        return (
            f"the model says {_text(self.simulated)}; Kafka gave {' / '.join(values)} (run {runs})"
        )


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " → ".join(map(str, value)) if value else "none"
    return str(value)


def _crash_at(sim: dict[str, Any], kind: str) -> int | None:
    event = {"crash-broker": "BrokerCrashed", "crash-controller": "ControllerCrashed"}[kind]
    return next((e["at_ms"] for e in sim["events"] if e["type"] == event), None)


def _real_crash_at(run: dict[str, Any], kind: str) -> int | None:
    return next((f["at_ms"] for f in run["faults"] if f["kind"] == kind), None)


def _since(at: int | None, start: int | None) -> int | None:
    return None if at is None or start is None else at - start


def _first_attempt_to_ack(data: dict[str, Any], crash_at: int | None) -> int | None:
    # With a crash in the story, the time before it is how fast the ISR copied attempt 1 (the
    # trigger), which a loaded machine stretches; the crash is then the better origin.
    attempts = data["attempts"]
    if crash_at is not None or not attempts:
        return None
    return _since(data["ack_at_ms"], attempts[0]["at_ms"])


def _election(key: str, field: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: None if d[key] is None else d[key][field]


def _survivor(sim_or_real: dict[str, Any], failed: int | None) -> bool | None:
    election = sim_or_real["controller_election"]
    if failed is None:
        return None
    return election is not None and election["new_active"] != failed


# Each row: name, kind, and how to read it from simulate's JSON and from one real run.
Reader = Callable[[dict[str, Any]], Any]
ROWS: tuple[tuple[str, str, Reader, Reader], ...] = (
    (
        "partition of every attempt",
        "outcome",
        lambda s: sorted({a["partition"] for a in s["attempts"]}),
        lambda r: sorted({a["partition"] for a in r["attempts"]}),
    ),
    ("attempts", "outcome", lambda s: len(s["attempts"]), lambda r: len(r["attempts"])),
    (
        "brokers of the attempts",
        "outcome",
        lambda s: [a["broker"] for a in s["attempts"]],
        lambda r: [a["broker"] for a in r["attempts"]],
    ),
    (
        "outcomes of the attempts",
        "outcome",
        lambda s: [a["outcome"] for a in s["attempts"]],
        lambda r: [a["outcome"] for a in r["attempts"]],
    ),
    ("copies in the partition", "outcome", lambda s: s["log"]["copies"], lambda r: r["copies"]),
    ("acknowledged", "outcome", lambda s: s["acked"], lambda r: r["acked"]),
    ("acknowledged by broker", "outcome", lambda s: s["ack_broker"], lambda r: r["ack_broker"]),
    (
        "new leader of the partition",
        "outcome",
        _election("leader_election", "new_leader"),
        _election("leader_election", "new_leader"),
    ),
    (
        "a surviving controller becomes active",
        "outcome",
        lambda s: _survivor(s, s["failed"]["controller"]),
        lambda r: _survivor(r, _failed_controller(r)),
    ),
    (
        "attempt 1 → acknowledgement (ms)",
        "timing",
        lambda s: _first_attempt_to_ack(s, _crash_at(s, "crash-broker")),
        lambda r: _first_attempt_to_ack(r, _real_crash_at(r, "crash-broker")),
    ),
    (
        "crash → acknowledgement (ms)",
        "timing",
        lambda s: _since(s["ack_at_ms"], _crash_at(s, "crash-broker")),
        lambda r: _since(r["ack_at_ms"], _real_crash_at(r, "crash-broker")),
    ),
    (
        "crash → new partition leader (ms)",
        "timing",
        lambda s: _since(_election("leader_election", "at_ms")(s), _crash_at(s, "crash-broker")),
        lambda r: _since(
            _election("leader_election", "at_ms")(r), _real_crash_at(r, "crash-broker")
        ),
    ),
    (
        "crash → new active controller (ms)",
        "timing",
        lambda s: _since(
            _election("controller_election", "at_ms")(s), _crash_at(s, "crash-controller")
        ),
        lambda r: _since(
            _election("controller_election", "at_ms")(r), _real_crash_at(r, "crash-controller")
        ),
    ),
)


def _failed_controller(run: dict[str, Any]) -> int | None:
    return next((f["node"] for f in run["faults"] if f["kind"] == "crash-controller"), None)


def compare(simulated: dict[str, Any], runs: list[dict[str, Any]]) -> list[Fact]:
    """Every row of ROWS that applies: rows whose value is none on both sides are left out."""
    facts = [
        Fact(name, kind, sim(simulated), [real(r) for r in runs]) for name, kind, sim, real in ROWS
    ]
    return [f for f in facts if not (f.simulated is None and all(r is None for r in f.real))]


def agreement_json(facts: list[Fact]) -> list[dict[str, Any]]:
    return [
        {
            "fact": f.name,
            "kind": f.kind,
            "simulated": f.simulated,
            "real": f.real,
            "agrees": f.agrees(),
            "explanation": f.explanation() or None,
        }
        for f in facts
    ]
