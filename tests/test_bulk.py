"""The bulk (NumPy) hashing path gives every key the partition the single-key path gives it."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.partitioning import bulk_numpy as bn
from kafkaretry.partitioning.clients import PARTITIONERS, resolve
from kafkaretry.partitioning.hashes import fnv1a_32
from kafkaretry.partitioning.murmur2 import java_partition, murmur2
from kafkaretry.partitioning.tally import Plan, PyKeyTable
from kafkaretry.partitioning.tally_numpy import NumpyKeyTable

KEYS = st.lists(
    st.one_of(st.binary(max_size=100), st.text(max_size=40).map(str.encode)),
    max_size=60,
)


def _rows(keys: list[bytes]) -> dict[bytes, tuple[int, int, int]]:
    """key → (murmur2, fnv1a, crc32) as computed by the NumPy kernels."""
    batch = bn.batch_from_keys(keys)
    out = {}
    for length, starts in bn.length_groups(batch):
        mat = bn.gather(batch, starts, length)
        hashes = zip(bn.murmur2_rows(mat), bn.fnv1a_rows(mat), bn.crc32_rows(mat), strict=True)
        for row, (m, f, c) in zip(mat, hashes, strict=True):
            out[row.tobytes()] = (int(m), int(f), int(c))
    return out


@settings(max_examples=200, deadline=None)
@given(KEYS)
def test_kernels_match_single_key_functions(keys: list[bytes]) -> None:
    for key, (m, f, c) in _rows(keys).items():
        assert m == murmur2(key) & 0xFFFFFFFF
        assert f == fnv1a_32(key)
        assert c == zlib.crc32(key)


def test_every_length_and_the_empty_key() -> None:
    rng = random.Random(1)
    keys = [bytes(rng.randrange(256) for _ in range(n)) for n in range(101) for _ in range(3)]
    keys += [b"", "café".encode(), "ключ-🔑".encode()]
    for key, (m, _, _) in _rows(keys).items():
        assert m == murmur2(key) & 0xFFFFFFFF
    assert _rows([b""])[b""][0] == 275646681  # UtilsTest: "" is hashed, not skipped


def test_keys_longer_than_a_uint16_keep_their_own_group() -> None:
    # 65,539 and 3 agree in their low 16 bits: grouping must not mix the two lengths.
    keys = [b"x" * 65_539, b"abc", b"y" * 65_539, b"abc"]
    table = NumpyKeyTable.from_chunk(keys)
    assert table.summarize(Plan(5)) == PyKeyTable.from_chunk(keys).summarize(Plan(5))
    assert sorted(table.groups) == [3, 65_539]
    assert [(h.key, h.count) for h in table.top(3, 5)] == [(b"abc", 2)]


def test_lines_batch_equals_list_batch() -> None:
    keys = [b"21", b"", b"foobar", "café".encode(), b"a-little-bit-long-string"]
    batch = bn.batch_from_lines(b"\n".join(keys) + b"\n")
    assert [
        batch.buf[s : s + n].tobytes() for s, n in zip(batch.starts, batch.lens, strict=True)
    ] == keys


# One partitioner per kind of arithmetic (hash x reduction x empty-key rule x key ignored).
KINDS = (
    "librdkafka:consistent_random",
    "librdkafka:fnv1a",
    "kafka-go:round_robin",
    "kafka-go:reference_hash",
    "kafka-go:crc32",
    "kafkajs:legacy",
    "sarama:hash",
)


def test_every_variant_agrees_on_the_vector_keys() -> None:
    from tests.test_client_vectors import cases

    keys = sorted({key for key, _ in cases()})
    for n in (1, 7, 100):
        plan = Plan(n, (), ALL_VARIANTS)
        fast, slow = NumpyKeyTable.from_chunk(keys), PyKeyTable.from_chunk(keys)
        assert fast.summarize(plan) == slow.summarize(plan)


@settings(max_examples=100, deadline=None)
@given(KEYS, st.integers(1, 40), st.lists(st.integers(1, 40), max_size=2))
def test_numpy_and_python_tables_agree(keys: list[bytes], n: int, resizes: list[int]) -> None:
    keys = keys + keys[: len(keys) // 2]  # some repeats
    plan = Plan(n, tuple(dict.fromkeys(resizes)), KINDS)
    fast, slow = NumpyKeyTable.from_chunk(keys), PyKeyTable.from_chunk(keys)
    assert fast.summarize(plan) == slow.summarize(plan)
    assert fast.top(5, n) == slow.top(5, n)
    for key in set(keys):
        p = java_partition(key, n)
        assert slow.summarize(Plan(n)).records.counts[p] >= 1
    expected = [0] * n
    for key in keys:
        expected[java_partition(key, n)] += 1
    assert fast.summarize(plan).records.counts == expected
    if keys:
        records = fast.summarize(plan).records
        for name in KINDS:
            placed = [resolve(name).place(k, n) for k in keys]
            assert records.client_ignored[name] == placed.count(None), name
            assert records.client_counts[name] == [placed.count(p) for p in range(n)], name


ALL_VARIANTS = tuple(p.name for p in PARTITIONERS if p.client != "java")


def test_unique_rows_survives_hash_collisions() -> None:
    # Force every row to "collide" (same hash): rows must still be told apart by their bytes.
    mat = np.array([[1, 2], [3, 4], [1, 2], [5, 6], [3, 4], [1, 2]], dtype=np.uint8)
    hashes = np.full(6, 7, dtype=np.uint32)
    rows, _, counts = bn.unique_rows(mat, hashes, np.ones(6, dtype=np.int64))
    got = sorted((r.tobytes(), int(c)) for r, c in zip(rows, counts, strict=True))
    assert got == [(b"\x01\x02", 3), (b"\x03\x04", 2), (b"\x05\x06", 1)]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.binary(min_size=3, max_size=3), min_size=1, max_size=80),
    st.integers(1, 5),
    st.integers(0, 1),
)
def test_unique_rows_equals_a_counter(keys: list[bytes], buckets: int, scale: int) -> None:
    # A weak hash (first byte mod `buckets`) makes long mixed runs of different keys per
    # hash; `scale` repeats the input past RADIX_MIN so the radix order is exercised too.
    keys = keys * (1 + scale * (bn.RADIX_MIN // len(keys) + 1))
    mat = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, 3)
    hashes = (mat[:, 0] % buckets).astype(np.uint32)
    counts = np.arange(1, len(keys) + 1, dtype=np.int64)
    rows, got_hashes, summed = bn.unique_rows(mat, hashes, counts)
    expected: dict[bytes, int] = {}
    for key, count in zip(keys, counts.tolist(), strict=True):
        expected[key] = expected.get(key, 0) + count
    got = {r.tobytes(): int(c) for r, c in zip(rows, summed, strict=True)}
    assert len(got) == len(rows) == len(got_hashes)
    assert got == expected
    assert all(h == r[0] % buckets for r, h in zip(rows, got_hashes, strict=True))


def test_hash_order_sorts_large_arrays() -> None:
    values = np.random.default_rng(3).integers(0, 2**32, 3 * bn.RADIX_MIN, dtype=np.uint32)
    assert (np.diff(values[bn.hash_order(values)].astype(np.int64)) >= 0).all()


@pytest.mark.parametrize("table", [NumpyKeyTable, PyKeyTable])
def test_misra_gries_prune_keeps_heavy_keys(table: type[NumpyKeyTable] | type[PyKeyTable]) -> None:
    keys = [b"hot"] * 50 + [b"warm"] * 20 + [f"k{i}".encode() for i in range(100)]
    t = table.from_chunk(keys)
    cut = t.prune(10)
    assert cut == 1
    assert [(h.key, h.count) for h in t.top(2, 3)] == [(b"hot", 49), (b"warm", 19)]


def test_few_long_keys_are_hashed_row_by_row_with_the_same_answers() -> None:
    from kafkaretry.partitioning.bulk_clients import kafkajs_legacy_rows
    from kafkaretry.partitioning.hashes import kafkajs_legacy_murmur2

    for length in (bn.ROWWISE_MIN_LENGTH, 1001):
        keys = [bytes([i]) * length for i in (1, 200, 255)]
        mat = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(3, length)
        assert bn.rowwise(mat)
        assert bn.murmur2_rows(mat).tolist() == [murmur2(k) & 0xFFFFFFFF for k in keys]
        assert bn.fnv1a_rows(mat).tolist() == [fnv1a_32(k) for k in keys]
        assert bn.crc32_rows(mat).tolist() == [zlib.crc32(k) for k in keys]
        assert kafkajs_legacy_rows(mat).tolist() == [kafkajs_legacy_murmur2(k) for k in keys]
        # The column kernels give the same numbers for as many rows as make them worth it.
        wide = np.repeat(mat, bn.ROWWISE_MAX_ROWS // 3 + 1, axis=0)
        assert not bn.rowwise(wide)
        assert bn.murmur2_rows(wide)[:: bn.ROWWISE_MAX_ROWS // 3 + 1].tolist() == (
            bn.murmur2_rows(mat).tolist()
        )
