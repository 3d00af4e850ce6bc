"""One real run of a scenario: a fresh cluster, the proxy, the faults, the Java producer.

Every run gets its own cluster (a crashed broker or controller would otherwise carry into the
next run) in a fresh run directory under the system temp dir, removed afterwards unless
`keep`; the left-overs of a kafkaretry that was killed outright are cleared first (stale.py).
All processes belong to one `owned_processes()` block, and the proxy is stopped in the same
`finally`: success, LabError, Ctrl-C and SIGTERM all end every process and free every port.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafkaretry.lab.cluster import JVM_FLAGS, LabCluster
from kafkaretry.lab.facts import real_facts
from kafkaretry.lab.faults import FaultContext, FaultPolicy, arm
from kafkaretry.lab.inputs import LabInputs
from kafkaretry.lab.install import JAVA_DIR, KafkaInstall, LabError
from kafkaretry.lab.nodes import plan_cluster
from kafkaretry.lab.processes import ProcessGroup, free_port, owned_processes
from kafkaretry.lab.proxy import ProtocolProxy, now_ms
from kafkaretry.lab.stale import PREFIX, claim, reap

Progress = Callable[[str], None]
WATCH_INTERVAL_MS = 25  # how often LabAdmin asks for the partition's leader and the quorum
SETTLE_S = 1.0  # after the callback: leader/controller changes still on their way are seen


@dataclass
class ProducerOutput:
    events: list[dict[str, Any]]
    done: threading.Event


def _start_producer(
    group: ProcessGroup, cluster: LabCluster, inputs: LabInputs, run_dir: Path
) -> ProducerOutput:
    argv = [
        "java",
        *JVM_FLAGS,
        f"-Dlog4j2.configurationFile={cluster.client_log4j}",
        "-cp",
        cluster.install.classpath,
        str(JAVA_DIR / "LabProducer.java"),
        cluster.plan.client_bootstrap,
        inputs.topic,
        inputs.key_type,
        "-" if inputs.key is None else inputs.key,
        str(inputs.value_bytes),
        *(f"{k}={v}" for k, v in sorted(inputs.producer.items())),
    ]
    child = group.start(
        "producer", argv, log=run_dir / "producer.log", stdout=subprocess.PIPE, text=True
    )
    out = ProducerOutput([], threading.Event())

    def read() -> None:
        assert child.popen.stdout is not None
        for line in child.popen.stdout:
            if line.startswith("{"):
                event = json.loads(line)
                out.events.append(event)
                if event["event"] in ("callback", "error"):
                    out.done.set()
        out.done.set()

    threading.Thread(target=read, daemon=True).start()
    return out


def run_once(
    inputs: LabInputs, install: KafkaInstall, *, keep: Path | None, progress: Progress
) -> dict[str, Any]:
    """Run the scenario once on a new cluster; the facts of the run (facts.real_facts).

    `keep`: a directory to leave the run's files in (properties, node logs, producer log).
    """
    reap()
    run_dir = Path(tempfile.mkdtemp(prefix=PREFIX))
    claim(run_dir)
    proxy: ProtocolProxy | None = None
    try:
        with owned_processes() as group:
            taken: set[int] = set()
            plan = plan_cluster(inputs.topology, inputs.cluster, lambda: free_port(taken))
            cluster = LabCluster(group, install, plan, run_dir)
            ctx = FaultContext(cluster, inputs.topic, inputs.partition)
            policy = FaultPolicy(ctx, arm(ctx, list(inputs.faults)))
            routes = {n.node_id: (n.proxy_port, n.port) for n in plan.brokers}
            proxy = ProtocolProxy(routes, inputs.producer["client.id"], policy)
            ctx.proxy = proxy
            proxy.start()
            cluster.start(progress)
            cluster.create_topics(inputs.topology, progress)
            assert cluster.admin is not None
            ctx.active_at_start = cluster.active_controller()
            cluster.admin.call(
                "watch",
                topic=inputs.topic,
                partition=inputs.partition,
                interval_ms=WATCH_INTERVAL_MS,
            )
            progress("compiling and starting LabProducer.java")
            started = now_ms()
            producer = _start_producer(group, cluster, inputs, run_dir)
            timers = _await_send(producer, policy)
            limit_s = int(inputs.producer["delivery.timeout.ms"]) / 1000 + 30
            progress("the record is on its way")
            if not producer.done.wait(timeout=limit_s):
                raise LabError(f"the producer gave no callback within {limit_s:.0f} s")
            for timer in timers:
                timer.cancel()
            threading.Event().wait(SETTLE_S)
            progress("reading the partition from offset 0")
            log = cluster.admin.call("read", topic=inputs.topic, partition=inputs.partition)
            proxy.stop()
            return real_facts(
                inputs,
                producer=producer.events,
                wire=proxy.wire,
                watch=list(cluster.admin.events),
                faults=ctx.log,
                log=log,
                active_at_start=ctx.active_at_start,
                wall_ms=now_ms() - started,
            )
    finally:
        if proxy is not None:
            proxy.stop()
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(run_dir), keep)
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


def _await_send(producer: ProducerOutput, policy: FaultPolicy) -> list[threading.Timer]:
    """Wait for the producer's send() (JVM start and compilation come first), then start the
    time-triggered faults from that moment."""
    for _ in range(1200):  # 120 s: compiling the source file on a busy machine
        sent = next((e for e in producer.events if e["event"] == "send"), None)
        if sent is not None:
            return policy.start_timers(int(sent["at_ms"]))
        failed = next((e for e in producer.events if e["event"] == "error"), None)
        if failed is not None:
            raise LabError(f"the Java producer did not start: {failed['exception']}")
        if producer.done.is_set():
            raise LabError("LabProducer.java exited before sending; see the producer log")
        threading.Event().wait(0.1)
    raise LabError("LabProducer.java did not send within 120 s")
