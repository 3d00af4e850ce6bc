"""`kafkaretry lab setup` and `kafkaretry lab run`: what the real cluster did, as tables.

Input is the JSON-ready data of kafkaretry.lab (so --json and the tables tell the same
facts). Times are ms since the producer's send() call.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text


def setup_view(data: dict[str, Any]) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, show_header=False, title="lab setup")
    table.add_column("", style="stage", no_wrap=True)
    table.add_column("")
    table.add_row("Kafka", f"{data['kafka_version']} ({data['source']})")
    table.add_row("libs", f"{data['kafka_home']}/libs")
    table.add_row("Java", str(data["java"]))
    return table


def _settings_line(settings: dict[str, Any]) -> Text:
    fast = settings["fast_factor"]
    scale = f"--fast: Kafka's time settings ÷ {fast}" if fast else "Kafka's time settings"
    shown = ("acks", "enable.idempotence", "request.timeout.ms", "delivery.timeout.ms")
    producer = "  ".join(f"{n}={str(settings['producer'][n]).lower()}" for n in shown)
    return Text(f"producer: {producer}  ({scale})", style="muted")


def _timeline(run: dict[str, Any], partition: int) -> Table:
    rows: list[tuple[int, Text]] = [
        (0, Text(f"send() called; the interceptor sees partition {run['interceptor_partition']}"))
    ]
    for m in run["metadata_refreshes"]:
        rows.append(
            (
                m["at_ms"],
                Text(
                    f"metadata answer from broker {m['via_broker']}: "
                    f"partition {partition} led by {m['leader_seen']}"
                ),
            )
        )
    for a in run["attempts"]:
        rows.append(
            (
                a["at_ms"],
                Text(
                    f"attempt #{a['attempt']} → broker {a['broker']}, partition {a['partition']} "
                    f"(producer id {a['producer_id']}, sequence {a['base_sequence']}): "
                    f"{a['outcome']}",
                    style="retry" if a["attempt"] > 1 else "",
                ),
            )
        )
    for f in run["faults"]:
        rows.append(
            (f["at_ms"], Text(f"{f['how']} {f['kind'].split('-')[1]} {f['node']}", style="failure"))
        )
    if run["leader_election"]:
        e = run["leader_election"]
        rows.append(
            (
                e["at_ms"],
                Text(
                    f"brokers report partition {partition}'s new leader: "
                    f"broker {e['new_leader']}, ISR {e['isr_after']}",
                    style="election",
                ),
            )
        )
    if run["controller_election"]:
        c = run["controller_election"]
        rows.append(
            (
                c["at_ms"],
                Text(
                    f"controller {c['new_active']} is the active controller (epoch {c['epoch']})",
                    style="election",
                ),
            )
        )
    if run["ack_at_ms"] is not None:
        rows.append(
            (
                run["ack_at_ms"],
                Text(
                    f"callback: partition {run['callback_partition']}, offset {run['ack_offset']}",
                    style="ack",
                ),
            )
        )
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title=f"run {run['run']}: timeline (ms)")
    table.add_column("ms", justify="right", style="value", no_wrap=True)
    table.add_column("what happened")
    for at, text in sorted(rows, key=lambda r: r[0]):
        table.add_row(str(at), text)
    return table


def _summary(run: dict[str, Any], record: dict[str, Any]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="summary", show_header=False)
    table.add_column("", style="stage", no_wrap=True)
    table.add_column("")
    table.add_row(
        "record", f"key {record['key']} ({record['key_type']}) → partition {record['partition']}"
    )
    table.add_row(
        "attempts",
        ", ".join(
            f"#{a['attempt']} → broker {a['broker']}, partition {a['partition']}: {a['outcome']}"
            for a in run["attempts"]
        ),
    )
    idempotent = bool(run["attempts"]) and run["attempts"][0]["producer_id"] >= 0
    table.add_row("idempotence", "on" if idempotent else "OFF")
    copies = f"{run['copies']} (offsets {', '.join(map(str, run['offsets'])) or '-'})"
    table.add_row(
        "copies in the log", Text(copies, style="ack" if run["copies"] == 1 else "failure")
    )
    acked = (
        f"yes, by broker {run['ack_broker']}, offset {run['ack_offset']} at {run['ack_at_ms']} ms"
        if run["acked"]
        else f"no: {run['exception']}"
    )
    table.add_row("acknowledged", acked)
    return table


def _runs(count: int) -> str:
    return "1 run on a fresh cluster" if count == 1 else f"{count} runs, each on a fresh cluster"


def lab_view(data: dict[str, Any]) -> list[RenderableType]:
    """One renderable per part: header, then each run's timeline and summary."""
    real = data["real"]
    parts: list[RenderableType] = [
        Group(
            Rule(Text(f"kafkaretry lab run {data['scenario']}", style="stage")),
            Text(
                f"Apache Kafka {real['kafka_version']}, {_runs(len(real['runs']))}", style="muted"
            ),
            _settings_line(data["settings"]),
        )
    ]
    for run in real["runs"]:
        parts.append(_timeline(run, data["record"]["partition"]))
        parts.append(_summary(run, data["record"]))
        if run["kept"]:
            parts.append(Text(f"files of run {run['run']} kept in {run['kept']}", style="muted"))
    return parts


class StartProgress:
    """`progress(message)` for cluster start-up: a spinner on stderr, on terminals only."""

    def __init__(self) -> None:
        import sys

        self._status: Any = None
        if sys.stderr.isatty():
            from kafkaretry.render.console import make_console

            self._status = make_console(stderr=True).status("starting the lab cluster")

    def __call__(self, message: str) -> None:
        if self._status is not None:
            self._status.update(message)

    def __enter__(self) -> StartProgress:
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()
