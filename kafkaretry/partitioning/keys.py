"""Key serializers: what bytes the partitioner actually hashes (KAFKA.md §1.2).

The partitioner never sees the key object, only `keySerializer.serialize(...)`. So the
Integer key 1 (`IntegerSerializer`: 00 00 00 01) and the String key "1" (`StringSerializer`:
31) usually land on different partitions.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Final

from kafkaretry.errors import KeyParseError
from kafkaretry.javanum import shown

_INTEGER: Final = re.compile(r"[+-]?[0-9]+")  # Java's Integer.parseInt / Long.parseLong syntax
_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


@dataclass(frozen=True, slots=True)
class KeyType:
    name: str
    serializer: str  # the Java class a producer would configure as key.serializer
    width: int  # bytes for fixed-width big-endian integers, 0 otherwise


KEY_TYPES: Final[dict[str, KeyType]] = {
    "string": KeyType("string", "StringSerializer (UTF-8)", 0),
    "int": KeyType("int", "IntegerSerializer (4 bytes, big-endian)", 4),
    "long": KeyType("long", "LongSerializer (8 bytes, big-endian)", 8),
    "short": KeyType("short", "ShortSerializer (2 bytes, big-endian)", 2),
    "uuid": KeyType("uuid", "UUIDSerializer (canonical string, UTF-8)", 0),
    "bytes": KeyType("bytes", "ByteArraySerializer (key given as hex)", 0),
}


_DIGITS_MAX = 30  # more than a Java long has: refused before Python parses it


def serialize_key(text: str, key_type: str, source: str = "--key-type") -> bytes:
    """The bytes Kafka's serializer for `key_type` produces for `text`, or KeyParseError.

    `source` names where the key type was given (the `--key-type` flag by default, or a
    scenario's `key_type`), so the message blames what the user really wrote.
    """
    kind = KEY_TYPES[key_type]
    if kind.width:
        return _serialize_integer(text, kind, source)
    if key_type == "uuid":
        if not _UUID.fullmatch(text.strip()):
            raise KeyParseError(f"key {shown(text)} is not a UUID (expected 8-4-4-4-12 hex digits)")
        # UUIDSerializer writes UUID.toString(): lower-case, hyphenated.
        return str(uuid.UUID(text.strip())).encode()
    if key_type == "bytes":
        return _parse_hex(text, source)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates from a badly decoded argv
        raise KeyParseError(f"key {shown(text)} cannot be encoded as UTF-8: {exc.reason}") from None


def _serialize_integer(text: str, kind: KeyType, source: str) -> bytes:
    stripped = text.strip()
    bits = kind.width * 8
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if not _INTEGER.fullmatch(stripped[: _DIGITS_MAX + 1]):
        raise KeyParseError(f"key {shown(text)} is not an integer ({source} {kind.name})")
    if len(stripped) > _DIGITS_MAX or not low <= int(stripped) <= high:
        raise KeyParseError(
            f"key {shown(text)} is out of range for {source} {kind.name} ({low} to {high})"
        )
    return int(stripped).to_bytes(kind.width, "big", signed=True)


def _parse_hex(text: str, source: str) -> bytes:
    cleaned = text.strip().removeprefix("0x").removeprefix("0X").replace(" ", "").replace(":", "")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise KeyParseError(
            f"key {shown(text)} is not hex bytes ({source} bytes takes e.g. 0a1b or 0a:1b)"
        ) from None


def display_key(text: str, key_type: str) -> str:
    """How a key is shown back to the user: strings quoted, numbers and hex as given."""
    return repr(text) if key_type in ("string", "uuid") else text.strip()


def key_text(data: bytes, key_type: str) -> str:
    """Serialized key bytes back to the text a user would type (the inverse of serialize_key)."""
    kind = KEY_TYPES[key_type]
    if kind.width:
        return str(int.from_bytes(data, "big", signed=True))
    if key_type == "bytes":
        return data.hex()
    return data.decode("utf-8")
