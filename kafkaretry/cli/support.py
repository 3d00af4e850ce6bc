"""What every command shares: the error funnel, JSON printing, the scenario file and
options declared once (Typer `Annotated` aliases), Java integers parsed as Kafka parses them."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from kafkaretry.errors import KafkaRetryError
from kafkaretry.topology import MAX_PARTITIONS

ScenariosOption = Annotated[
    Path | None,
    typer.Option(
        "--scenarios",
        help="Scenario file to load [default: ./scenarios.yaml, else the packaged one].",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="NAME=VALUE",
        help="Override a Kafka setting by its Kafka name, e.g. --set enable.idempotence=false "
        "(repeatable).",
        show_default=False,
    ),
]


class KeyType(StrEnum):
    string = "string"
    int = "int"
    long = "long"
    short = "short"
    uuid = "uuid"
    bytes = "bytes"


KeyTypeOption = Annotated[
    KeyType,
    typer.Option("--key-type", help="Java serializer for the key (bytes: give the key as hex)."),
]

LONG_MAX = 2**63 - 1


def int_option(*decls: str, low: int, high: int = 2**31 - 1, kind: str = "INT", **kw: Any) -> Any:
    """An option holding a Java integer in [low, high]; errors echo at most 40 characters."""

    def parse(text: str) -> int:
        from kafkaretry.javanum import parse_java_integer, shown

        try:
            return parse_java_integer(text, kind, low, high)
        except ValueError as exc:
            raise typer.BadParameter(f"{shown(text)}: {exc}") from None

    return typer.Option(*decls, parser=parse, metavar="<int>", **kw)


long_option = partial(int_option, high=LONG_MAX, kind="LONG")
count_option = partial(int_option, low=1, high=MAX_PARTITIONS)


# The fault plan of a scenario, shared by simulate, sweep, compare, export, lab run and verify.
BrokerOption = Annotated[
    int | None,
    int_option(
        low=0,
        help="The broker the crash-broker or stop-broker fault (and restart-broker) acts on.",
        show_default=False,
    ),
]
AtMsOption = Annotated[
    int | None,
    long_option(
        "--at-ms",
        low=0,
        help="When the crash-broker or stop-broker fault strikes.",
        show_default=False,
    ),
]
WithControllerOption = Annotated[
    bool,
    typer.Option(
        "--with-controller", help="Also crash the active controller when the broker dies."
    ),
]


@contextmanager
def reported_errors() -> Iterator[None]:
    """The one error funnel: expected failures become `error: …` on stderr and exit 2."""
    try:
        yield
    except KafkaRetryError as exc:
        from rich.text import Text

        from kafkaretry.render.console import make_console

        # soft_wrap: the message is a line to read or grep, not a paragraph to reflow.
        make_console(stderr=True).print(
            Text("error: ", style="failure") + Text(exc.message), soft_wrap=True
        )
        raise typer.Exit(code=int(exc.exit_code)) from None


def scenarios_path(path: Path | None) -> Path:
    from kafkaretry.loading import default_scenarios_path

    return path if path is not None else default_scenarios_path()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def console() -> Any:
    from kafkaretry.render.console import make_console

    return make_console()


class ListsScenarios(TyperCommand):
    """A command whose --help ends with the scenario names of the file it would read.

    The names are read when help is shown, not at import, so start-up stays fast."""

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        self.epilog = _scenario_names_line()
        super().format_epilog(ctx, formatter)


def _scenario_names_line() -> str:
    import yaml

    from kafkaretry.loading import default_scenarios_path

    path = default_scenarios_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    names = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(names, dict) or not names:
        return f"Scenarios: {path} lists none; see `kafkaretry scenarios`."
    return f"Scenarios in {path}: {', '.join(map(str, names))}."
