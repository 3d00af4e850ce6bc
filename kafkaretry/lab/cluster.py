"""A real KRaft cluster from the scenario's topology: one `kafka.Kafka` JVM per node.

Start-up follows Apache Kafka's own quick start: `kafka.tools.StorageTool format` on each
node's log directory with one cluster id (the static voter set of
`controller.quorum.voters`), then `kafka.Kafka server.properties`. Readiness is asked of
Kafka itself through LabAdmin: every broker registered (Admin.describeCluster), a quorum
leader (Admin.describeMetadataQuorum), then the topic created with the file's exact replica
assignment (Admin.createTopics with replicasAssignments) and every partition led by its
preferred replica with a full ISR, as the scenario file's cluster starts.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

from kafkaretry.lab.admin import LabAdmin
from kafkaretry.lab.install import KafkaInstall, LabError
from kafkaretry.lab.nodes import ClusterPlan, NodePlan
from kafkaretry.lab.processes import Child, ProcessGroup, wait_until
from kafkaretry.topology import Topology

# Small heaps, a serial collector and no tiered C2 warm-up: six JVMs on two cores start in
# seconds. None of this changes Kafka's protocol behaviour.
JVM_FLAGS = ("-Xms64m", "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
LOG4J = """\
rootLogger.level = {level}
rootLogger.appenderRef.out.ref = out
appender.out.type = Console
appender.out.name = out
appender.out.target = {target}
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d{{HH:mm:ss,SSS}}] %p %m (%c)%n
logger.producer.name = org.apache.kafka.clients.producer.internals
logger.producer.level = {producer}
"""
Progress = Callable[[str], None]
READY_S = 120


def cluster_id() -> str:
    """A cluster id in Kafka's Uuid text form: URL-safe base64 of 16 bytes, no padding.

    Like Uuid.randomUuid, never one that starts with "-": the storage tool's argument parser
    would read it as an option."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def _last_error(log: Path | None) -> str:
    """The node log's last ERROR line (Kafka says why it stopped), or the log's path."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log else []
    except OSError:
        lines = []
    errors = [ln for ln in lines if " ERROR " in ln or "Exception" in ln]
    return errors[-1].strip()[:240] if errors else f"see {log}"


class LabCluster:
    """The running nodes of one ClusterPlan, their admin, and the faults' process actions."""

    def __init__(
        self, group: ProcessGroup, install: KafkaInstall, plan: ClusterPlan, run_dir: Path
    ) -> None:
        self.group = group
        self.install = install
        self.plan = plan
        self.run_dir = run_dir
        self.children: dict[int, Child] = {}
        self.admin: LabAdmin | None = None
        self.stopped: set[int] = set()  # nodes a fault stopped: their exit is no failure
        self.node_log4j = run_dir / "log4j2-node.properties"
        self.client_log4j = run_dir / "log4j2-client.properties"

    def _java(self, *args: str) -> list[str]:
        return [
            "java",
            *JVM_FLAGS,
            f"-Dlog4j2.configurationFile={self.node_log4j}",
            "-cp",
            self.install.classpath,
            *args,
        ]

    def node_dir(self, node: NodePlan) -> Path:
        return self.run_dir / f"{node.role}-{node.node_id}"

    def prepare(self) -> None:
        """Write each node's properties and format its storage (in parallel)."""
        self.node_log4j.write_text(
            LOG4J.format(level="INFO", target="SYSTEM_OUT", producer="INFO"), encoding="utf-8"
        )
        self.client_log4j.write_text(
            LOG4J.format(level="WARN", target="SYSTEM_ERR", producer="DEBUG"), encoding="utf-8"
        )
        cid = cluster_id()
        formats = []
        for node in self.plan.nodes:
            home = self.node_dir(node)
            (home / "data").mkdir(parents=True)
            props = home / "server.properties"
            props.write_text(self.plan.properties(node, home / "data"), encoding="utf-8")
            argv = self._java(
                "kafka.tools.StorageTool", "format", f"--cluster-id={cid}", "-c", str(props)
            )
            formats.append(self.group.start(f"format {node.name}", argv, log=home / "format.log"))
        for child, node in zip(formats, self.plan.nodes, strict=True):
            code = child.popen.wait()
            if code != 0:
                raise LabError(
                    f"Kafka's StorageTool could not format {node.name} (exit {code}): "
                    f"{_last_error(self.node_dir(node) / 'format.log')}"
                )

    def start_node(self, node_id: int) -> Child:
        node = self.plan.node(node_id)
        home = self.node_dir(node)
        argv = self._java("kafka.Kafka", str(home / "server.properties"))
        child = self.group.start(node.name, argv, log=home / "server.log")
        self.children[node_id] = child
        return child

    def start(self, progress: Progress) -> None:
        """Format, start every node, then wait until Kafka says the cluster is ready."""
        progress("formatting storage (kafka.tools.StorageTool)")
        self.prepare()
        for node in self.plan.nodes:
            progress(f"starting {node.name}")
            self.start_node(node.node_id)
        progress("starting Kafka's Admin client")
        self.admin = LabAdmin(
            self.group,
            self.install,
            brokers=self.plan.lab_bootstrap,
            controllers=self.plan.controller_bootstrap,
            log=self.run_dir / "admin.log",
            log_config=self.client_log4j,
        )
        brokers = sorted(n.node_id for n in self.plan.brokers)
        progress("waiting for a controller quorum and every broker to register")
        leaders: list[int] = []

        def settled() -> bool:
            # Ready when every broker is registered and the quorum kept one leader across three
            # polls: a loaded machine can make a tightly timed quorum change leader at first.
            leaders.append(self._quorum_leader() if self._registered() == brokers else -1)
            return len(leaders) >= 3 and leaders[-1] >= 0 and len(set(leaders[-3:])) == 1

        if not wait_until(settled, timeout_s=READY_S, interval_s=0.3):
            load = os.getloadavg()[0]
            self._raise_dead_or(
                f"the cluster did not become ready within {READY_S} s "
                f"(load average {load:.1f} on {os.cpu_count()} cores)"
            )

    def _registered(self) -> list[int]:
        self._raise_dead_or(None)
        answer = self.admin.try_call("cluster") if self.admin else None
        return sorted(answer["brokers"]) if answer else []

    def _quorum_leader(self) -> int:
        answer = self.admin.try_call("quorum") if self.admin else None
        return int(answer["leader"]) if answer else -1

    def _raise_dead_or(self, message: str | None) -> None:
        for node_id, child in sorted(self.children.items()):
            if not child.alive() and node_id not in self.stopped:
                raise LabError(
                    f"{self.plan.node(node_id).name} exited with {child.popen.returncode} "
                    f"during start-up: {_last_error(child.log)}"
                )
        if message is not None:
            raise LabError(message)

    def create_topics(self, topology: Topology, progress: Progress) -> None:
        """Each topic with the file's replica assignment and configs, led as the file says."""
        assert self.admin is not None
        for topic in topology.topics:
            progress(f"creating topic {topic.name}")
            self.admin.call(
                "create_topic",
                topic=topic.name,
                assignment={str(p.id): list(p.replicas) for p in topic.partitions},
                configs=dict(topic.configs),
            )
            wanted = [(p.replicas[0], sorted(p.replicas)) for p in topic.partitions]

            def settled(name: str = topic.name, want: object = wanted) -> bool:
                got = self.admin.try_call("describe_topic", topic=name) if self.admin else None
                return got is not None and want == [
                    (p["leader"], sorted(p["isr"])) for p in got["partitions"]
                ]

            if not wait_until(settled, timeout_s=30, interval_s=0.2):
                raise LabError(f"topic {topic.name} did not get its leaders and ISR within 30 s")

    def signal(self, node_id: int, sig: signal.Signals) -> None:
        """SIGKILL (crash), SIGTERM (controlled shutdown), SIGSTOP/SIGCONT (pause) one node."""
        if sig in (signal.SIGKILL, signal.SIGTERM):
            self.stopped = {*self.stopped, node_id}
        self.children[node_id].signal(sig)

    def restart(self, node_id: int) -> None:
        """Start a stopped node again on its own log directory (it rejoins as itself)."""
        child = self.children[node_id]
        try:
            child.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise LabError(f"{self.plan.node(node_id).name} did not stop within 30 s") from None
        self.stopped = self.stopped - {node_id}
        self.start_node(node_id)

    def active_controller(self) -> int:
        """The quorum's leader now (Admin.describeMetadataQuorum), -1 when there is none."""
        return self._quorum_leader()
