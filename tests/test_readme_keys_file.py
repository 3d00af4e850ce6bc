"""The README's keys-file example: generate keys.txt with its own command, then compare output."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import ROOT, STABLE_ENV

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_keys_file_example_runs_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make = re.search(r"```bash\n(python -c .*?) > keys.txt\n```", README)
    shown = re.search(
        r"```console\n\$ kafkaretry (partition --keys-file keys.txt[^#\n]*?)\s+#[^\n]*\n(.*?)\n```",
        README,
        flags=re.DOTALL,
    )
    assert make
    assert shown
    argv = shlex.split(make.group(1))
    keys = subprocess.run([sys.executable, *argv[1:]], capture_output=True, check=True).stdout
    (tmp_path / "keys.txt").write_bytes(keys)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, shown.group(1).split(), env=STABLE_ENV)
    assert result.exit_code == 0, result.output
    actual = [line.rstrip() for line in result.stdout.rstrip("\n").splitlines()]
    assert shown.group(2).splitlines() == actual
