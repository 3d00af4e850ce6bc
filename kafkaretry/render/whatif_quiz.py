"""`kafkaretry quiz`: the story's moments between questions, each question, its answer."""

from __future__ import annotations

from itertools import groupby

from rich.console import Group, RenderableType
from rich.text import Text

from kafkaretry.render.step import step_view
from kafkaretry.sim.trace import Trace
from kafkaretry.whatif.compare import STORY
from kafkaretry.whatif.quiz import Question


def moments(trace: Trace, start: int, stop: int | None) -> list[RenderableType]:
    """The moments of steps[start:stop] that tell the story (requests, appends, losses,
    retries, acknowledgements, crashes, elections), one view per simulated ms."""
    out: list[RenderableType] = []
    for at, steps in groupby(trace.steps[start:stop], key=lambda s: s.at_ms):
        events = [e for s in steps for e in s.events if isinstance(e, STORY)]
        if events:
            out.append(step_view(at, events))
    return out


def question_view(number: int, question: Question) -> Group:
    lines: list[RenderableType] = [Text(f"\nQuestion {number}: {question.ask}", style="stage")]
    lines += [Text(f"  {i}) {choice}") for i, choice in enumerate(question.choices)]
    return Group(*lines)


def answer_view(question: Question, answer: int) -> Group:
    right = question.choices[question.correct]
    verdict = (
        Text(f"  ✓ right: {answer}) {right}", style="ack")
        if answer == question.correct
        else Text(
            f"  ✗ you said {answer}; the run says {question.correct}) {right}", style="failure"
        )
    )
    return Group(verdict, Text(f"  {question.explain}", style="muted"), Text(""))


def score_view(right: int, total: int) -> Text:
    return Text(f"score: {right} of {total}", style="stage")
