"""`kafkaretry compare`: what changed, the two runs side by side, where they part ways."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from kafkaretry.render.describe import describe
from kafkaretry.report import summarize
from kafkaretry.runner import ScenarioRun
from kafkaretry.sim.events import TraceEvent
from kafkaretry.whatif.compare import Comparison

LABELS = {
    "outcome": "the record's outcome",
    "copies": "copies in the log",
    "attempt_outcomes": "attempts",
    "ack_broker": "acknowledged by",
    "ack_at_ms": "acknowledged at",
    "time_to_ack_ms": "time to ack",
    "idempotence": "idempotence",
    "leader_changes": "leader changes",
    "time_to_new_leader_ms": "time to new leader",
    "controller_changes": "controller changes",
    "time_to_new_controller_ms": "time to new controller",
    "lost": "records lost",
    "duplicated": "records duplicated",
}


def _value(name: str, value: object, run: ScenarioRun) -> str:
    summary = summarize(run.trace, run.key_type)
    shown = {
        "copies": lambda: f"{value} (offsets {', '.join(map(str, summary.offsets)) or '-'})",
        "attempt_outcomes": lambda: ", ".join(
            f"#{a.attempt} {a.outcome}" for a in summary.attempts
        ),
        "ack_broker": lambda: f"broker {value}",
    }
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "on" if value else "OFF"
    if name in shown:
        return shown[name]() or "none"
    return f"{value} ms" if name.endswith("_ms") else str(value)


def _settings(c: Comparison) -> RenderableType:
    given = {pair.split("=")[0].strip() for pair in c.changes}
    lines: list[RenderableType] = [Text("what changes", style="stage")]
    for name, left, right in c.settings:
        how = "" if name in given else "   (not given: Kafka's own rule follows from the change)"
        left_text, right_text = (str(v).lower() for v in (left, right))
        lines.append(Text(f"  {name}: {left_text} → {right_text}{how}"))
    if not c.settings:
        lines.append(Text("  no effective setting differs", style="muted"))
    lines.extend(Text("  • ") + describe(note) for note in c.notes)
    return Group(*lines)


def _side_by_side(c: Comparison, left_label: str, right_label: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="side by side")
    table.add_column("")
    table.add_column(left_label)
    table.add_column(right_label)
    table.add_column("")
    differ = {name for name, _, _ in c.differences()}
    for name, label in LABELS.items():
        left = _value(name, getattr(c.left_facts, name), c.left)
        right = _value(name, getattr(c.right_facts, name), c.right)
        mark = Text("≠", style="failure") if name in differ else Text("")
        table.add_row(Text(label, style="stage"), left, right, mark)
    return table


def _event(side: str, event: tuple[int, TraceEvent] | None) -> RenderableType:
    if event is None:
        return Text(f"  {side}: nothing more happens")
    at, what = event
    return Group(
        Text(f"  {side}, t = {at} ms:", style="value"),
        Padding(describe(what), (0, 0, 0, 4)),
    )


def compare_view(c: Comparison, title: str, common: list[str]) -> Group:
    """The change, both runs' facts (≠ where they differ) and the first divergence."""
    left_label = "with " + ", ".join(common) if common else "as in the file"
    right_label = "with " + ", ".join([*common, *c.changes])
    parts: list[RenderableType] = [Text(title, style="stage"), _settings(c)]
    parts.append(_side_by_side(c, left_label, right_label))
    d = c.divergence
    if d is None:
        parts.append(Text("The two runs tell the same story, moment by moment.", style="ack"))
    else:
        why = "; ".join(f"{n}: {str(a).lower()} → {str(b).lower()}" for n, a, b in c.settings)
        what = "happens" if d.kind == "what" else "happens at a different time"
        parts.append(Text(f"first divergence at t = {d.at_ms} ms: what {what}", style="stage"))
        if d.shifted is not None:
            parts.append(
                Text(
                    f"  (until then the same events, in the same order; from t = "
                    f"{d.shifted[0]} ms (left) / {d.shifted[1]} ms (right) at different times)",
                    style="muted",
                )
            )
        parts.extend([_event("left", d.left), _event("right", d.right)])
        parts.append(Text(f"  why: {why or 'the change above'}", style="muted"))
    return Group(*parts)
