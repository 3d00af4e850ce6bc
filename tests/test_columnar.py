"""--keys-file with Parquet and Arrow IPC files: the same answers as the text path."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import STABLE_ENV, require

pa = require("pyarrow")
pq = require("pyarrow.parquet")

KEYS = [f"user-{random.Random(5).randrange(300)}" for _ in range(2000)] + ["hot"] * 300
KEYS += ["", "café", "k" * 400]


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, ["partition", *args], env=STABLE_ENV)


def _json(*args: str) -> dict[str, Any]:
    result = _run(*args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    data.pop("source")
    return data


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("columnar")
    table = pa.table({"id": list(range(len(KEYS))), "user_id": KEYS})
    out = {"text": base / "keys.txt", "parquet": base / "keys.parquet"}
    out["text"].write_text("\n".join(KEYS) + "\n")
    pq.write_table(table, out["parquet"], row_group_size=500)
    out["arrow"] = base / "keys.arrow"
    with pa.ipc.new_file(out["arrow"], table.schema) as writer:
        writer.write_table(table, max_chunksize=700)
    out["stream"] = base / "keys.arrows"
    with pa.ipc.new_stream(out["stream"], table.schema) as writer:
        writer.write_table(table)
    out["ids"] = base / "ids.txt"
    out["ids"].write_text("".join(f"{i}\n" for i in range(len(KEYS))))
    return out


@pytest.mark.parametrize("kind", ["parquet", "arrow", "stream"])
@pytest.mark.parametrize("numpy", [True, False])
def test_same_answers_as_the_text_path(
    files: dict[str, Path], kind: str, numpy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not numpy:
        monkeypatch.setenv("KAFKARETRY_NO_NUMPY", "1")
    extra = ("--client", "every", "--resize", "7", "--top", "5")
    text = _json("--keys-file", str(files["text"]), *extra)
    assert _json("--keys-file", str(files[kind]), "--column", "user_id", *extra) == text
    assert _json("--keys-file", str(files[kind]), "--csv-column", "user_id", *extra) == text
    ids = _json("--keys-file", str(files["ids"]), "--key-type", "long")
    assert _json("--keys-file", str(files[kind]), "--column", "id", "--key-type", "long") == ids


def test_nulls_are_left_out_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "nulls.parquet"
    pq.write_table(pa.table({"k": ["a", None, "b", None]}), path)
    data = _json("--keys-file", str(path))  # one column: no --column needed
    assert data["keys"] == 2
    assert data["null_keys"] == 2
    assert "2 null keys left out (not hashed" in " ".join(
        _run("--keys-file", str(path)).stdout.split()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "{p}: choose the key column with --column; it has 'id', 'user_id'"),
        (("--column", "nope"), "{p}: no column 'nope'; it has 'id', 'user_id'"),
    ],
)
def test_column_errors(files: dict[str, Path], args: tuple[str, ...], message: str) -> None:
    result = _run("--keys-file", str(files["parquet"]), *args)
    assert result.exit_code == 2
    assert result.stderr == f"error: {message.format(p=files['parquet'])}\n"


def test_without_pyarrow_the_error_says_what_to_install(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = _run("--keys-file", str(files["parquet"]), "--column", "user_id")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {files['parquet']} is Parquet: reading it needs pyarrow "
        "(pip install 'kafkaretry[arrow]')\n"
    )
