"""The streamed --json text is exactly json.dumps(indent=2) of the same document."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kafkaretry.jsonstream import write_json

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=10,
)


def streamed(head: dict[str, Any], items: list[Any]) -> str:
    out = io.StringIO()
    write_json(out, head, "events", iter(items))
    return out.getvalue()


@given(
    st.dictionaries(st.text(max_size=5).filter(lambda k: k != "events"), values, max_size=4),
    st.lists(values, max_size=4),
)
def test_same_text_as_json_dumps(head: dict[str, Any], items: list[Any]) -> None:
    expected = json.dumps({**head, "events": items}, indent=2, ensure_ascii=False) + "\n"
    assert streamed(head, items) == expected


def test_empty_list_and_newline_in_strings() -> None:
    assert streamed({"a": "x\ny"}, []) == '{\n  "a": "x\\ny",\n  "events": []\n}\n'
    assert streamed({}, [{"b": 1}]) == '{\n  "events": [\n    {\n      "b": 1\n    }\n  ]\n}\n'
