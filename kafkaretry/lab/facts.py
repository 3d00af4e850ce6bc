"""What a real run did, from what was observed (pure: lists in, one JSON-ready dict out).

Sources: the producer's own lines (LabProducer.java), the proxy's wire log (every
ProduceRequest and Metadata answer of the producer), LabAdmin's watch (the partition's leader
as the brokers report it, the quorum's leader), the fault actions, and the partition read from
offset 0 at the end. Every time is in ms since the producer's `send()` call, as the
simulation's are since the record's send.
"""

from __future__ import annotations

from typing import Any

from kafkaretry.lab.inputs import LabInputs

# A ProduceResponse with error NONE to an attempt whose batch the log already held: the
# broker's idempotence check (ProducerStateManager, DUPLICATE_SEQUENCE in the log layer)
# answers with the original batch's offset instead of appending.
REACHED_BROKER = ("response-lost", "NETWORK_EXCEPTION", "timed-out", "NONE")


def _outcome(entry: dict[str, Any], earlier: list[dict[str, Any]], offsets: list[int]) -> str:
    outcome = entry["outcome"]
    if outcome is None:
        return "no-answer"
    if outcome != "NONE":
        return str(outcome)
    same_batch = [
        e
        for e in earlier
        if (e["producer_id"], e["base_sequence"]) == (entry["producer_id"], entry["base_sequence"])
        and e["outcome"] in REACHED_BROKER
    ]
    duplicate = entry["producer_id"] >= 0 and same_batch and offsets[:1] == [entry["base_offset"]]
    return "deduplicated" if duplicate else "acknowledged"


def _attempts(entries: list[dict[str, Any]], offsets: list[int], t0: int) -> list[dict[str, Any]]:
    out = []
    for i, e in enumerate(entries):
        out.append(
            {
                "attempt": i + 1,
                "at_ms": e["at_ms"] - t0,
                "broker": e["broker"],
                "partition": e["partition"],
                "producer_id": e["producer_id"],
                "producer_epoch": e["producer_epoch"],
                "base_sequence": e["base_sequence"],
                "outcome": _outcome(e, entries[:i], offsets),
                "base_offset": e["base_offset"] if e["outcome"] == "NONE" else None,
            }
        )
    return out


def _changes(watch: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [w for w in watch if w["event"] == kind]


def _leader_election(watch: list[dict[str, Any]], partition: int, t0: int) -> dict[str, Any] | None:
    seen = [w for w in _changes(watch, "leader") if w["leader"] >= 0]
    if len(seen) < 2:
        return None
    before, after = seen[0], seen[1]
    return {
        "partition": partition,
        "old_leader": before["leader"],
        "new_leader": after["leader"],
        "isr_after": after["isr"],
        "at_ms": after["at_ms"] - t0,
    }


def _controller_election(watch: list[dict[str, Any]], t0: int) -> dict[str, Any] | None:
    seen = [w for w in _changes(watch, "controller") if w["leader"] >= 0]
    if len(seen) < 2:
        return None
    before, after = seen[0], seen[1]
    return {
        "old_active": before["leader"],
        "new_active": after["leader"],
        "epoch": after["epoch"],
        "at_ms": after["at_ms"] - t0,
    }


def real_facts(
    inputs: LabInputs,
    *,
    producer: list[dict[str, Any]],
    wire: list[dict[str, Any]],
    watch: list[dict[str, Any]],
    faults: list[dict[str, Any]],
    log: dict[str, Any],
    active_at_start: int,
    wall_ms: int,
) -> dict[str, Any]:
    """The run as the `real.runs[]` objects of `verify --json` (fields in the README)."""
    t0 = next(int(e["at_ms"]) for e in producer if e["event"] == "send")
    callback = next((e for e in producer if e["event"] == "callback"), None)
    on_send = next((e for e in producer if e["event"] == "on_send"), None)
    offsets = [int(r["offset"]) for r in log["records"] if r["key_hex"] == inputs.key_hex]
    ours = [
        e
        for e in wire
        if e["kind"] == "produce"
        and (e["topic"], e["partition"]) == (inputs.topic, inputs.partition)
    ]
    attempts = _attempts(ours, offsets, t0)
    acked = callback is not None and callback["exception"] is None
    ack = next(
        (a for a in reversed(attempts) if a["outcome"] in ("acknowledged", "deduplicated")), None
    )
    return {
        "attempts": attempts,
        "copies": len(offsets),
        "offsets": offsets,
        "acked": acked,
        "ack_broker": ack["broker"] if acked and ack is not None else None,
        "ack_offset": callback["offset"] if acked and callback is not None else None,
        "ack_at_ms": int(callback["at_ms"]) - t0 if acked and callback is not None else None,
        "exception": None if callback is None else callback["exception"],
        "interceptor_partition": None if on_send is None else on_send["partition"],
        "callback_partition": None if callback is None else callback["partition"],
        "leader_election": _leader_election(watch, inputs.partition, t0),
        "controller_election": _controller_election(watch, t0),
        "active_controller_at_start": active_at_start,
        "metadata_refreshes": [
            {
                "at_ms": e["answered_at_ms"] - t0,
                "via_broker": e["broker"],
                "leader_seen": next(
                    (
                        s["leader"]
                        for s in e["leaders"]
                        if (s["topic"], s["partition"]) == (inputs.topic, inputs.partition)
                    ),
                    None,
                ),
            }
            for e in wire
            if e["kind"] == "metadata" and e["answered_at_ms"] is not None
        ],
        "faults": [{**f, "at_ms": f["at_ms"] - t0} for f in faults],
        "wall_ms": wall_ms,
    }
