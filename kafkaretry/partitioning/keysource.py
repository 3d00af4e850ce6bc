"""Reading a keys file in bounded chunks: one key per line, one column of a CSV, or one
column of a Parquet or Arrow IPC file (`columnar.py`, recognised by its magic bytes).

A line is a key exactly as `StringSerializer` would send it: the UTF-8 bytes between two
line breaks. A trailing \\r (a file written on Windows) and a UTF-8 byte order mark are not
part of any key. An empty line is the empty key "", which Kafka hashes like any other
(KAFKA.md §1.2: empty is not null).
"""

from __future__ import annotations

import csv
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from kafkaretry.errors import KeyFileError, KeyParseError
from kafkaretry.partitioning.columnar import ArrowKeys, ColumnReader, sniff
from kafkaretry.partitioning.keys import serialize_key

CHUNK_BYTES = 32 << 20  # 32 MiB: about 1.3M keys of 24 bytes per chunk
CSV_ROWS_PER_CHUNK = 200_000
_BOM = b"\xef\xbb\xbf"

# bytes: newline-terminated UTF-8 lines; list: serialized keys; ArrowKeys: a Parquet/Arrow batch
Chunk = bytes | list[bytes] | ArrowKeys


class KeySource:
    """The keys in `path` (`-` = stdin), serialized as `--key-type`, chunk by chunk."""

    def __init__(self, path: str, key_type: str = "string", csv_column: str | None = None) -> None:
        self.path = path
        self.name = "<stdin>" if path == "-" else path
        self.key_type = key_type
        self.csv_column = csv_column
        self.bytes_read = 0
        self._line = 0  # the line the current CSV row ends on
        self.total_bytes = None if path == "-" else _size(path)
        self.null_keys = 0  # columnar files only: cells without a key are not hashed

    def chunks(self) -> Iterator[Chunk]:
        kind = None if self.path == "-" else self._sniff()
        if kind is not None:
            yield from self._columnar_chunks(kind)
            return
        with self._open() as stream:
            if self.csv_column is not None:
                yield from self._csv_chunks(stream, self.csv_column)
            elif self.key_type == "string":
                yield from self._line_chunks(stream)
            else:
                yield from self._typed_chunks(stream)

    def _sniff(self) -> str | None:
        # Parquet and Arrow files are read by seeking (their footer comes last), so only a
        # regular file can be one; a pipe or FIFO is read once, as text, and never re-opened.
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                return None
        except OSError as exc:
            raise KeyFileError(_unreadable(self.name, exc)) from None
        with self._open() as stream:
            try:
                return sniff(stream.read(8))
            except OSError as exc:
                raise KeyFileError(_unreadable(self.name, exc)) from None

    def _columnar_chunks(self, kind: str) -> Iterator[Chunk]:
        reader = ColumnReader(self.path, kind, self.csv_column, self.key_type)
        for keys in reader.batches():
            self.null_keys = reader.nulls
            if reader.total_rows and self.total_bytes:
                self.bytes_read = self.total_bytes * reader.rows_read // reader.total_rows
            yield keys
        self.null_keys = reader.nulls
        self.bytes_read = self.total_bytes or 0

    @contextmanager
    def _open(self) -> Iterator[BinaryIO]:
        if self.path == "-":
            yield sys.stdin.buffer
            return
        try:
            stream = open(self.path, "rb")  # noqa: SIM115 - closed by the context manager
        except OSError as exc:
            raise KeyFileError(_unreadable(self.name, exc)) from None
        with stream:
            yield stream

    def _blocks(self, stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
        """(number of the block's first line, whole lines ending in \\n) in CHUNK_BYTES pieces."""
        carry, line, first = b"", 1, True
        # Counting a block's lines costs ~13 ms per 25 MB, so it waits until another block
        # needs the number: a file read in one block (most key files) is never counted.
        uncounted = b""
        while True:
            try:
                block = stream.read(self._read_size())
            except OSError as exc:
                raise KeyFileError(_unreadable(self.name, exc)) from None
            self.bytes_read += len(block)
            if first:
                block, first = block.removeprefix(_BOM), False
            data = carry + block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            carry, data = data[cut:], data[:cut]
            if data and not data.endswith(b"\n"):
                data += b"\n"  # the last line has no line break
            if b"\r" in data:
                data = data.replace(b"\r\n", b"\n")
            if data:
                line += uncounted.count(b"\n")
                self._check_utf8(data, line)
                yield line, data
                uncounted = data
            if not block:
                return

    def _read_size(self) -> int:
        # read(n) allocates n bytes before it reads: asking for what is left (+1 to see the
        # end) instead of a whole chunk makes reading a 25 MB file 4x faster.
        if self.total_bytes is None:
            return CHUNK_BYTES
        return max(1, min(CHUNK_BYTES, self.total_bytes - self.bytes_read + 1))

    def _check_utf8(self, data: bytes, first_line: int) -> None:
        if data.isascii():  # ASCII is valid UTF-8: a 2 ms scan instead of decoding 25 MB
            return
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            at = first_line + data.count(b"\n", 0, exc.start)
            raise KeyFileError(
                f"{self.name}, line {at}: not valid UTF-8 (byte 0x{data[exc.start]:02x})"
            ) from None

    def _line_chunks(self, stream: BinaryIO) -> Iterator[Chunk]:
        for _, data in self._blocks(stream):
            yield data

    def _typed_chunks(self, stream: BinaryIO) -> Iterator[Chunk]:
        for first, data in self._blocks(stream):
            lines = data.decode("utf-8").split("\n")
            lines.pop()
            yield self._serialize(lines, first)

    def _serialize(self, texts: Iterable[str], first_line: int) -> list[bytes]:
        keys = []
        for number, text in enumerate(texts, first_line):
            try:
                keys.append(serialize_key(text, self.key_type))
            except KeyParseError as exc:
                raise KeyParseError(f"{self.name}, line {number}: {exc.message}") from None
        return keys

    def _csv_chunks(self, stream: BinaryIO, column: str) -> Iterator[Chunk]:
        # strict: a quote left open is an error, not two rows silently merged into one key.
        reader = self._checked(csv.reader(self._decoded_lines(stream), strict=True))
        header = next(reader, None)
        if header is None:
            return
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        if column not in header:
            known = ", ".join(repr(h) for h in header)
            raise KeyFileError(f"{self.name}: no CSV column {column!r}; the header has {known}")
        index = header.index(column)
        rows: list[tuple[int, str]] = []
        for row in reader:
            if not row:
                continue  # csv's blank line
            if index >= len(row):
                raise KeyFileError(
                    f"{self.name}, line {self._line}: {len(row)} field(s), "
                    f"no value for column {column!r}"
                )
            rows.append((self._line, row[index]))
            if len(rows) == CSV_ROWS_PER_CHUNK:
                yield self._serialize_rows(rows)
                rows = []
        if rows:
            yield self._serialize_rows(rows)

    def _checked(self, reader: Any) -> Iterator[list[str]]:
        """The reader's rows; a csv.Error becomes a KeyFileError naming the row's first line."""
        self._line = 0
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    problem = (
                        f"a CSV field longer than {csv.field_size_limit()} characters; "
                        "no key is that long"
                    )
                elif "unexpected end of data" in str(exc):
                    problem = "a quoted CSV field opened here is never closed"
                else:
                    problem = f"not valid CSV ({exc})"
                raise KeyFileError(f"{self.name}, line {start}: {problem}") from None
            self._line = reader.line_num
            yield row

    def _serialize_rows(self, rows: list[tuple[int, str]]) -> list[bytes]:
        keys = []
        for number, text in rows:
            keys += self._serialize([text], number)
        return keys

    def _decoded_lines(self, stream: BinaryIO) -> Iterator[str]:
        for number, raw in enumerate(stream, 1):
            self.bytes_read += len(raw)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise KeyFileError(
                    f"{self.name}, line {number}: not valid UTF-8 (byte 0x{raw[exc.start]:02x})"
                ) from None


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None  # reported properly when the file is opened


def _unreadable(name: str, exc: OSError) -> str:
    return f"cannot read keys file '{name}': {exc.strerror or exc}"
