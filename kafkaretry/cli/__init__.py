"""The kafkaretry command line: each command loads, computes, renders and prints; nothing else.

One module per group of commands (`partition`, `simulate`, `whatif`: sweep, compare and export,
`quiz`, `start`: scenarios and settings, `lab`: lab and verify), `support` for what they share;
this module builds the app from them. Heavy modules (rich tables, yaml, pydantic, the
simulation) are imported inside the commands that use them, so `--help` and `partition` start
fast (PERF-NOTES.md §1).
"""

from __future__ import annotations

import copy
import sys
from typing import Annotated

import typer

from kafkaretry import __version__
from kafkaretry.cli import lab, partition, quiz, simulate, start, whatif
from kafkaretry.cli.support import ListsScenarios

app = typer.Typer(
    name="kafkaretry",
    help="See what really happens to a Kafka message: partitioning, lost ACKs, retries, "
    "idempotence and KRaft failover, simulated step by step.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    # Plain Click help: Typer's Rich help formatter imports markdown-it and pygments
    # (~60 ms, as long as everything else `--help` needs), which would double start-up.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kafkaretry {__version__}\n")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """See what really happens to a Kafka message, step by step."""


app.command()(partition.partition)
app.command(cls=ListsScenarios)(simulate.simulate)
app.command(cls=ListsScenarios)(whatif.sweep)
app.command(cls=ListsScenarios)(whatif.compare)
app.command(cls=ListsScenarios)(whatif.export)
app.command(cls=ListsScenarios)(quiz.quiz)
app.command()(start.scenarios)
app.command()(start.settings)
app.add_typer(lab.lab_app, name="lab")
app.command()(lab.verify)


def _app_for(first: list[str]) -> typer.Typer:
    """The app with only the command `first` names, or the whole app for anything else.

    Typer builds every command's Click parameters from its signature, annotations and
    docstrings on each run (more time than parsing the key file's options); a run needs only
    the command it invokes. Help, `--version` and an unknown name get the whole app, so
    their output (the command list, Click's "No such command") is unchanged.
    """
    name = first[0] if first else ""
    one = copy.copy(app)
    one.registered_commands = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and (info.name or typer.main.get_command_name(info.callback.__name__)) == name
    ]
    one.registered_groups = [info for info in app.registered_groups if info.name == name]
    return one if one.registered_commands or one.registered_groups else app


def main() -> None:
    """Console-script entry point: a bad option or argument is one `error:` line, exit 2.

    Click would print the usage and a hint around the message; the one error funnel of
    kafkaretry (cli/support.reported_errors) prints one line, so option errors do too.
    """
    # Typer vendors Click since 0.26 (pinned below 0.29 in pyproject.toml).
    from typer._click.exceptions import ClickException, NoArgsIsHelpError

    command = typer.main.get_command(_app_for(sys.argv[1:2]))
    try:
        code = command.main(prog_name="kafkaretry", standalone_mode=False)
    except NoArgsIsHelpError as exc:  # `kafkaretry` alone, or a group alone: its help
        exc.show()
        sys.exit(exc.exit_code)
    except ClickException as exc:
        message = exc.format_message()
        ctx = getattr(exc, "ctx", None)  # a usage error knows the command it belongs to
        where = f"{ctx.command_path}: " if ctx is not None else ""
        sys.stderr.write(f"error: {where}{message[:1].lower()}{message[1:]}\n")
        sys.exit(exc.exit_code)
    except typer.Abort:  # Ctrl-C or end of input at a prompt: quietly, as SIGINT would
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
