"""`kafkaretry quiz`: questions from quiz.yaml (data), answers from the finished run.

A question names a `fact`; the right choice is the one whose `value` equals that fact as
this run computed it, so answers follow the run (a --set that changes the story changes
the right answer), and a question none of whose choices matches is not asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafkaretry.errors import KafkaRetryError, ScenarioFileError
from kafkaretry.sim import events as ev
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.kraft import shutdown_events as s
from kafkaretry.sim.trace import Trace
from kafkaretry.whatif.facts import run_facts

QUIZ_FILE = "quiz.yaml"


class AnswerError(KafkaRetryError):
    """An answer that is not one of a question's choices, or a missing one."""


def _retry_partition(trace: Trace) -> str | None:
    attempts = trace.attempts(0)
    if len(attempts) < 2:
        return None
    return "same" if attempts[1].partition == attempts[0].partition else "other"


def _retry_answer(trace: Trace) -> str | None:
    attempts = trace.attempts(0)
    if len(attempts) < 2:
        return None
    return "deduplicated" if attempts[1].outcome == "deduplicated" else "appended"


def _metadata_from(trace: Trace) -> str | None:
    # MetadataReceived names the broker that answered: controllers never answer producers.
    return "brokers" if trace.of_type(ev.MetadataReceived) else None


def _leader_change_by(trace: Trace) -> str:
    return "controller" if trace.of_type(k.PartitionLeaderElected) else "nobody"


def _leader_moved_by(trace: Trace) -> str:
    if trace.of_type(s.BrokerInControlledShutdown):
        return "shutdown-request"
    return "session-expiry" if trace.of_type(k.BrokerSessionExpired) else "nobody"


def _redirect_by(trace: Trace) -> str | None:
    """How the producer learned the leader its first retry went to."""
    for _, answer in trace.of_type(ev.ProduceResponseReceived):
        if answer.error != "NONE":
            return "answer" if answer.current_leader >= 0 else "metadata"
    return None


def _preferred_back(trace: Trace) -> str | None:
    if not trace.of_type(k.BrokerRestarted):
        return None
    return "yes" if trace.of_type(s.LeaderImbalanceChecked) else "no"


FACTS: dict[str, Callable[[Trace], str | None]] = {
    "retry_partition": _retry_partition,
    "copies": lambda trace: str(run_facts(trace).copies),
    "retry_answer": _retry_answer,
    "metadata_from": _metadata_from,
    "leader_change_by": _leader_change_by,
    "leader_moved_by": _leader_moved_by,
    "redirect_by": _redirect_by,
    "preferred_back": _preferred_back,
}
TRIGGERS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        ev.ProduceRequestSent,
        ev.RecordAppended,
        ev.ResponseDropped,
        ev.ProduceRequestTimedOut,
        ev.RetryScheduled,
        ev.DuplicateDetected,
        ev.RecordAcknowledged,
        ev.MetadataReceived,
        k.BrokerCrashed,
        k.ControllerElected,
        k.BrokerFenced,
        k.PartitionLeaderElected,
        k.BrokerRestarted,
        s.BrokerShutdownRequested,
    )
}


@dataclass(frozen=True, slots=True)
class Question:
    ask: str
    choices: tuple[str, ...]
    correct: int
    explain: str
    before_step: int  # index into trace.steps of the moment the question precedes


def quiz_path(scenarios: Path) -> Path:
    """quiz.yaml beside the scenario file in use, else the packaged one."""
    from kafkaretry.loading import packaged_scenarios_path

    beside = scenarios.with_name(QUIZ_FILE)
    return beside if beside.is_file() else packaged_scenarios_path().with_name(QUIZ_FILE)


def load_questions(path: Path, name: str, trace: Trace) -> list[Question]:
    """The scenario's questions that this run answers, in the order they come up."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioFileError(f"{path}: cannot read the quiz: {exc}") from None
    entries = (data or {}).get(name) if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ScenarioFileError(f"{path}: no questions for scenario '{name}'")
    first = _first_steps(trace)
    found = [_question(path, f"{name}[{i}]", e, trace, first) for i, e in enumerate(entries)]
    asked = [q for q in found if q is not None]
    return sorted(asked, key=lambda q: q.before_step)  # stable: file order at one moment


def _first_steps(trace: Trace) -> dict[type, int]:
    first: dict[type, int] = {}
    for index, step in enumerate(trace.steps):
        for event in step.events:
            first.setdefault(type(event), index)
    return first


def _question(
    path: Path, place: str, entry: Any, trace: Trace, first: dict[type, int]
) -> Question | None:
    def bad(what: str) -> ScenarioFileError:
        return ScenarioFileError(f"{path}: {place}: {what}")

    if not isinstance(entry, dict):
        raise bad("expected a mapping with before, ask, fact, choices")
    before, fact = entry.get("before"), entry.get("fact")
    if before not in TRIGGERS:
        raise bad(f"unknown event '{before}' for before; known: {', '.join(sorted(TRIGGERS))}")
    if fact not in FACTS:
        raise bad(f"unknown fact '{fact}'; known: {', '.join(sorted(FACTS))}")
    choices = entry.get("choices")
    if not isinstance(choices, list) or len(choices) < 2:
        raise bad("choices: give at least two, each with text, value and explain")
    if not all(isinstance(c, dict) and {"text", "value", "explain"} <= c.keys() for c in choices):
        raise bad("choices: each needs text, value and explain")
    value = FACTS[fact](trace)
    matching = [i for i, c in enumerate(choices) if str(c["value"]) == value]
    step = first.get(TRIGGERS[before])
    if not matching or step is None:
        return None  # this run does not answer it: words follow facts
    right = matching[0]
    return Question(
        str(entry.get("ask", "")),
        tuple(str(c["text"]) for c in choices),
        right,
        " ".join(str(choices[right]["explain"]).split()),
        step,
    )


def parse_answers(text: str) -> list[int]:
    """`0,2,1` → [0, 2, 1]; AnswerError names the bad entry."""
    out = []
    for position, part in enumerate(text.split(","), 1):
        try:
            out.append(int(part.strip()))
        except ValueError:
            raise AnswerError(
                f"--answers: answer {position} is '{part.strip()}', not a choice number"
            ) from None
    return out


def check_answer(question: Question, number: int, answer: int) -> None:
    if not 0 <= answer < len(question.choices):
        raise AnswerError(
            f"answer to question {number} is {answer}; choose 0 to {len(question.choices) - 1}"
        )
