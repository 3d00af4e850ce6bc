"""Invariants that hold for any seed, key and setting (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kafkaretry.sim import events as ev
from kafkaretry.sim.trace import Trace
from tests.sim.helpers import run

SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "enable_idempotence": st.sampled_from(["true", "false"]),
        "request_timeout_ms": st.integers(100, 60_000).map(str),
        "retry_backoff_ms": st.integers(0, 2_000).map(str),
        "linger_ms": st.integers(0, 50).map(str),
    },
)
KEYS = st.integers(-(2**31), 2**31 - 1).map(str)


def _check_logs(trace: Trace) -> None:
    for broker in trace.final.brokers:
        for replica in broker.replicas:
            assert [e.offset for e in replica.log] == list(range(len(replica.log)))
            assert replica.high_watermark <= replica.log_end_offset
    for _, hw in trace.of_type(ev.HighWatermarkAdvanced):
        assert hw.high_watermark >= 1


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), key=KEYS, sets=SETTINGS, acks=st.sampled_from(["all", "1"]))
def test_invariants(seed: int, key: str, sets: dict[str, str], acks: str) -> None:
    if acks == "1" and sets.get("enable_idempotence") == "true":
        sets = {**sets, "enable_idempotence": "false"}
    trace = run(seed=seed, key=key, acks=acks, **sets)
    _check_logs(trace)
    partitions = {a.partition for a in trace.attempts()}
    assert partitions == {trace.partition_of()}
    ack = trace.acknowledgement()
    assert ack is not None, "the lost ACK is always recovered within delivery.timeout.ms"
    assert ack[1].offset in trace.copies()
    if trace.settings.idempotence:
        assert len(trace.copies()) == 1
    else:
        assert len(trace.copies()) == 2


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6), key=KEYS)
def test_same_seed_same_trace(seed: int, key: str) -> None:
    assert run(seed=seed, key=key) == run(seed=seed, key=key)
