"""The scenario's faults, done for real: one table from fault kind to trigger and action.

Rule: a fault happens to the real cluster where the model puts it in the record's story, not
at the same millisecond (a JVM on a loaded laptop is not the model's 1 ms network). So a fault
tied to an attempt (`drop-response`, `drop-request`) acts on that attempt's bytes at the proxy,
and a crash of the partition's leader "after the followers copied the batch and before the
leader answered" (a `crash-broker` of `partition-leader` at the file's own at_ms) is
triggered by the answer itself: with acks=all the leader sends it only once the ISR has the
batch (Partition.checkEnoughReplicasReachOffset), so the proxy holds it, the leader is
SIGKILLed, and the held answer is dropped. Other faults
strike at their `at_ms` after the send. To add a kind, add a row to FAULT_TABLE. The faults
of the network (NOT_IN_LAB) have no real action yet: the lab refuses a scenario that has one
rather than run something else under their name.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kafkaretry.lab.proxy import Verdict, now_ms

Action = Callable[[dict[str, Any]], None]  # called with the triggering wire entry (or {})


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """A scenario fault as the lab reads it (after --broker/--at-ms/--with-controller)."""

    kind: str
    target: int | str | None = None  # node id, "partition-leader", "active", or None
    at_ms: int = 0
    attempt: int = 1
    planned_at: bool = True  # at_ms is the scenario file's, not --at-ms


@dataclass
class Armed:
    spec: FaultSpec
    trigger: str  # "request" | "response" | "at"
    verdict: Verdict
    action: Action | None
    fired: list[dict[str, Any]] = field(default_factory=list)


class FaultContext:
    """What actions need: the cluster's process controls and the record's partition."""

    def __init__(self, cluster: Any, topic: str, partition: int) -> None:
        self.cluster = cluster
        self.topic = topic
        self.partition = partition
        self.log: list[dict[str, Any]] = []  # every action done: {at_ms, kind, node, how}
        self.active_at_start = -1
        self.proxy: Any = None  # the ProtocolProxy, which stops listening for a dead broker

    def do(self, kind: str, node: int, how: str, act: Callable[[], None]) -> None:
        act()
        self.log.append({"at_ms": now_ms(), "kind": kind, "node": node, "how": how})

    def leader_now(self) -> int:
        got = self.cluster.admin.try_call("describe_topic", topic=self.topic)
        return int(got["partitions"][self.partition]["leader"]) if got else -1


def _kill_broker(ctx: FaultContext, spec: FaultSpec) -> Action:
    def act(entry: dict[str, Any]) -> None:
        node = spec.target if isinstance(spec.target, int) else entry.get("broker")
        node = node if isinstance(node, int) else ctx.leader_now()
        ctx.do(spec.kind, node, "SIGKILL", lambda: ctx.cluster.signal(node, signal.SIGKILL))
        if ctx.proxy is not None:
            ctx.proxy.refuse(node)

    return act


def _stop_broker(ctx: FaultContext, spec: FaultSpec) -> Action:
    def act(entry: dict[str, Any]) -> None:
        node = spec.target if isinstance(spec.target, int) else ctx.leader_now()
        # BrokerServer.shutdown: controlled shutdown first; the JVM exits once it is granted.
        ctx.do(spec.kind, node, "SIGTERM", lambda: ctx.cluster.signal(node, signal.SIGTERM))

    return act


def _kill_controller(ctx: FaultContext, spec: FaultSpec) -> Action:
    def act(entry: dict[str, Any]) -> None:
        node = spec.target if isinstance(spec.target, int) else ctx.active_at_start
        ctx.do(spec.kind, node, "SIGKILL", lambda: ctx.cluster.signal(node, signal.SIGKILL))

    return act


def _restart(ctx: FaultContext, spec: FaultSpec) -> Action:
    def act(entry: dict[str, Any]) -> None:
        node = int(spec.target) if isinstance(spec.target, int) else -1
        ctx.do(spec.kind, node, "restart", lambda: ctx.cluster.restart(node))
        if ctx.proxy is not None and spec.kind == "restart-broker":
            ctx.proxy.accept(node)

    return act


def _crash_leader_on_answer(spec: FaultSpec) -> bool:
    return spec.target == "partition-leader" and spec.planned_at


# Fault kinds the simulation has but the lab cannot do faithfully yet, with the reason.
NOT_IN_LAB: dict[str, str] = {
    "isolate-broker": (
        "a black hole needs the host's links cut for every peer (controllers and brokers), "
        "while the proxy stands only between the producer and the brokers"
    ),
    "heal": "it undoes isolate-broker, which the lab cannot do",
    "slow-broker": (
        "slowing only one broker's replica fetches needs a delay on inter-broker links, "
        "which the proxy does not carry"
    ),
}

Row = Callable[[FaultContext, FaultSpec], Armed]
FAULT_TABLE: dict[str, tuple[str, Row]] = {
    "drop-response": (
        "the proxy drops the answer to that attempt; the connection goes silent",
        lambda ctx, s: Armed(s, "response", Verdict.DROP, None),
    ),
    "drop-request": (
        "the proxy drops that attempt before the broker sees it; the connection goes silent",
        lambda ctx, s: Armed(s, "request", Verdict.DROP, None),
    ),
    "crash-broker": (
        "SIGKILL of the broker's JVM (the leader: when its acks=all answer reaches the proxy, "
        "which holds it and drops it)",
        lambda ctx, s: Armed(
            s,
            "response" if _crash_leader_on_answer(s) else "at",
            Verdict.HOLD if _crash_leader_on_answer(s) else Verdict.FORWARD,
            _kill_broker(ctx, s),
        ),
    ),
    "stop-broker": (
        "SIGTERM to the broker's JVM: a controlled shutdown, then the process exits",
        lambda ctx, s: Armed(s, "at", Verdict.FORWARD, _stop_broker(ctx, s)),
    ),
    "restart-broker": (
        "the broker's JVM started again on its own log directory",
        lambda ctx, s: Armed(s, "at", Verdict.FORWARD, _restart(ctx, s)),
    ),
    "crash-controller": (
        "SIGKILL of the controller's JVM (active: the quorum leader Admin."
        "describeMetadataQuorum names when the run starts)",
        lambda ctx, s: Armed(s, "at", Verdict.FORWARD, _kill_controller(ctx, s)),
    ),
    "restart-controller": (
        "the controller's JVM started again on its own log directory",
        lambda ctx, s: Armed(s, "at", Verdict.FORWARD, _restart(ctx, s)),
    ),
}


def arm(ctx: FaultContext, specs: list[FaultSpec]) -> list[Armed]:
    """Each spec through FAULT_TABLE; a crash-controller at the same at_ms as an answer-
    triggered crash-broker (`--with-controller`) joins that trigger: the same moment."""
    armed = [FAULT_TABLE[s.kind][1](ctx, s) for s in specs]
    for a in armed:
        if a.spec.kind == "crash-controller":
            twin = next(
                (b for b in armed if b.spec.kind == "crash-broker" and b.trigger == "response"),
                None,
            )
            if twin is not None and twin.spec.at_ms == a.spec.at_ms:
                a.trigger, a.spec = (
                    "response",
                    FaultSpec(a.spec.kind, a.spec.target, a.spec.at_ms, twin.spec.attempt),
                )
    return armed


class FaultPolicy:
    """The proxy's Policy: numbers the attempts to the record's partition, fires faults."""

    def __init__(self, ctx: FaultContext, armed: list[Armed]) -> None:
        self.ctx = ctx
        self.armed = armed
        self.attempts = 0
        self._lock = threading.Lock()

    def _ours(self, entry: dict[str, Any]) -> bool:
        return (entry["topic"], entry["partition"]) == (self.ctx.topic, self.ctx.partition)

    def on_request(self, entry: dict[str, Any]) -> Verdict:
        if not self._ours(entry):
            return Verdict.FORWARD
        with self._lock:
            self.attempts += 1
            entry["attempt"] = self.attempts
        return self._fire("request", entry)

    def on_response(self, entry: dict[str, Any]) -> Verdict:
        return self._fire("response", entry) if self._ours(entry) else Verdict.FORWARD

    def _fire(self, trigger: str, entry: dict[str, Any]) -> Verdict:
        verdict = Verdict.FORWARD
        for a in self.armed:
            if a.trigger == trigger and a.spec.attempt == entry.get("attempt") and not a.fired:
                a.fired.append({"at_ms": now_ms(), "attempt": entry["attempt"]})
                verdict = a.verdict if a.verdict is not Verdict.FORWARD else verdict
                if a.action is not None:
                    a.action(entry)  # os.kill returns at once: the proxy's loop is not held up
        return verdict

    def start_timers(self, send_at_ms: int) -> list[threading.Timer]:
        """Timers for the `at` faults, counted from the send; the caller cancels them."""
        timers = []
        for a in self.armed:
            if a.trigger == "at" and a.action is not None:
                delay = max(0.0, (send_at_ms + a.spec.at_ms - now_ms()) / 1000)
                timer = threading.Timer(delay, self._at, args=(a,))
                timer.daemon = True
                timer.start()
                timers.append(timer)
        return timers

    def _at(self, a: Armed) -> None:
        a.fired.append({"at_ms": now_ms(), "attempt": None})
        assert a.action is not None
        a.action({})
