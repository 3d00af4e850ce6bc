"""Option and argument errors, as the installed command prints them: one `error:` line, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

KAFKARETRY = [sys.executable, "-c", "from kafkaretry.cli import main; main()"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["simulate", "ack-loss", "--seed", "abc"],
            "error: kafkaretry simulate: invalid value for '--seed': 'abc': not a number of "
            "type LONG\n",
        ),
        (
            ["partition", "hello", "--partitions", "0"],
            "error: kafkaretry partition: invalid value for '--partitions': '0': must be from "
            "1 to 100000\n",
        ),
        (["simulate"], "error: kafkaretry simulate: missing argument 'name'.\n"),
        (
            ["simulate", "ack-loss", "--nope"],
            "error: kafkaretry simulate: no such option: --nope (Possible options: --compare, "
            "--no-key)\n",
        ),
        (
            ["sweep", "ack-loss", "--seeds", "0"],
            "error: kafkaretry sweep: invalid value for '--seeds': 0 is not in the range x>=1.\n",
        ),
    ],
)
def test_option_errors_are_one_line(args: list[str], message: str) -> None:
    result = subprocess.run([*KAFKARETRY, *args], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)


def test_the_bare_command_prints_its_help() -> None:
    result = subprocess.run(KAFKARETRY, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    # Click shows this help where a usage error goes (stderr when it is not a terminal).
    shown = result.stdout + result.stderr
    assert shown.startswith("Usage: kafkaretry [OPTIONS] COMMAND [ARGS]...")
    assert "simulate" in shown


@pytest.mark.parametrize(
    "args",
    [
        ["partition", "--help"],
        ["lab", "--help"],
        ["lab", "run", "--help"],
        ["verify", "--help"],
        ["--help"],
        ["partiton", "1"],
        ["lab", "nope"],
        ["--version"],
    ],
)
def test_a_run_builds_only_its_command_and_says_the_same(args: list[str]) -> None:
    """`main` builds only the invoked command; help and errors match the whole app's."""
    from kafkaretry.cli import _app_for, app

    built = _app_for(args[:1])
    if args[0] in ("partition", "lab", "verify"):
        assert built is not app
        assert len(built.registered_commands) + len(built.registered_groups) == 1
    else:
        assert built is app
    whole_app = "import kafkaretry.cli as c; c._app_for = lambda first: c.app; c.main()"
    whole = subprocess.run(
        [sys.executable, "-c", whole_app, *args], capture_output=True, text=True, check=False
    )
    result = subprocess.run([*KAFKARETRY, *args], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (
        whole.returncode,
        whole.stdout,
        whole.stderr,
    )
    assert result.stdout or result.stderr
