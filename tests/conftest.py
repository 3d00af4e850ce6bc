"""Shared fixtures: a stable environment for Rich output, and text rendering at fixed width."""

from __future__ import annotations

import importlib
import io
import os
from pathlib import Path
from typing import Any, NoReturn

import pytest
from hypothesis import settings
from rich.console import Console, RenderableType

from kafkaretry.render.theme import THEME

# Speed is measured in benchmarks/, never in unit tests: a busy machine must not fail a
# property because one example took longer than Hypothesis' default 200 ms deadline.
settings.register_profile("kafkaretry", deadline=None)
settings.load_profile("kafkaretry")

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
WIDTH = 100
# Output is compared to plain text: a fixed width, no colour, no terminal detection.
STABLE_ENV = {"COLUMNS": str(WIDTH), "NO_COLOR": "1", "TERM": "dumb", "TTY_COMPATIBLE": "0"}


def render_text(renderable: RenderableType, width: int = WIDTH) -> str:
    """What a renderable looks like on a plain `width`-column terminal."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, theme=THEME, highlight=False).print(
        renderable
    )
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _stable_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in STABLE_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("KAFKARETRY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(ROOT)


def skip_or_fail(reason: str) -> NoReturn:
    """Skip for a developer without the prerequisite; fail under CI, which must have it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason, allow_module_level=True)


def require(module: str) -> Any:
    """Import `module` for a test, or skip (fail under CI) naming the missing package."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        skip_or_fail(f"{module} is not installed ({err}); pip install -e '.[test]'")


def assert_golden(name: str, text: str) -> None:
    """Compare `text` with tests/golden/<name>; KAFKARETRY_UPDATE_GOLDEN=1 rewrites the file."""
    import os

    path = GOLDEN / name
    if os.environ.get("KAFKARETRY_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with KAFKARETRY_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
