"""`kafkaretry partition --keys-file`: JSON fields, error lines, golden text, resize figures."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from kafkaretry.partitioning.distribution import analyse
from kafkaretry.partitioning.keysource import KeySource
from kafkaretry.partitioning.tally import Plan
from kafkaretry.render.distribution import distribution_view
from tests.conftest import ROOT, assert_golden, render_text

SMALL = ROOT / "tests" / "data" / "keys-small.txt"
runner = CliRunner()


def _run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["partition", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict[str, Any]:
    code, out, err = _run("--keys-file", *args, "--json")
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.fixture(params=["numpy", "python"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "python":
        monkeypatch.setenv("KAFKARETRY_NO_NUMPY", "1")
    return str(request.param)


def test_json_fields(backend: str) -> None:
    data = _json(str(SMALL), "--resize", "6", "--client", "librdkafka", "--top", "3")
    assert data["topic"] == "kafka-study-topic"
    assert (data["partitions"], data["keys"], data["distinct_keys"]) == (3, 60, 46)
    assert data["counts"] == [17, 23, 20]
    assert data["skew"] == 1.15
    assert data["chi2_p"] == pytest.approx(0.6376, abs=1e-4)
    assert data["hot_keys"] == [
        {"key": "user-42", "count": 9, "partition": 1},
        {"key": "customer_17", "count": 5, "partition": 2},
        {"key": "café", "count": 3, "partition": 0},
    ]
    (resize,) = data["resize"]
    assert resize["to"] == 6
    assert resize["moved_share"] == round(resize["moved_keys"] / 46, 6)
    assert sum(resize["after"]) == sum(resize["before"]) == 60
    clients = data["clients"]
    assert clients["librdkafka"]["key_ignored"] == 1


def test_bulk_partitions_match_single_key_command(backend: str) -> None:
    keys = ["", "foobar", "café", "user-42", "a-little-bit-longer-string"]
    expected = [0] * 6
    for key in keys:
        code, out, _ = _run("--partitions", "6", "--json", "--", key)
        expected[json.loads(out)["partition"]] += 1
    code, out, err = _run(
        "--keys-file", "-", "--partitions", "6", "--json", stdin="\n".join(keys) + "\n"
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["counts"] == expected


def test_resize_figures_on_random_keys() -> None:
    rng = random.Random(3)
    keys = [
        "".join(rng.choices("abcdefghij0123456789", k=rng.randint(8, 40))) for _ in range(20_000)
    ]
    code, out, err = _run(
        "--keys-file",
        "-",
        "--partitions",
        "12",
        "--resize",
        "24",
        "--resize",
        "13",
        "--json",
        stdin="\n".join(keys) + "\n",
    )
    assert (code, err) == (0, "")
    shares = {r["to"]: r["moved_share"] for r in json.loads(out)["resize"]}
    assert shares[24] == pytest.approx(0.5, abs=0.015)
    assert shares[13] == pytest.approx(12 / 13, abs=0.015)  # stays only when h%12 == h%13


def test_csv_column_typed_keys_and_crlf(tmp_path: Path) -> None:
    csv_file = tmp_path / "orders.csv"
    csv_file.write_bytes(b'\xef\xbb\xbfid,user\r\n1,42\r\n2,"42"\r\n3,7\r\n')
    data = _json(str(csv_file), "--csv-column", "user", "--key-type", "int")
    assert (data["keys"], data["distinct_keys"]) == (3, 2)
    assert data["hot_keys"] == [
        {"key": "42", "count": 2, "partition": data["hot_keys"][0]["partition"]}
    ]
    lines = tmp_path / "crlf.txt"
    lines.write_bytes(b"foobar\r\nfoobar\r\n")
    assert _json(str(lines))["hot_keys"] == [{"key": "foobar", "count": 2, "partition": 0}]


def _bad(tmp_path: Path, content: bytes, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "keys.txt"
    path.write_bytes(content)
    return _run("--keys-file", str(path), *args)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"ok\n\xff\xfe\n", (), "keys.txt, line 2: not valid UTF-8 (byte 0xff)"),
        (
            b"1\n2\nthree\n",
            ("--key-type", "int"),
            "keys.txt, line 3: key 'three' is not an integer (--key-type int)",
        ),
        (b"", (), "keys.txt has no keys: put one key per line"),
        (
            b"a,b\n1,2\n",
            ("--csv-column", "c"),
            "keys.txt: no CSV column 'c'; the header has 'a', 'b'",
        ),
        (
            b"a,b\n1,2\n3\n",
            ("--csv-column", "b"),
            "keys.txt, line 3: 1 field(s), no value for column 'b'",
        ),
        (b"a,b\n", ("--csv-column", "b"), "keys.txt has no keys: put one key per line"),
    ],
)
def test_bad_input_names_the_place(
    tmp_path: Path, content: bytes, args: tuple[str, ...], message: str, backend: str
) -> None:
    code, out, err = _bad(tmp_path, content, *args)
    assert (code, out) == (2, "")
    assert err == f"error: {tmp_path}/{message}\n"


def test_unreadable_and_misused_options(tmp_path: Path) -> None:
    assert _run("--keys-file", str(tmp_path / "nope.txt")) == (
        2,
        "",
        f"error: cannot read keys file '{tmp_path / 'nope.txt'}': No such file or directory\n",
    )
    assert _run("--keys-file", str(tmp_path))[2] == (
        f"error: cannot read keys file '{tmp_path}': Is a directory\n"
    )
    assert _run("foo", "--resize", "6") == (
        2,
        "",
        "error: --column and --resize need --keys-file\n",
    )
    assert _run("foo", "--keys-file", str(SMALL)) == (
        2,
        "",
        "error: --keys-file takes no KEY arguments and no --no-key\n",
    )


def test_overflowing_the_distinct_table_keeps_records_exact() -> None:
    exact = _json(str(SMALL), "--resize", "6")
    bounded = _json(str(SMALL), "--resize", "6", "--max-distinct", "4")
    assert bounded["counts"] == exact["counts"]
    assert bounded["distinct_keys"] is None
    assert bounded["resize"][0]["moved_records"] == exact["resize"][0]["moved_records"]
    assert bounded["resize"][0]["moved_keys"] is None
    assert bounded["hot_keys"][0]["key"] == "user-42"


def test_golden_text() -> None:
    plan = Plan(3, (6,), ("librdkafka", "sarama"))
    dist = analyse(KeySource(str(SMALL.relative_to(ROOT))), "kafka-study-topic", plan, top=5)
    assert_golden("partition_keys_file.txt", render_text(distribution_view(dist)))


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_blocks_keep_line_numbers_and_counts(
    chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read in many blocks gives the counts and error lines of one read in one block."""
    from kafkaretry.partitioning import keysource

    good = tmp_path / "good.txt"
    keys = [f"k{i}" * (i % 5) for i in range(300)]
    good.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(keys).encode())  # BOM, CRLF, no final break
    whole = _json(str(good))
    monkeypatch.setattr(keysource, "CHUNK_BYTES", chunk)
    assert _json(str(good))["counts"] == whole["counts"]
    assert sum(whole["counts"]) == len(keys)

    bad_utf8 = tmp_path / "bad.txt"
    bad_utf8.write_bytes(b"".join(f"key-{i}\n".encode() for i in range(250)) + b"\xff\n")
    assert _run("--keys-file", str(bad_utf8)) == (
        2,
        "",
        f"error: {bad_utf8}, line 251: not valid UTF-8 (byte 0xff)\n",
    )
    bad_int = tmp_path / "ints.txt"
    bad_int.write_text("".join(f"{i}\n" for i in range(180)) + "x\n", encoding="utf-8")
    code, out, err = _run("--keys-file", str(bad_int), "--key-type", "int")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {bad_int}, line 181: "), err
