"""`kafkaretry.java_partitions`: the Java producer's partition for many keys at once.

Keys are serialized as the Java serializers do (`partitioning/keys.py`), grouped by length,
and hashed a whole column of 4-byte blocks at a time (`partitioning/bulk_numpy.py`), so a
million keys take a fraction of a second and no Python object is made per key for Arrow
string/binary arrays or integer arrays. Needs NumPy (`pip install 'kafkaretry[fast]'`);
Arrow input needs pyarrow (`kafkaretry[arrow]`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kafkaretry.partitioning import bulk_numpy as bn
from kafkaretry.partitioning.columnar import ArrowKeys
from kafkaretry.partitioning.keys import KEY_TYPES, serialize_key

NULL_PARTITION = -1  # a null key is not hashed: the sticky partitioner picks (KIP-794)


def java_partitions(keys: Any, num_partitions: int, key_type: str = "string") -> NDArray[np.int32]:
    """The partition the Java producer's built-in partitioner gives each key.

    `BuiltInPartitioner.partitionForKey` in Kafka 4.1: `Utils.toPositive(Utils.murmur2(
    serializedKey)) % numPartitions`, with the key serialized as `key_type` says:

    - "string" (`StringSerializer`, UTF-8): str items; bytes items are taken as already
      serialized; an Arrow string or binary array (also large and view types, chunked).
    - "bytes" (`ByteArraySerializer`): bytes items, or an Arrow binary array.
    - "int", "long", "short" (`IntegerSerializer` etc., big-endian two's complement): Python
      ints, a NumPy integer array, or an Arrow integer array.
    - "uuid" (`UUIDSerializer`, the canonical lower-case string): str or `uuid.UUID` items.

    `keys` is a sequence, a NumPy array (of str, bytes, objects or integers) or a pyarrow
    Array/ChunkedArray. Returns a 1-D int32 array of the same length; a null key (None, or
    an Arrow null) gives -1, because Kafka does not hash it (KIP-794's sticky partitioner
    picks). Raises ValueError for num_partitions < 1, an unknown key_type, or an integer
    outside the serializer's range; `kafkaretry.errors.KeyParseError` for a string that is
    not a UUID or not an integer; TypeError for an item of the wrong type.
    """
    if isinstance(num_partitions, bool) or not isinstance(num_partitions, int | np.integer):
        raise TypeError(f"num_partitions must be an int, got {type(num_partitions).__name__}")
    if num_partitions < 1:
        raise ValueError(f"num_partitions must be at least 1, got {num_partitions}")
    if key_type not in KEY_TYPES:
        raise ValueError(f"key_type {key_type!r} is not one of {', '.join(KEY_TYPES)}")
    width = KEY_TYPES[key_type].width
    if _is_arrow(keys):
        return _from_arrow(keys, int(num_partitions), key_type)
    if width:
        return _integers(keys, int(num_partitions), width)
    return _from_objects(keys, int(num_partitions), key_type)


def _is_arrow(keys: Any) -> bool:
    return type(keys).__module__.startswith("pyarrow")


def _from_objects(keys: Iterable[Any], n: int, key_type: str) -> NDArray[np.int32]:
    items = keys.tolist() if isinstance(keys, np.ndarray) else list(keys)
    serialized: list[bytes] = []
    nulls: list[int] = []
    for i, item in enumerate(items):
        if item is None:
            nulls.append(i)
            serialized.append(b"")
        else:
            serialized.append(_serialize(item, key_type))
    out = batch_partitions(bn.batch_from_keys(serialized), n)
    out[nulls] = NULL_PARTITION
    return out


def _serialize(item: Any, key_type: str) -> bytes:
    if isinstance(item, bytes | bytearray | memoryview):
        if key_type == "uuid":
            raise TypeError("key_type 'uuid' takes str or uuid.UUID keys, not bytes")
        return bytes(item)
    if key_type == "bytes":
        raise TypeError(f"key_type 'bytes' takes bytes keys, not {type(item).__name__}")
    if isinstance(item, uuid.UUID) and key_type == "uuid":
        return str(item).encode()
    width = KEY_TYPES[key_type].width
    if width and isinstance(item, int | np.integer) and not isinstance(item, bool):
        _check_range(int(item), int(item), width)
        return int(item).to_bytes(width, "big", signed=True)
    if not isinstance(item, str):
        raise TypeError(f"key_type {key_type!r} takes str keys, not {type(item).__name__}")
    return serialize_key(item, key_type)


def _integers(keys: Any, n: int, width: int) -> NDArray[np.int32]:
    """Fixed-width big-endian keys: one length group, no per-key Python work for arrays."""
    values = keys if isinstance(keys, np.ndarray) else _int_list(keys)
    values = np.asarray(values)
    if values.dtype == object:
        return _from_objects(values, n, {2: "short", 4: "int", 8: "long"}[width])
    if values.dtype.kind not in "iub":
        raise TypeError(f"integer key types take integers, not {values.dtype} values")
    if len(values):
        _check_range(int(values.min()), int(values.max()), width)
    rows = values.astype(f">i{width}").view(np.uint8).reshape(-1, width)
    return bn.positive_mod(bn.murmur2_rows(rows), n).astype(np.int32)


def _check_range(smallest: int, largest: int, width: int) -> None:
    low, high = -(1 << (8 * width - 1)), (1 << (8 * width - 1)) - 1
    if smallest < low or largest > high:
        raise ValueError(f"a key is outside {low}..{high}, the range of a {width}-byte integer")


def _int_list(keys: Sequence[Any]) -> Any:
    items = list(keys)
    plain = all(type(v) is int and -(1 << 63) <= v < 1 << 63 for v in items)
    return items if plain else np.array(items, dtype=object)


def _from_arrow(keys: Any, n: int, key_type: str) -> NDArray[np.int32]:
    import pyarrow as pa

    if isinstance(keys, pa.ChunkedArray):
        parts = [_from_arrow(chunk, n, key_type) for chunk in keys.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    kind = keys.type
    if pa.types.is_integer(kind) and KEY_TYPES[key_type].width:
        out = _integers(keys.fill_null(0).to_numpy(), n, KEY_TYPES[key_type].width)
    elif key_type in ("string", "bytes") and _is_binary_like(pa, kind):
        out = batch_partitions(_arrow_batch(pa, keys), n)
    else:
        return _from_objects(keys.to_pylist(), n, key_type)
    if keys.null_count:
        out[np.asarray(keys.is_null())] = NULL_PARTITION
    return out


def _is_binary_like(pa: Any, kind: Any) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_binary_view(kind)
    )


def arrow_keys_batch(chunk: ArrowKeys) -> bn.KeyBatch:
    """A key file's Arrow batch as a KeyBatch: buffers shared where the bytes are the keys."""
    import pyarrow as pa

    width = KEY_TYPES[chunk.key_type].width
    if chunk.raw():
        return _arrow_batch(pa, chunk.array)
    if width and pa.types.is_integer(chunk.array.type):
        values = chunk.array.to_numpy()
        if len(values):
            _check_range(int(values.min()), int(values.max()), width)
        rows = np.ascontiguousarray(values.astype(f">i{width}")).view(np.uint8)
        count = len(values)
        starts = np.arange(count, dtype=np.int64) * width
        return bn.KeyBatch(rows if count else np.zeros(1, np.uint8), starts, np.full(count, width))
    return bn.batch_from_keys(chunk.to_list())


def _arrow_batch(pa: Any, keys: Any) -> bn.KeyBatch:
    """The array's own offsets and data buffers as a KeyBatch, without copying the bytes."""
    if pa.types.is_string_view(keys.type) or pa.types.is_binary_view(keys.type):
        keys = keys.cast(pa.large_binary())
    large = pa.types.is_large_string(keys.type) or pa.types.is_large_binary(keys.type)
    _, offsets_buf, data_buf = keys.buffers()
    raw = np.frombuffer(offsets_buf, dtype=np.int64 if large else np.int32)
    offsets = raw[keys.offset : keys.offset + len(keys) + 1].astype(np.int64)
    starts: bn.I64 = offsets[:-1]
    lens: bn.I64 = np.diff(offsets)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf else np.zeros(1, np.uint8)
    if not len(data):
        data = np.zeros(1, np.uint8)
    return bn.KeyBatch(data, starts, lens)


def batch_partitions(batch: bn.KeyBatch, n: int) -> NDArray[np.int32]:
    """Partition of every key of `batch`, in the batch's order."""
    out = np.empty(len(batch.lens), dtype=np.int32)
    if not len(out):
        return out
    order = np.argsort(batch.lens, kind="stable")
    sizes = np.bincount(batch.lens)
    lengths = np.flatnonzero(sizes)
    edges = np.concatenate(([0], np.cumsum(sizes[lengths])))
    for length, lo, hi in zip(lengths.tolist(), edges[:-1], edges[1:], strict=True):
        index = order[lo:hi]
        rows = bn.gather(batch, batch.starts[index], length)
        out[index] = bn.positive_mod(bn.murmur2_rows(rows), n)
    return out
