"""The README documents every command, and every command answers --help."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import ROOT, STABLE_ENV

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or "" for c in typer.main.get_command(app).commands.values())  # type: ignore[attr-defined]


def test_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)\n```", README, flags=re.DOTALL)
    assert blocks[0].startswith("pip install . && kafkaretry ")
    assert blocks[1] == "pip install -e '.[test]' && pytest"
    assert README.index(blocks[1]) < README.index("## ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_readme_section(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env=STABLE_ENV)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert f"### `kafkaretry {command}" in README


EXAMPLES = [
    (m.group(1), m.group(2))
    for m in re.finditer(
        r"```console\n\$ kafkaretry ([^\n#]*)\n(.*?)\n```", README, flags=re.DOTALL
    )
    if "broken.yaml" not in m.group(1)
]


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_examples_are_real_output(command: str, shown: str) -> None:
    result = CliRunner().invoke(app, command.split(), env=STABLE_ENV)
    assert result.exit_code == 0
    actual = [line.rstrip() for line in result.stdout.rstrip("\n").splitlines()]
    assert shown.splitlines() == actual
