"""The Python side of LabAdmin.java: Kafka's Admin and consumer, one JSON line at a time.

One JVM serves the whole cluster's life: requests are `{"id", "op", …}` lines on its stdin,
answers come back with the same id; the `watch` op's unsolicited `event` lines (leader and
active-controller changes, stamped with the JVM's wall clock) are collected in `events`.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from itertools import count
from pathlib import Path
from typing import Any

from kafkaretry.lab.install import JAVA_DIR, KafkaInstall, LabError
from kafkaretry.lab.processes import Child, ProcessGroup


class LabAdmin:
    def __init__(
        self,
        group: ProcessGroup,
        install: KafkaInstall,
        *,
        brokers: str,
        controllers: str,
        log: Path,
        log_config: Path,
    ) -> None:
        argv = [
            "java",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            f"-Dlog4j2.configurationFile={log_config}",
            "-cp",
            install.classpath,
            str(JAVA_DIR / "LabAdmin.java"),
            brokers,
            controllers,
        ]
        self._child: Child = group.start(
            "admin", argv, log=log, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._ids = count(1)
        self._answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        self._await(0, timeout_s=60)

    def _read(self) -> None:
        stream = self._child.popen.stdout
        assert stream is not None
        for line in stream:
            if not line.startswith("{"):
                continue
            data = json.loads(line)
            if "event" in data:
                self.events.append(data)
            else:
                self._answers.put(data)
        self._answers.put({"id": -1, "error": "the admin JVM exited"})

    def _await(self, wanted: int, *, timeout_s: float) -> dict[str, Any]:
        while True:
            try:
                answer = self._answers.get(timeout=timeout_s)
            except queue.Empty:
                raise LabError(f"Kafka's Admin did not answer within {timeout_s:.0f} s") from None
            if answer["id"] in (wanted, -1):
                if "error" in answer:
                    raise LabError(f"Kafka's Admin failed: {answer['error']}")
                result: dict[str, Any] = answer["ok"]
                return result

    def call(self, op: str, *, timeout_s: float = 30, **fields: Any) -> dict[str, Any]:
        """Send one request and wait for its answer; LabError carries Kafka's exception text."""
        with self._lock:
            request_id = next(self._ids)
            stdin = self._child.popen.stdin
            assert stdin is not None
            try:
                stdin.write(json.dumps({"id": request_id, "op": op, **fields}) + "\n")
                stdin.flush()
            except OSError:
                raise LabError("Kafka's Admin process has exited") from None
            return self._await(request_id, timeout_s=timeout_s)

    def try_call(self, op: str, **fields: Any) -> dict[str, Any] | None:
        """call(), with None instead of LabError: for polling a cluster that is coming up."""
        try:
            return self.call(op, **fields)
        except LabError:
            return None
