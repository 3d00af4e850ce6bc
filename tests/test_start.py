"""A first session: `settings`, `scenarios init`, names in --help, a foreign scenarios.yaml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.scenario import SETTING_OWNERS
from tests.conftest import SCENARIOS, assert_golden

runner = CliRunner()


def _settings_in(data: dict[str, Any]) -> set[str]:
    """Every Kafka setting name the file writes (topic configs aside)."""
    found: set[str] = set()
    cluster = data["cluster"]
    assert isinstance(cluster, dict)
    found |= set(cluster.get("configs", {}))
    found |= set(data.get("producer") or {})
    found |= set(data.get("network") or {})
    for scenario in (data.get("scenarios") or {}).values():
        found |= set(scenario.get("producer") or {}) | set(scenario.get("cluster_configs") or {})
    return found


def test_settings_json_lists_every_setting_of_the_schema_and_the_file() -> None:
    result = runner.invoke(app, ["settings", "--json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == ["name", "section", "default", "unit", "meaning"]
    names = [row["name"] for row in rows]
    assert sorted(names) == sorted(SETTING_OWNERS)
    used = _settings_in(yaml.safe_load(SCENARIOS.read_text(encoding="utf-8")))
    assert used <= set(names)
    by_name = {row["name"]: row for row in rows}
    assert by_name["request.timeout.ms"]["default"] == 30000
    assert by_name["request.timeout.ms"]["unit"] == "ms"
    assert by_name["acks"]["default"] == "all"
    assert by_name["enable.idempotence"]["default"] is None
    assert by_name["broker.session.timeout.ms"] == {
        "name": "broker.session.timeout.ms",
        "section": "controller",
        "default": 9000,
        "unit": "ms",
        "meaning": "a broker without a heartbeat for this long is fenced and loses its leaderships",
    }


def test_settings_golden() -> None:
    result = runner.invoke(app, ["settings"])
    assert result.exit_code == 0
    assert_golden("settings.txt", result.stdout)


def test_scenarios_init_writes_a_file_simulate_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, ["scenarios", "init"])
    assert first.exit_code == 0, first.stderr
    assert first.stdout == (
        "wrote scenarios.yaml: edit it, then kafkaretry uses it from this directory "
        "(kafkaretry scenarios lists it)\n"
    )
    assert (tmp_path / "scenarios.yaml").read_bytes() == SCENARIOS.read_bytes()
    run = runner.invoke(app, ["simulate", "ack-loss", "--json"])
    assert run.exit_code == 0
    again = runner.invoke(app, ["scenarios", "init"])
    assert again.exit_code == 2
    assert again.stderr == (
        "error: scenarios.yaml exists already; give another PATH or move it away\n"
    )
    other = runner.invoke(app, ["scenarios", "init", "mine.yaml", "--json"])
    assert json.loads(other.stdout) == {"written": "mine.yaml"}


def test_unknown_scenarios_action() -> None:
    result = runner.invoke(app, ["scenarios", "list"])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: unknown action 'list' of scenarios; known: init\n",
    )


def test_a_foreign_scenarios_yaml_here_is_named_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios.yaml").write_text("steps:\n  - login\n", encoding="utf-8")
    result = runner.invoke(app, ["simulate", "ack-loss"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: scenarios.yaml: not a kafkaretry scenario file (it has no 'cluster' or "
        "'scenarios' key); kafkaretry reads ./scenarios.yaml from the current directory "
        "unless --scenarios PATH names another file (`kafkaretry scenarios init PATH` writes "
        "a copy of the packaged one)\n"
    )
    given = runner.invoke(app, ["simulate", "ack-loss", "--scenarios", "scenarios.yaml"])
    assert given.stderr.startswith("error: scenarios.yaml: not a kafkaretry scenario file")
    assert runner.invoke(app, ["scenarios", "--scenarios", str(SCENARIOS)]).exit_code == 0


@pytest.mark.parametrize("command", ["simulate", "sweep", "compare"])
def test_help_lists_the_scenario_names(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert " ".join(result.stdout.split()).endswith(
        "Scenarios in scenarios.yaml: ack-loss, broker-down, broker-unreachable, "
        "rolling-restart, lagging-follower, min-isr, unclean-election, reordering, acks1-loss."
    )
