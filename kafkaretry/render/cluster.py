"""The cluster as a tree: brokers → partitions (role, epoch, HW, ISR) → log offsets."""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree

from kafkaretry.sim.snapshot import ClusterSnapshot, ReplicaView

MAX_OFFSETS = 6  # longer logs show their first and last entries


def _replica_label(r: ReplicaView) -> Text:
    role = "leader" if r.is_leader else f"follower of {r.leader}"
    return Text.assemble(
        (f"partition-{r.partition}", "partition"),
        (f"  {role}", "leader" if r.is_leader else "muted"),
        (f", epoch {r.leader_epoch}, log end {r.log_end_offset}, HW {r.high_watermark}", "muted"),
        (f", ISR {list(r.isr)}" if r.is_leader else "", "muted"),
    )


def _entry_text(r: ReplicaView, index: int, keys: dict[int, str]) -> Text:
    e = r.log[index]
    pid = f"producer {e.producer_id} seq {e.sequence}" if e.producer_id >= 0 else "no producer id"
    committed = "" if e.offset < r.high_watermark else "  (above HW: not yet visible)"
    return Text.assemble(
        (f"offset {e.offset}: ", "value"),
        f"record {e.record} (key {keys.get(e.record, '?')}), batch {e.batch}, {pid}",
        (committed, "warning"),
    )


def cluster_tree(
    snapshot: ClusterSnapshot, *, topic: str, keys: dict[int, str], title: str
) -> Tree:
    """Every broker's replicas of `topic` with their logs; `keys` labels record ids."""
    tree = Tree(Text(title, style="stage"))
    for broker in snapshot.brokers:
        state = ("alive", "leader") if broker.alive else ("DOWN", "failure")
        node = tree.add(Text.assemble((f"broker {broker.id} ", "value"), state))
        for r in broker.replicas:
            if r.topic != topic:
                continue
            branch = node.add(_replica_label(r))
            shown = list(range(len(r.log)))
            if len(shown) > MAX_OFFSETS:
                shown = [*shown[: MAX_OFFSETS - 1], shown[-1]]
            for position, index in enumerate(shown):
                if position == MAX_OFFSETS - 1 and index != position:
                    branch.add(Text(f"… {index - position} more …", style="muted"))
                branch.add(_entry_text(r, index, keys))
    return tree
