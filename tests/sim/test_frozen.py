"""Fast constructors build the same frozen events as calling the class."""

from __future__ import annotations

import dataclasses

import pytest

from kafkaretry.sim import events as ev
from kafkaretry.sim.client.state import ProducerBatch
from kafkaretry.sim.engine.frozen import fast_constructor


def test_builds_an_equal_frozen_event_that_matches_like_one() -> None:
    make = fast_constructor(ev.RecordAppended)
    fast = make(4, "t", 0, 7, 10, 12, 1, 2)
    assert fast == ev.RecordAppended(4, "t", 0, 7, 10, 12, 1, 2)
    assert type(fast) is ev.RecordAppended
    assert hash(fast) == hash(ev.RecordAppended(4, "t", 0, 7, 10, 12, 1, 2))
    assert repr(fast).startswith("RecordAppended(broker=4, topic='t'")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.broker = 5  # type: ignore[misc]
    match fast:
        case ev.RecordAppended(batch=7, base_offset=o):
            assert o == 10
        case _:
            pytest.fail("no match")


def test_refuses_classes_it_cannot_build_faithfully() -> None:
    with pytest.raises(TypeError, match="no defaults"):
        fast_constructor(ProducerBatch)  # defaults would be skipped
    with pytest.raises(TypeError, match="not a dataclass"):
        fast_constructor(dict)
