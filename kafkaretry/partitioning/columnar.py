"""Key files in columnar formats: Parquet and Arrow IPC (file or stream), read with pyarrow.

One column holds the keys (`--column NAME`; a file of one column needs no name). Batches of
BATCH_ROWS rows are read one at a time, so memory stays bounded whatever the file's size,
and string/binary columns reach the hash as Arrow's own offset and data buffers, without a
Python object per key. A null cell is a record without a key: Kafka does not hash it
(KIP-794's sticky partitioner picks), so it is counted apart, never placed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kafkaretry.errors import KeyFileError, KeyParseError
from kafkaretry.partitioning.keys import KEY_TYPES, serialize_key

BATCH_ROWS = 1 << 20
PARQUET_MAGIC = b"PAR1"
ARROW_FILE_MAGIC = b"ARROW1"
ARROW_STREAM_MAGIC = b"\xff\xff\xff\xff"  # an IPC stream opens with a continuation marker


def sniff(head: bytes) -> str | None:
    """ "parquet", "arrow" (IPC file), "arrows" (IPC stream) or None for text."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(ARROW_FILE_MAGIC):
        return "arrow"
    if head.startswith(ARROW_STREAM_MAGIC):
        return "arrows"
    return None


@dataclass(frozen=True, slots=True)
class ArrowKeys:
    """One batch of a key column, nulls removed, as pyarrow holds it."""

    array: Any  # pyarrow.Array
    key_type: str

    def raw(self) -> bool:
        """The array's bytes are the keys: string for --key-type string, binary for bytes."""
        import pyarrow as pa

        kind = self.array.type
        text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        binary = pa.types.is_binary(kind) or pa.types.is_large_binary(kind)
        return (text and self.key_type == "string") or (binary and self.key_type == "bytes")

    def to_list(self) -> list[bytes]:
        if self.raw():
            values: list[Any] = self.array.to_pylist()
            return [v.encode() if isinstance(v, str) else v for v in values]
        return [_serialize(v, self.key_type) for v in self.array.to_pylist()]


def _serialize(value: Any, key_type: str) -> bytes:
    if isinstance(value, bytes):
        return value if key_type in ("string", "bytes") else serialize_key(value.hex(), key_type)
    if isinstance(value, int) and KEY_TYPES[key_type].width:
        width = KEY_TYPES[key_type].width
        try:
            return value.to_bytes(width, "big", signed=True)
        except OverflowError:
            raise KeyParseError(f"key {value} is out of range for --key-type {key_type}") from None
    return serialize_key(str(value), key_type)


def _column(schema: Any, column: str | None, name: str) -> str:
    names = list(schema.names)
    if column is None:
        if len(names) == 1:
            return str(names[0])
        known = ", ".join(repr(n) for n in names)
        raise KeyFileError(f"{name}: choose the key column with --column; it has {known}")
    if column not in names:
        known = ", ".join(repr(n) for n in names)
        raise KeyFileError(f"{name}: no column {column!r}; it has {known}")
    return column


class ColumnReader:
    """Batches of one column of a Parquet or Arrow IPC file; `rows_read` and `nulls` count."""

    def __init__(self, path: str, kind: str, column: str | None, key_type: str) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise KeyFileError(
                f"{path} is {'Parquet' if kind == 'parquet' else 'Arrow IPC'}: reading it needs "
                "pyarrow (pip install 'kafkaretry[arrow]')"
            ) from None
        self.pa, self.pq = pa, pq
        self.path, self.kind, self.key_type = path, kind, key_type
        self.wanted = column
        self.rows_read = self.nulls = 0
        self.total_rows: int | None = None

    def batches(self) -> Iterator[ArrowKeys]:
        try:
            for batch in self._record_batches():
                array = batch.column(0)
                self.rows_read += len(array)
                if array.null_count:
                    self.nulls += array.null_count
                    array = array.drop_null()
                if len(array):
                    yield ArrowKeys(array, self.key_type)
        except (OSError, self.pa.ArrowInvalid) as exc:
            raise KeyFileError(f"cannot read {self.path}: {exc}") from None

    def _record_batches(self) -> Iterator[Any]:
        if self.kind == "parquet":
            parquet = self.pq.ParquetFile(self.path, memory_map=True)
            column = _column(parquet.schema_arrow, self.wanted, self.path)
            self.total_rows = parquet.metadata.num_rows
            yield from parquet.iter_batches(batch_size=BATCH_ROWS, columns=[column])
            return
        source = self.pa.memory_map(self.path)
        if self.kind == "arrow":
            reader = self.pa.ipc.open_file(source)
            column = _column(reader.schema, self.wanted, self.path)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i).select([column])
            return
        stream = self.pa.ipc.open_stream(source)
        column = _column(stream.schema, self.wanted, self.path)
        for batch in stream:
            yield batch.select([column])
