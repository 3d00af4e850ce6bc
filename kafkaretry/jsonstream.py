"""Write a JSON document whose last field is a long list, one item at a time.

The text is byte for byte what `json.dumps(document, indent=2, ensure_ascii=False)` gives
for the same data, without ever holding the whole list or the whole text: a 100,000-record
run has about a million events, and their dicts and text would otherwise cost gigabytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

INDENT = 2


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=INDENT, ensure_ascii=False)


def write_json(out: TextIO, head: Mapping[str, Any], key: str, items: Iterable[Any]) -> None:
    """Write `{**head, key: [*items]}` and a newline, as `json.dumps(indent=2)` would.

    JSON strings never hold a raw newline (they are escaped), so indenting an item's text
    by prefixing each of its lines is exact."""
    text = _dumps(dict(head))
    opening = text[:-2] + ",\n" if head else "{\n"  # drop the closing "\n}"
    out.write(opening + " " * INDENT + json.dumps(key, ensure_ascii=False) + ": [")
    inner = "\n" + " " * (2 * INDENT)
    first = True
    for item in items:
        out.write(("" if first else ",") + inner + _dumps(item).replace("\n", inner))
        first = False
    out.write("]\n}\n" if first else "\n" + " " * INDENT + "]\n}\n")
