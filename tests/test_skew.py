"""Skew diagnosed where the hash acts: distinct keys, then the share of a few heavy keys."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.partitioning.skew import diagnose, heavy_floor
from kafkaretry.partitioning.tally import HotKey
from tests.conftest import STABLE_ENV


def _run(path: Path, *extra: str) -> Any:
    args = ["partition", "--keys-file", str(path), "--partitions", "12", *extra]
    return CliRunner().invoke(app, args, env=STABLE_ENV)


def _file(tmp_path: Path, keys: list[str]) -> Path:
    random.Random(7).shuffle(keys)
    path = tmp_path / "keys.txt"
    path.write_text("\n".join(keys) + "\n")
    return path


def test_repeated_keys_are_not_independent_draws(tmp_path: Path) -> None:
    # 500 distinct keys x 6 records: the record-level chi-square rejects an even spread
    # (each key's 6 records move together), the distinct-key test does not.
    path = _file(tmp_path, [f"key-{i}" for i in range(500)] * 6)
    data = json.loads(_run(path, "--json").stdout)
    assert data["chi2_p"] < 0.01
    assert data["distinct_chi2_p"] > 0.01
    assert data["distinct_chi2"] == round(data["chi2"] / 6, 3)
    assert data["spread"] == "even"
    assert data["heavy_keys"] == 0
    assert data["heavy_key_min"] == 25  # 10% of 3,000 / 12
    text = _run(path).stdout
    assert "consistent with an even spread" in text
    assert "uneven" not in text
    assert "no heavy key" in text


def test_a_few_hot_keys_are_named_as_the_cause(tmp_path: Path) -> None:
    rng = random.Random(3)
    keys = [f"user-{rng.randrange(10**9)}" for _ in range(20_000)]
    keys += ["hot-a"] * 3000 + ["hot-b"] * 2500 + ["hot-c"] * 2000
    path = _file(tmp_path, keys)
    data = json.loads(_run(path, "--json").stdout)
    assert data["spread"] == "heavy_keys"
    assert data["heavy_keys"] == 3
    assert data["heavy_share"] == round(7500 / len(keys), 6)
    assert data["skew_without_heavy"] < 1.1 < data["skew"]
    assert data["distinct_chi2_p"] > 0.01
    text = " ".join(_run(path).stdout.split())
    assert "3 heavy keys ('hot-a', 'hot-b', 'hot-c'; each ≥ 10% of a partition's even share" in text
    assert "the heavy keys carry the imbalance" in text


def test_heavy_floor_and_diagnosis_by_hand() -> None:
    assert heavy_floor(3000, 12) == 25
    assert heavy_floor(10, 12) == 2
    # 4 partitions, 100 records: one key of 40 on partition 0, the rest even.
    diag = diagnose([55, 15, 15, 15], [1, 1, 1, 1], [HotKey(b"k", 40, 0), HotKey(b"j", 2, 1)])
    assert [h.key for h in diag.heavy] == [b"k"]
    assert diag.skew == 2.2
    assert diag.skew_without_heavy == 1.0
    assert diag.heavy_carry
    # Every record in heavy keys: nothing left to measure, and they carry it all.
    alone = diagnose([30, 0], [1, 0], [HotKey(b"k", 30, 0)])
    assert alone.skew_without_heavy is None
    assert alone.heavy_carry
