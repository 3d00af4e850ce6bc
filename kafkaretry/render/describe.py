"""The one place simulation events become words: a `match` over the closed TraceEvent union."""

from __future__ import annotations

from rich.text import Text

from kafkaretry.render.describe_kraft import describe_kraft
from kafkaretry.render.describe_stop import describe_stop
from kafkaretry.sim import events as ev

_NOTES = {
    ("idempotence-disabled", "acks"): (
        "enable.idempotence was not set and acks={value}: the producer silently turns "
        "idempotence OFF (ProducerConfig). The classic trap: a retry can now duplicate."
    ),
    ("idempotence-disabled", "retries"): (
        "enable.idempotence was not set and retries=0: the producer silently turns idempotence OFF."
    ),
    ("delivery-timeout-raised", "delivery.timeout.ms"): (
        "delivery.timeout.ms was not set and is below linger.ms + request.timeout.ms: "
        "the producer raises it to {value} ms"
    ),
}


def _p(topic: str, partition: int) -> str:
    return f"{topic}/partition-{partition}"


# One branch per event type is the point: mypy checks the match is exhaustive.
def describe(event: ev.TraceEvent) -> Text:  # noqa: PLR0911, PLR0912, PLR0915
    """One event as a sentence, styled by what it means to the learner."""
    match event:
        case ev.ConfigNote(rule=rule, config=config, value=value):
            template = _NOTES.get((rule, config), "{config} adjusted to {value}")
            return Text(template.format(config=config, value=value), style="warning")
        case ev.FaultArmed(kind=kind, detail=detail):
            return Text(f"fault {kind} armed: {detail}", style="failure")
        case ev.RecordPartitioned(record=r, key=key, topic=t, partition=p, partitions=n):
            if key is None:  # no hash: the built-in partitioner picks inside append()
                return Text(
                    f"send(): record {r}, no key → the built-in sticky partitioner picks "
                    f"partition {p} of {n} ({t})",
                    style="partition",
                )
            return Text(
                f"send(): record {r}, key {key} → murmur2 % {n} = partition {p} ({t})",
                style="partition",
            )
        case ev.BatchCreated(batch=b, topic=t, partition=p):
            return Text(
                f"the accumulator opens batch {b} for {_p(t, p)}; it is ready to send when "
                "full (batch.size) or once linger.ms has passed (at once with linger.ms=0)"
            )
        case ev.MetadataUpdateRequested(reason=reason):
            return Text(f"producer marks its metadata stale ({reason})", style="muted")
        case ev.MetadataRequestSent(broker=b):
            return Text(
                f"MetadataRequest → broker {b} (the least loaded broker, never a controller)"
            )
        case ev.MetadataReceived(broker=b, topic=t, leaders=leaders):
            shown = ", ".join(f"p{p}→broker {lead} (epoch {e})" for p, lead, e in leaders)
            return Text(f"broker {b} answers from its metadata cache: {t}: {shown}", style="muted")
        case ev.ProducerIdAssigned(broker=b, producer_id=pid, epoch=e):
            return Text(f"InitProducerId via broker {b}: producer id {pid}, epoch {e}")
        case ev.ConnectionOpened(broker=b):
            return Text(f"connection to broker {b} ready (TCP + ApiVersions)", style="muted")
        case ev.ConnectionClosed(broker=b, reason=reason):
            return Text(f"connection to broker {b} closed: {reason}", style="warning")
        case ev.ConnectionSetupTimedOut(broker=b, timeout_ms=t):
            return Text(
                f"no answer at all from broker {b}'s host, not even a reset: the connection "
                f"attempt is abandoned after {t} ms (socket.connection.setup.timeout.ms, "
                "doubling per failed attempt up to socket.connection.setup.timeout.max.ms, ±20 %)",
                style="failure",
            )
        case ev.ReplicaFetchesDelayed(broker=b, delay_ms=d, until_ms=until):
            if d == 0:
                return Text(f"broker {b}'s replica fetches are on time again")
            end = "" if until is None else f" until t={until} ms"
            return Text(
                f"broker {b} slows down{end}: each replica fetch it sends reaches its leader "
                f"{d} ms late, while its heartbeats to the controller stay on time",
                style="failure",
            )
        case ev.ProduceRequestSent() as e:
            seq = (
                f", producer id {e.producer_id} seq {e.base_sequence}"
                if e.producer_id >= 0
                else ", no producer id (not idempotent)"
            )
            return Text(
                f"ProduceRequest attempt {e.attempt}: batch {e.batch} → broker {e.broker}, "
                f"leader of {_p(e.topic, e.partition)}{seq}",
                style="stage",
            )
        case ev.RequestDropped(batch=b, broker=br, attempt=a):
            return Text(
                f"attempt {a} of batch {b} is lost on its way to broker {br}; the connection "
                "delivers nothing more until the producer closes it (TCP)",
                style="failure",
            )
        case ev.RecordAppended() as e:
            where = (
                f"offset {e.base_offset}"
                if e.base_offset == e.last_offset
                else f"offsets {e.base_offset}-{e.last_offset}"
            )
            return Text(
                f"broker {e.broker} (leader) appends batch {e.batch} at {where} "
                f"of {_p(e.topic, e.partition)}",
                style="value",
            )
        case ev.NotEnoughReplicas() as e:
            return Text(
                f"broker {e.broker} refuses batch {e.batch} before appending it: the ISR of "
                f"{_p(e.topic, e.partition)} is [{', '.join(map(str, e.isr))}], fewer than "
                f"min.insync.replicas={e.min_insync_replicas} (NOT_ENOUGH_REPLICAS, retriable)",
                style="failure",
            )
        case ev.DuplicateDetected() as e:
            return Text(
                f"broker {e.broker} recognises producer {e.producer_id} seq "
                f"{e.base_sequence} among its last 5 batches: a duplicate; nothing is "
                f"written, the answer is success with the original offset "
                f"{e.original_offset}",
                style="ack",
            )
        case ev.ReplicaTruncated() as e:
            return Text(
                f"follower broker {e.broker} truncates {e.topic}/partition-{e.partition} from "
                f"log end offset {e.log_end_offset} to {e.truncated_to}: leader {e.leader}'s log "
                "diverged there (the records beyond were never committed)",
                style="warning",
            )
        case ev.FollowerReplicated() as e:
            offsets = (
                f"offset {e.base_offset}"
                if e.base_offset == e.last_offset
                else f"offsets {e.base_offset}-{e.last_offset}"
            )
            return Text(f"follower broker {e.broker} receives {offsets} from leader {e.leader}")
        case ev.HighWatermarkAdvanced(broker=b, topic=t, partition=p, high_watermark=hw):
            return Text(f"broker {b}: high watermark of {_p(t, p)} → {hw}", style="muted")
        case ev.AlterPartitionSent(broker=b, topic=t, partition=p, isr=isr, proposed=new) as e:
            if not e.out_of_sync:
                joined = ", ".join(str(r) for r in new if r not in isr)
                return Text(
                    f"broker {b} (leader of {_p(t, p)}): follower {joined} has caught up to the "
                    f"high watermark; AlterPartition → active controller: ISR {list(isr)} → "
                    f"{list(new)}",
                    style="ack",
                )
            lag = ", ".join(
                f"broker {r} (caught up last at t={ms} ms)"
                for r, ms in zip(e.out_of_sync, e.last_caught_up_ms, strict=True)
            )
            return Text(
                f"broker {b} (leader of {_p(t, p)}), isr-expiration check: {lag} has not been "
                f"caught up for replica.lag.time.max.ms; AlterPartition → active controller: "
                f"ISR {list(isr)} → {list(new)}",
                style="warning",
            )
        case ev.LeaderIsrUpdated(broker=b, topic=t, partition=p, isr=isr):
            return Text(
                f"broker {b} gets the controller's answer: the ISR of {_p(t, p)} is now "
                f"{list(isr)}, and the high watermark follows the new ISR"
            )
        case ev.ProduceResponseSent(broker=b, batch=batch, attempt=a, error=err, base_offset=o):
            what = f"offset {o}" if err == "NONE" else err
            return Text(f"broker {b} answers attempt {a} of batch {batch}: {what}")
        case ev.ResponseDropped(broker=b, batch=batch, attempt=a, error="NONE"):
            return Text(
                f"the response to attempt {a} (batch {batch}) is LOST on its way back "
                f"from broker {b}: the record is stored, the producer does not know",
                style="failure",
            )
        case ev.ResponseDropped(broker=b, batch=batch, attempt=a, error=err):
            return Text(
                f"broker {b}'s {err} answer to attempt {a} (batch {batch}) is LOST on its way "
                "back: the producer does not learn of it",
                style="failure",
            )
        case ev.ProduceResponseReceived(broker=b, attempt=a, error=err, base_offset=o) as e:
            what = f"success, offset {o}" if err == "NONE" else err
            if e.current_leader >= 0:
                what += (
                    f", naming the current leader: broker {e.current_leader}, leader epoch "
                    f"{e.current_leader_epoch} (KIP-951)"
                )
            return Text(f"producer receives broker {b}'s answer to attempt {a}: {what}")
        case ev.ProduceRequestTimedOut(batch=b, broker=br, attempt=a, timeout_ms=t):
            return Text(
                f"no answer within request.timeout.ms={t}: attempt {a} of batch {b} to "
                f"broker {br} times out (REQUEST_TIMED_OUT, retriable)",
                style="failure",
            )
        case ev.RetryScheduled() as e:
            return Text(
                f"batch {e.batch} goes back to the FRONT of {_p(e.topic, e.partition)}'s "
                f"queue: it stays bound to partition {e.partition}; the partitioner does "
                f"not run again. Attempt {e.next_attempt} "
                + (
                    f"after a {e.backoff_ms} ms backoff (retry.backoff.ms, ±20 % jitter): at "
                    f"{e.retry_at_ms} ms at the earliest, once the partition's leader is known "
                    "and reachable"
                    if e.backoff_ms
                    else "without a backoff: its partition has a new leader (KIP-951, "
                    "RecordAccumulator.shouldBackoff)"
                ),
                style="retry",
            )
        case ev.RecordAcknowledged(record=r, partition=p, offset=o, broker=b):
            if o < 0:  # acks=0: the send completes once written; no broker answers
                return Text(
                    f"record {r}: send() completes as the request to broker {b} is written "
                    f"(acks=0): partition {p}, offset -1, no answer from any broker",
                    style="warning",
                )
            return Text(
                f"record {r} acknowledged by broker {b}: partition {p}, offset {o}", style="ack"
            )
        case ev.RecordExpired(record=r, batch=b, delivery_timeout_ms=t):
            return Text(
                f"record {r} (batch {b}) expires: delivery.timeout.ms={t} has passed",
                style="failure",
            )
        case ev.RecordFailed(record=r, batch=b, error=err):
            return Text(f"record {r} (batch {b}) fails: {err}", style="failure")
        case ev.MetadataWaitTimedOut(record=r, topic=t, max_block_ms=ms):
            return Text(
                f"send() of record {r} gives up after max.block.ms={ms}: TimeoutException "
                f"(Topic {t} not present in metadata after {ms} ms.); the callback gets it "
                "too, and the record never reaches a partition",
                style="failure",
            )
        case ev.RunStopped() as e:
            return describe_stop(e)
        case _:
            # What is left is the control plane's union, described in its own module.
            return describe_kraft(event)
