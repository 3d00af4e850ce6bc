"""`lab setup`, `lab run` and `verify` refuse what they cannot use, in one line, before any JVM."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import STABLE_ENV, skip_or_fail


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env={**STABLE_ENV, **(env or {})})
    return result.exit_code, result.stderr


def test_an_unknown_scenario_is_named_before_any_java_is_looked_for() -> None:
    assert _run(["verify", "ack-los", "--fast"]) == (
        2,
        "error: unknown scenario 'ack-los'; did you mean 'ack-loss' or 'acks1-loss'?\n",
    )


def test_a_bad_setting_is_refused_by_its_name() -> None:
    assert _run(["lab", "run", "ack-loss", "--set", "acks=2"]) == (
        2,
        "error: --set acks: Input should be 'all', '1' or '0' (got '2')\n",
    )


def test_a_kafka_home_without_kafka_is_refused(tmp_path: Path) -> None:
    if shutil.which("java") is None:
        skip_or_fail("java on PATH (the Java check comes before the Kafka home's)")
    assert _run(["lab", "run", "ack-loss", "--kafka-home", str(tmp_path)]) == (
        2,
        f"error: --kafka-home {tmp_path} has no libs/kafka_2.13-*.jar: "
        "not an Apache Kafka install\n",
    )


def test_setup_without_java_says_what_to_install(tmp_path: Path) -> None:
    assert _run(["lab", "setup"], env={"PATH": str(tmp_path)}) == (
        2,
        "error: java not found on PATH; install a JDK 17 or newer\n",
    )


def test_setup_without_maven_or_kafka_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java = shutil.which("java")
    if java is None:
        skip_or_fail("java on PATH (to get past the Java check)")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "java").symlink_to(Path(java).resolve())
    monkeypatch.delenv("KAFKA_HOME", raising=False)
    assert _run(["lab", "setup"], env={"PATH": str(tmp_path / "bin")}) == (
        2,
        "error: mvn not found on PATH; install Apache Maven (or pass --kafka-home)\n",
    )
