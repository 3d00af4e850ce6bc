"""The README's stage-heading excerpts are the first line of each heading of the real run."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from tests.stories.common import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXCERPTS = [
    (m.group(1).split(), m.group(2).splitlines())
    for m in re.finditer(
        r"```console\n\$ kafkaretry ([^\n#]*?)\s*# the stage headings\n(.*?)\n```",
        README,
        flags=re.DOTALL,
    )
]


def _headings(stdout: str) -> list[str]:
    # Numbered stages, and the turns within a stage ("… controller 2 is …"), not the
    # summaries of quiet stretches ("… and 9 more moments …").
    quiet = re.compile(r"… and \d+ more moments")
    return [
        line.rstrip()
        for line in stdout.splitlines()
        if line.startswith("Stage ") or (line.startswith("… ") and not quiet.match(line))
    ]


def test_there_is_an_excerpt_per_story() -> None:
    assert len(EXCERPTS) >= 6


@pytest.mark.parametrize(("command", "shown"), EXCERPTS, ids=[" ".join(c) for c, _ in EXCERPTS])
def test_heading_excerpts_are_real(command: list[str], shown: list[str]) -> None:
    result = cli(*command[1:])
    assert result.exit_code == 0
    assert _headings(result.stdout) == shown
