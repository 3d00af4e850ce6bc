"""The whole cluster at a turning point: controllers, brokers, committed metadata, producer.

Lines that differ from the previous turning point are marked, so a reader sees what the
failure, the election or the fencing changed (the text marker works without colour).
"""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree

from kafkaretry.sim.kraft.views import NO_LEADER, BrokerSnapshot, ControllerSnapshot
from kafkaretry.sim.snapshot import ClusterSnapshot

CHANGED = "  ← changed"


def _controller_line(c: ControllerSnapshot) -> str:
    if c.role == "dead":
        return f"controller {c.id}  DOWN"
    return f"controller {c.id}  {c.role}, epoch {c.epoch}"


def _broker_line(b: BrokerSnapshot) -> str:
    state = "alive, UNREACHABLE" if b.isolated else "alive" if b.alive else "DOWN"
    fenced = "fenced" if b.fenced else "unfenced"
    return f"broker {b.id}  {state}, {fenced}, metadata offset {b.metadata_offset}"


def _leader(leader: int) -> str:
    return "none (offline)" if leader == NO_LEADER else f"broker {leader}"


def _lines(snapshot: ClusterSnapshot, topic: str, partition: int) -> list[tuple[str, str]]:
    """(section, line) pairs: comparing them between two snapshots shows what changed."""
    lines: list[tuple[str, str]] = []
    control = snapshot.control
    if control is not None:
        lines += [("controllers", _controller_line(c)) for c in control.controllers]
        lines += [("brokers", _broker_line(b)) for b in control.brokers]
        lines += [
            (
                "metadata",
                f"partition-{p.partition}  leader {_leader(p.leader)}, leader epoch "
                f"{p.leader_epoch}, ISR [{', '.join(map(str, p.isr))}]",
            )
            for p in control.partitions
            if p.topic == topic
        ]
    seen = snapshot.producer_leader(topic, partition)
    if seen is not None:
        line = f"partition-{partition} → {_leader(seen[0])} (leader epoch {seen[1]})"
        lines.append(("producer", line))
    return lines


SECTIONS = {
    "controllers": "controllers (Raft voters of __cluster_metadata)",
    "brokers": "brokers (alive/DOWN: the process; fenced/unfenced: the committed metadata)",
    "metadata": "{topic}, as the controllers committed it",
    "producer": "the producer's metadata (from a broker, never a controller)",
}


def overview_tree(
    snapshot: ClusterSnapshot,
    previous: ClusterSnapshot | None,
    *,
    topic: str,
    partition: int,
) -> Tree:
    before = set(_lines(previous, topic, partition)) if previous is not None else None
    tree = Tree(Text(f"the cluster at {snapshot.at_ms} ms", style="stage"))
    branches: dict[str, Tree] = {}
    for section, line in _lines(snapshot, topic, partition):
        if section not in branches:
            label = SECTIONS[section].format(topic=topic)
            branches[section] = tree.add(Text(label, style="value"))
        changed = before is not None and (section, line) not in before
        text = Text(line, style="warning" if changed else "")
        if changed:
            text.append(CHANGED, style="warning")
        if "DOWN" in line or "UNREACHABLE" in line:
            text.stylize("failure")
        branches[section].add(text)
    return tree
