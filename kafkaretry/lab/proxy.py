"""A Kafka-protocol-aware TCP proxy in front of every broker's CLIENT listener.

Brokers advertise the proxy's port, so the producer reaches brokers only through it. For the
producer's connections (its client.id) the proxy decodes request headers, ProduceRequests and
the answers to Produce and Metadata (wire.py), writes them to `wire`, and asks a `Policy`
whether to forward, drop or hold each produce request and response. A connection on which
something was dropped or held goes silent in both directions, as a TCP path that lost a
segment does: the client notices only when request.timeout.ms expires and it closes the
connection, or when the broker behind it dies. Other clients (kafkaretry's own Admin uses the
LAB listener, not this one) pass through undecoded.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from itertools import count
from typing import Any, Protocol

from kafkaretry.lab import wire


class Verdict(Enum):
    FORWARD = "forward"
    DROP = "drop"  # lost on the wire: the outcome is "response-lost" / "request-lost"
    HOLD = "hold"  # kept back while a fault acts; the connection's end decides the outcome


class Policy(Protocol):
    def on_request(self, entry: dict[str, Any]) -> Verdict: ...

    def on_response(self, entry: dict[str, Any]) -> Verdict: ...


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class _Conn:
    broker: int
    conn: int
    pending: dict[int, tuple[wire.RequestInfo, list[dict[str, Any]]]] = field(default_factory=dict)
    silent: bool = False


class ProtocolProxy:
    """Listens on each broker's proxy port and forwards to its CLIENT port, in its own thread."""

    def __init__(self, routes: dict[int, tuple[int, int]], client_id: str, policy: Policy) -> None:
        self.routes = routes  # broker id -> (proxy port, broker CLIENT port)
        self.client_id = client_id
        self.policy = policy
        self.wire: list[dict[str, Any]] = []
        self._names: dict[uuid.UUID, str] = {}
        self._ids = count(1)
        self._loop = asyncio.new_event_loop()
        self._servers: dict[int, asyncio.Server] = {}
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)

    async def _listen(self) -> None:
        for broker in sorted(self.routes):
            await self._open(broker)

    async def _open(self, broker: int) -> None:
        port, upstream = self.routes[broker]

        async def serve(r: Any, w: Any) -> None:
            await self._serve(broker, upstream, r, w)

        self._servers[broker] = await asyncio.start_server(serve, "127.0.0.1", port)

    def refuse(self, broker: int) -> None:
        """Stop listening for a dead broker: connecting is refused, as to the dead broker's
        own port, rather than accepted and closed."""
        server = self._servers.pop(broker, None)
        if server is not None:
            self._loop.call_soon_threadsafe(server.close)

    def accept(self, broker: int) -> None:
        """Listen again for a restarted broker (called from outside the proxy's thread)."""
        asyncio.run_coroutine_threadsafe(self._open(broker), self._loop).result(timeout=10)

    def stop(self) -> None:
        """Close every listener and connection, then end the thread (ports are free after)."""
        if not self._thread.is_alive():
            return

        async def close() -> None:
            for server in self._servers.values():
                server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for server in self._servers.values():
                await server.wait_closed()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self, broker: int, upstream: int, creader: Any, cwriter: Any) -> None:
        state = _Conn(broker, next(self._ids))
        try:
            ureader, uwriter = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            cwriter.close()  # the broker is down: the client sees its connection closed
            return
        requests = asyncio.ensure_future(self._requests(state, creader, uwriter))
        responses = asyncio.ensure_future(self._responses(state, ureader, cwriter))
        try:
            done, _ = await asyncio.wait({requests, responses}, return_when="FIRST_COMPLETED")
            # Whoever hung up first decides what an unanswered produce request became.
            ended = "timed-out" if requests in done else "NETWORK_EXCEPTION"
            for _, entries in state.pending.values():
                for entry in entries:
                    if entry["kind"] == "produce" and entry["outcome"] is None:
                        entry["outcome"] = ended
                        entry["ended_at_ms"] = now_ms()
        finally:
            for task in (requests, responses):
                task.cancel()
            for writer in (cwriter, uwriter):
                writer.close()

    async def _requests(self, state: _Conn, reader: Any, writer: Any) -> None:
        while True:
            frame = await _read_frame(reader)
            if frame is None:
                return
            entries = self._decode_request(state, frame)
            verdict = Verdict.FORWARD
            for entry in entries:
                if entry["kind"] == "produce" and self.policy.on_request(entry) is Verdict.DROP:
                    verdict = Verdict.DROP
                    entry["outcome"] = "request-lost"
            if verdict is Verdict.DROP:
                state.silent = True
            if not state.silent:
                writer.write(len(frame).to_bytes(4, "big") + frame)
                await writer.drain()

    def _decode_request(self, state: _Conn, frame: bytes) -> list[dict[str, Any]]:
        try:
            info, body = wire.request_info(frame)
        except ValueError:
            return []
        if info.client_id != self.client_id:
            return []
        base = {"at_ms": now_ms(), "broker": state.broker, "conn": state.conn}
        entries: list[dict[str, Any]] = []
        if info.api_key == wire.PRODUCE:
            for b in wire.produce_batches(info, frame, body, self._names):
                entries.append(
                    {
                        "kind": "produce",
                        **base,
                        "topic": b.topic,
                        "partition": b.partition,
                        "producer_id": b.producer_id,
                        "producer_epoch": b.producer_epoch,
                        "base_sequence": b.base_sequence,
                        "records": b.records,
                        "outcome": None,
                        "error": None,
                        "base_offset": None,
                        "ended_at_ms": None,
                    }
                )
        elif info.api_key == wire.METADATA:
            entries.append({"kind": "metadata", **base, "answered_at_ms": None, "leaders": []})
        if entries:
            self.wire.extend(entries)
            state.pending[info.correlation_id] = (info, entries)
        return entries

    async def _responses(self, state: _Conn, reader: Any, writer: Any) -> None:
        while True:
            frame = await _read_frame(reader)
            if frame is None:
                return
            found = state.pending.pop(wire.response_correlation_id(frame), None)
            if found is not None and not state.silent:
                self._answer(state, *found, frame)
            if not state.silent:
                writer.write(len(frame).to_bytes(4, "big") + frame)
                await writer.drain()

    def _answer(
        self, state: _Conn, info: wire.RequestInfo, entries: list[dict[str, Any]], frame: bytes
    ) -> None:
        at = now_ms()
        if info.api_key == wire.METADATA:
            leaders = wire.metadata_leaders(info, frame, self._names)
            entries[0]["answered_at_ms"] = at
            entries[0]["leaders"] = [
                {
                    "topic": s.topic,
                    "partition": s.partition,
                    "leader": s.leader,
                    "leader_epoch": s.leader_epoch,
                }
                for s in leaders
            ]
            return
        answers = {
            (a.topic, a.partition): a for a in wire.produce_answers(info, frame, self._names)
        }
        for entry in entries:
            answer = answers.get((entry["topic"], entry["partition"]))
            if answer is not None:
                entry["error"], entry["base_offset"] = answer.error, answer.base_offset
            verdict = self.policy.on_response(entry)
            if verdict is Verdict.FORWARD:
                entry["outcome"], entry["ended_at_ms"] = entry["error"], at
                continue
            state.silent = True
            if verdict is Verdict.DROP:
                entry["outcome"], entry["ended_at_ms"] = "response-lost", at
            # A pending entry again, so that the connection's end gives it its outcome.
            state.pending[-1 - len(state.pending)] = (info, [entry])


async def _read_frame(reader: Any) -> bytes | None:
    try:
        size = int.from_bytes(await reader.readexactly(4), "big")
        data: bytes = await reader.readexactly(size)
        return data
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
