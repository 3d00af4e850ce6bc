"""The lab cluster's plan as data: one node per id of the scenario file, its ports and its
`server.properties` (pure: no processes, no files).

Listeners, all on 127.0.0.1:
- controllers: `CONTROLLER` (the Raft quorum, `controller.quorum.voters`);
- brokers: `INTERNAL` (replication, `inter.broker.listener.name`), `LAB` (kafkaretry's own
  Admin and consumer, direct) and `CLIENT`, whose advertised port is the protocol proxy's, so
  the producer's every request passes through the proxy while replication and the quorum
  stay direct.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kafkaretry.topology import Topology

# Settings every lab node gets, whatever the scenario: the cluster must behave as the model's
# (no auto-created topics, internal topics that fit three brokers) and start fast.
BASE_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("auto.create.topics.enable", "false"),
    ("group.initial.rebalance.delay.ms", "0"),
    ("offsets.topic.replication.factor", "1"),
    ("transaction.state.log.replication.factor", "1"),
    ("transaction.state.log.min.isr", "1"),
    ("num.network.threads", "2"),
    ("num.io.threads", "2"),
    ("log.flush.interval.messages", "9223372036854775807"),
)
SECURITY_MAP = "CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,LAB:PLAINTEXT,CLIENT:PLAINTEXT"


@dataclass(frozen=True, slots=True)
class NodePlan:
    node_id: int
    role: str  # "controller" or "broker": process.roles, dedicated as in the scenario file
    port: int  # CONTROLLER for a controller, CLIENT (the broker's own socket) for a broker
    internal_port: int = 0
    lab_port: int = 0
    proxy_port: int = 0  # the CLIENT address the broker advertises

    @property
    def name(self) -> str:
        return f"{self.role} {self.node_id}"


@dataclass(frozen=True, slots=True)
class ClusterPlan:
    nodes: tuple[NodePlan, ...]
    settings: tuple[tuple[str, str], ...]  # the scenario's cluster settings, Kafka names

    def node(self, node_id: int) -> NodePlan:
        return next(n for n in self.nodes if n.node_id == node_id)

    @property
    def controllers(self) -> tuple[NodePlan, ...]:
        return tuple(n for n in self.nodes if n.role == "controller")

    @property
    def brokers(self) -> tuple[NodePlan, ...]:
        return tuple(n for n in self.nodes if n.role == "broker")

    @property
    def voters(self) -> str:
        """controller.quorum.voters: the static Raft voter set, `id@host:port` each."""
        return ",".join(f"{n.node_id}@127.0.0.1:{n.port}" for n in self.controllers)

    @property
    def controller_bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{n.port}" for n in self.controllers)

    @property
    def lab_bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{n.lab_port}" for n in self.brokers)

    @property
    def client_bootstrap(self) -> str:
        """The producer's bootstrap.servers: the proxies, never a broker directly."""
        return ",".join(f"127.0.0.1:{n.proxy_port}" for n in self.brokers)

    def properties(self, node: NodePlan, log_dir: Path) -> str:
        """The node's server.properties text, in a stable order."""
        lines = [
            f"process.roles={node.role}",
            f"node.id={node.node_id}",
            f"controller.quorum.voters={self.voters}",
            "controller.listener.names=CONTROLLER",
            f"listener.security.protocol.map={SECURITY_MAP}",
            f"log.dirs={log_dir}",
        ]
        if node.role == "controller":
            lines.append(f"listeners=CONTROLLER://127.0.0.1:{node.port}")
        else:
            lines += [
                "listeners="
                f"INTERNAL://127.0.0.1:{node.internal_port},LAB://127.0.0.1:{node.lab_port},"
                f"CLIENT://127.0.0.1:{node.port}",
                "advertised.listeners="
                f"INTERNAL://127.0.0.1:{node.internal_port},LAB://127.0.0.1:{node.lab_port},"
                f"CLIENT://127.0.0.1:{node.proxy_port}",
                "inter.broker.listener.name=INTERNAL",
            ]
        lines += [f"{k}={v}" for k, v in BASE_PROPERTIES]
        lines += [f"{k}={v}" for k, v in self.settings]
        return "\n".join(lines) + "\n"


def plan_cluster(
    topology: Topology, settings: Mapping[str, object], port: Callable[[], int]
) -> ClusterPlan:
    """A node per controller and broker id of `topology`, each port taken from `port()`."""
    nodes = [NodePlan(i, "controller", port()) for i in topology.controllers]
    nodes += [
        NodePlan(i, "broker", port(), internal_port=port(), lab_port=port(), proxy_port=port())
        for i in topology.brokers
    ]
    rendered = tuple((k, _java_text(v)) for k, v in settings.items() if v is not None)
    return ClusterPlan(tuple(nodes), rendered)


def _java_text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
