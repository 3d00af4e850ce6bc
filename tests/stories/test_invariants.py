"""Invariants every shipped story keeps, for any seed (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.sim import events as ev
from kafkaretry.sim.analysis import analyse
from kafkaretry.sim.kraft import events as k
from kafkaretry.sim.trace import Trace
from tests.sim.helpers import book
from tests.stories.common import story

STORIES = sorted(book().scenarios)


def _resolved(trace: Trace) -> list[int]:
    done = [
        e.record
        for _, e in trace.timed_events()
        if isinstance(e, ev.RecordAcknowledged | ev.RecordExpired | ev.RecordFailed)
    ]
    assert len(done) == len(set(done)), "a record is resolved once"
    return sorted(done)


def _check(trace: Trace) -> None:
    assert _resolved(trace) == list(range(len(trace.records)))
    for broker in trace.final.brokers:
        for replica in broker.replicas:
            assert [e.offset for e in replica.log] == list(range(len(replica.log)))
            assert replica.high_watermark <= replica.log_end_offset
    for record in range(len(trace.records)):
        assert {a.partition for a in trace.attempts(record)} <= {trace.partition_of(record)}
    # Acknowledged data disappears only where Kafka allows it: acks=1 or an unclean election.
    unclean = any(e.unclean for _, e in trace.of_type(k.PartitionLeaderElected))
    if any(r.lost for r in analyse(trace).records):
        assert unclean or trace.settings.acks == 1


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(STORIES), seed=st.integers(0, 10**6), acks=st.sampled_from(["all", "1"])
)
def test_every_story_keeps_the_invariants(name: str, seed: int, acks: str) -> None:
    _check(story(name, seed, acks=acks))


@settings(max_examples=8, deadline=None)
@given(name=st.sampled_from(STORIES), seed=st.integers(0, 10**6))
def test_same_story_same_seed_same_trace(name: str, seed: int) -> None:
    assert story(name, seed) == story(name, seed)
