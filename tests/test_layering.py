"""Import boundaries that keep start-up fast and the core free of UI code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("rich", "typer", "yaml", "pydantic", "numpy", "pyarrow", "duckdb")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {name.split(".")[0] for name in json.loads(out.stdout)}


@pytest.mark.parametrize(
    "module",
    [
        "kafkaretry.partitioning.placement",
        "kafkaretry.partitioning.clients",
        "kafkaretry.topology",
        "kafkaretry.loading",
        "kafkaretry.placing",
        "kafkaretry.sim.simulation",
        "kafkaretry",
        "kafkaretry.whatif.facts",
        "kafkaretry.whatif.stats",
        "kafkaretry.jsonstream",
        "kafkaretry.lab.session",
        "kafkaretry.lab.proxy",
    ],
)
def test_core_modules_import_no_ui_or_parsers(module: str) -> None:
    assert _modules_after(f"import {module}").isdisjoint(HEAVY)


def test_cli_import_leaves_yaml_and_pydantic_for_later() -> None:
    # `--help` and a warm `partition` never need the scenario file's parser or schema.
    loaded = _modules_after("import kafkaretry.cli")
    assert loaded.isdisjoint({"yaml", "pydantic", "numpy"})


def test_warm_partition_skips_yaml_and_pydantic(tmp_path: object) -> None:
    code = (
        "import sys, json\n"
        "from kafkaretry.cli import app\n"
        "sys.argv = ['kafkaretry', 'partition', 'hello', '--client', 'every']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    env = {"KAFKARETRY_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
        )
        for _ in range(2)
    ]
    cold, warm = ({n.split(".")[0] for n in json.loads(r.stderr)} for r in runs)
    assert {"yaml", "pydantic"} <= cold  # the first run validates the file
    assert warm.isdisjoint({"yaml", "pydantic"})  # later runs use the cached topology
    assert (cold | warm).isdisjoint({"numpy", "pyarrow", "duckdb"})  # one key needs no arrays


def test_the_simulation_package_loads_no_ui_parser_or_numpy() -> None:
    # `import kafkaretry.sim` is what a script embedding the model pays.
    assert _modules_after("import kafkaretry.sim").isdisjoint(HEAVY)


def test_no_module_is_far_over_the_size_budget() -> None:
    # About 300 lines a module, named for what it holds (a little slack, not a second budget).
    root = Path(__file__).resolve().parent.parent / "kafkaretry"
    sizes = {
        str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines())
        for p in root.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 320} == {}
