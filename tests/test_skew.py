"""Skew diagnosed where the hash acts: distinct keys, then the share of a few heavy keys."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
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
    assert (
        "3 heavy keys ('hot-a', 'hot-b', 'hot-c'; each with at least 230 records, 10% of a "
        "partition's even share)" in text
    )
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


def test_a_tiny_file_draws_no_verdict_it_cannot_support(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    path.write_text("a\na\na\nb\nc\n")
    result = CliRunner().invoke(
        app, ["partition", "--keys-file", str(path), "--partitions", "3"], env=STABLE_ENV
    )
    text = " ".join(result.stdout.split())
    assert (
        "the hash over the 3 distinct keys: too few to test its spread (a χ² test needs about "
        "5 keys per partition, here 1); with so few keys an uneven spread is what a fair hash "
        "usually gives 1 heavy key ('a'; with at least 2 records: a key must repeat to be "
        "heavy) holds 60.0% of records; without it the skew is 1.500: too few records (5 per "
        "partition are needed) to tell an imbalance from chance"
    ) in text
    path.write_text("x\n")
    result = CliRunner().invoke(
        app, ["partition", "--keys-file", str(path), "--partitions", "3", "--json"], env=STABLE_ENV
    )
    data = json.loads(result.stdout)
    assert (data["spread"], data["heavy_keys"], data["heavy_key_min"]) == ("too_few_keys", 0, 2)


@settings(max_examples=60)
@given(
    counts=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=80),
    partitions=st.integers(min_value=2, max_value=24),
)
def test_every_skew_sentence_follows_the_numbers(counts: list[int], partitions: int) -> None:
    """Each claim of the verdict is checked against the figures of the same run."""
    keys = [f"key-{i}" for i, c in enumerate(counts) for _ in range(c)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "keys.txt")
        path.write_text("\n".join(keys) + "\n")
        args = ["partition", "--keys-file", str(path), "--partitions", str(partitions)]
        data = json.loads(CliRunner().invoke(app, [*args, "--json"], env=STABLE_ENV).stdout)
        text = " ".join(CliRunner().invoke(app, args, env=STABLE_ENV).stdout.split())
    hottest = max(counts)
    testable = len(counts) >= 5 * partitions
    assert ("too few to test its spread" in text) == (not testable)
    assert (data["spread"] == "too_few_keys") == (not testable and data["spread"] != "heavy_keys")
    if "consistent with an even spread" in text:
        assert testable
        assert data["distinct_chi2_p"] >= 0.01
    if "no heavy key" in text:
        assert data["heavy_keys"] == 0
        assert hottest < data["heavy_key_min"]
        assert f"the hottest has {hottest:,} " in text
    else:
        assert data["heavy_keys"] == sum(c >= data["heavy_key_min"] for c in counts) > 0
    assert data["heavy_key_min"] == max(2, -(-len(keys) // (10 * partitions)))
    if "10% of a partition's even share" in text:
        assert len(keys) > 10 * partitions
    if "chance variation" in text:
        assert len(keys) >= 5 * partitions
        assert data["chi2_p"] >= 0.01
