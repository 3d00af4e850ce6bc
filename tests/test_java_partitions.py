"""kafkaretry.java_partitions against the single-key path, for every input shape it takes."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kafkaretry
from kafkaretry.errors import KeyParseError
from kafkaretry.partitioning.keys import serialize_key
from kafkaretry.partitioning.murmur2 import java_partition
from tests.conftest import require
from tests.test_client_vectors import cases


def single(keys: list[str | None], n: int, key_type: str = "string") -> list[int]:
    return [-1 if k is None else java_partition(serialize_key(k, key_type), n) for k in keys]


def test_agrees_with_the_single_key_path_on_the_vectors() -> None:
    by_count: dict[int, list[bytes]] = {}
    for key, n in cases():
        by_count.setdefault(n, []).append(key)
    for n, keys in by_count.items():
        got = kafkaretry.java_partitions(keys, n)
        assert got.dtype == np.int32
        assert got.tolist() == [java_partition(k, n) for k in keys]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=60), st.integers(1, 100))
def test_any_strings_and_nulls(keys: list[str | None], n: int) -> None:
    assert kafkaretry.java_partitions(keys, n).tolist() == single(keys, n)


@pytest.mark.parametrize(("key_type", "width"), [("short", 16), ("int", 32), ("long", 64)])
def test_integer_keys_from_lists_and_arrays(key_type: str, width: int) -> None:
    edge = [0, 1, -1, 42, (1 << (width - 1)) - 1, -(1 << (width - 1))]
    expected = single([str(v) for v in edge], 13, key_type)
    assert kafkaretry.java_partitions(edge, 13, key_type).tolist() == expected
    array = np.array(edge, dtype=f"int{width}")
    assert kafkaretry.java_partitions(array, 13, key_type).tolist() == expected
    with pytest.raises(ValueError, match="outside"):
        kafkaretry.java_partitions([1 << (width - 1)], 13, key_type)


def test_uuid_and_bytes_key_types() -> None:
    u = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
    want = java_partition(str(u).encode(), 6)
    assert kafkaretry.java_partitions([u, str(u).upper()], 6, "uuid").tolist() == [want, want]
    assert kafkaretry.java_partitions([b"\x00\xff"], 6, "bytes").tolist() == [
        java_partition(b"\x00\xff", 6)
    ]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: kafkaretry.java_partitions(["a"], 0), ValueError, "at least 1, got 0"),
        (lambda: kafkaretry.java_partitions(["a"], 3, "float"), ValueError, "not one of"),
        (lambda: kafkaretry.java_partitions([1], 3), TypeError, "takes str keys, not int"),
        (lambda: kafkaretry.java_partitions(["x"], 3, "bytes"), TypeError, "bytes keys"),
        (lambda: kafkaretry.java_partitions(["nope"], 3, "uuid"), KeyParseError, "not a UUID"),
        (lambda: kafkaretry.java_partitions(["a"], 2.5), TypeError, "must be an int"),
    ],
)
def test_errors(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


def test_arrow_arrays_without_copies_agree() -> None:
    pa = require("pyarrow")
    keys = ["21", "foobar", "", None, "café", "k" * 300, "abc"]
    want = single(keys, 12)
    for kind in (pa.string(), pa.large_string(), pa.binary(), pa.large_binary()):
        values = (
            [None if k is None else k.encode() for k in keys] if "binary" in str(kind) else keys
        )
        array = pa.array(values, type=kind)
        assert kafkaretry.java_partitions(array, 12).tolist() == want, kind
        assert kafkaretry.java_partitions(array.slice(2), 12).tolist() == want[2:], kind
    assert kafkaretry.java_partitions(pa.array(keys, pa.string_view()), 12).tolist() == want
    chunked = pa.chunked_array([keys[:3], keys[3:]])
    assert kafkaretry.java_partitions(chunked, 12).tolist() == want
    ints = pa.array([1, None, -7], type=pa.int32())
    assert kafkaretry.java_partitions(ints, 5, "int").tolist() == [
        *single(["1"], 5, "int"),
        -1,
        *single(["-7"], 5, "int"),
    ]
