"""The real-cluster tests need Java 17+ and a Kafka 4.1 installation (`kafkaretry lab setup`).

Without them they skip, saying what is missing; under CI (CI=true) a missing prerequisite is
a failure instead, so a CI run can never pass without having run them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kafkaretry.lab.install import LabError, find_install, java_version
from tests.conftest import skip_or_fail


def _kafka_home() -> tuple[Path | None, str]:
    try:
        java_version()
        found = find_install(None)
    except LabError as exc:
        return None, exc.message
    if found is None:
        return None, "no Kafka 4.1 installation; run `kafkaretry lab setup` first"
    return found.home, ""


@pytest.fixture(scope="session")
def kafka_home() -> Path:
    """The installation to test with, found before the per-test cache directory is set."""
    home, missing = _kafka_home()
    if home is None:
        skip_or_fail(f"real-cluster test: {missing}")
    return home
