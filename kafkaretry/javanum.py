"""Integers as Java parses them, shared by the scenario schema and the command line.

Integer.parseInt / Long.parseLong syntax (what Kafka's ConfigDef.parseType uses for INT and
LONG settings): an optional sign and ASCII digits, nothing else: no `1_000`, no `1e3`, no
`0x10`, no `true`. The digits are counted before Python parses them, so a value of
thousands of digits is refused at once, and it is never echoed back in full.
"""

from __future__ import annotations

INT_MAX = 2**31 - 1  # Integer.MAX_VALUE
LONG_MAX = 2**63 - 1  # Long.MAX_VALUE
DIGITS_MAX = 30  # more than any Java long has
SHOWN_MAX = 40  # characters of a bad value echoed back


def shown(value: object, limit: int = SHOWN_MAX) -> str:
    """`repr(value)` cut to `limit` characters, with the full length when it was cut."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    if len(text) <= limit:
        return text
    length = len(value) if isinstance(value, str) else len(text)
    return f"{text[: limit - 3]}... ({length} characters)"


def parse_java_integer(value: object, kind: str, low: int, high: int, why: str = "") -> int:
    """`value` (text or int) as a Java `kind` ("INT"/"LONG") in [low, high]; ValueError if not.

    `why` follows the range in the message where the bound is kafkaretry's, not Kafka's."""
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in ("+", "-") else text
        if not (digits[: DIGITS_MAX + 1].isascii() and digits[: DIGITS_MAX + 1].isdigit()):
            raise ValueError(f"not a number of type {kind}")
        if len(digits) > DIGITS_MAX:
            raise ValueError(_range(kind, low, high) + why)
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a number of type {kind}")
    if not low <= value <= high:
        raise ValueError(_range(kind, low, high) + why)
    return value


def _range(kind: str, low: int, high: int) -> str:
    if high in (INT_MAX, LONG_MAX):
        return f"must be a Java {kind} from {low} to {high}"
    return f"must be from {low} to {high}"
