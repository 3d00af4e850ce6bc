"""The simulation core imports no UI, YAML or validation library."""

from __future__ import annotations

import subprocess
import sys


def test_sim_imports_no_rich_typer_or_yaml() -> None:
    code = (
        "import sys, kafkaretry.sim, kafkaretry.sim.simulation; "
        "print(sorted(m for m in ('rich', 'typer', 'yaml', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
