"""`kafkaretry partition` views: the hash stage by stage, the partition's replicas, clients."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from kafkaretry.partitioning.clients import resolve
from kafkaretry.partitioning.keyless import null_key_rule
from kafkaretry.partitioning.keys import KEY_TYPES
from kafkaretry.partitioning.murmur2 import SEED, Murmur2Trace, java_partition
from kafkaretry.partitioning.placement import KeyPlacement
from kafkaretry.render.readable import no_cut, prose, short_text, spaced_bytes
from kafkaretry.topology import TopicSpec

SHOWN_BLOCKS = 4  # longer keys show the first blocks and the last one


def _hex32(value: int) -> str:
    return f"0x{value & 0xFFFFFFFF:08x}"


def _spaced(data: bytes) -> str:
    return spaced_bytes(data)


def _murmur_rows(table: Table, trace: Murmur2Trace) -> None:
    length = len(trace.data)
    table.add_row("", "init", f"seed {_hex32(SEED)} ^ length {length}", _hex32(trace.h_init))
    blocks = trace.blocks
    shown = blocks if len(blocks) <= SHOWN_BLOCKS + 1 else (*blocks[:SHOWN_BLOCKS], blocks[-1])
    for block in shown:
        if block is blocks[-1] and len(shown) < len(blocks):
            skipped = len(blocks) - len(shown)
            table.add_row("", "", Text(f"… {skipped} more blocks …", style="muted"), "")
        table.add_row(
            "",
            f"block {block.index}",
            f"{_spaced(block.data)} → k {_hex32(block.k_raw)} → mixed {_hex32(block.k_mixed)}",
            _hex32(block.h_after),
        )
    tail = (
        f"{_spaced(trace.tail)} ({len(trace.tail)} byte(s)), then h *= m"
        if trace.tail
        else ("no tail bytes: nothing to mix")
    )
    table.add_row("", "tail", tail, _hex32(trace.h_after_tail))
    for label, value in trace.final_steps:
        table.add_row("", "final", label, _hex32(value))


def stage_table(placement: KeyPlacement) -> Table:
    """Key bytes → murmur2 → signed int → toPositive → modulo → partition."""
    trace = placement.murmur
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("#", style="stage", justify="right")
    table.add_column("stage", style="stage")
    table.add_column("what happens")
    table.add_column("result", style="value", no_wrap=True)
    serializer = KEY_TYPES[placement.key_type].serializer
    table.add_row(
        "1",
        "serialize",
        f"{short_text(placement.shown_key)} with {serializer}",
        f"{len(placement.key_bytes)} byte{'' if len(placement.key_bytes) == 1 else 's'}",
    )
    table.add_row("", "bytes", Text(_spaced(placement.key_bytes), style="hex"), "")
    table.add_row("2", "murmur2", "Utils.murmur2: 4-byte blocks read little-endian", "")
    _murmur_rows(table, trace)
    table.add_row("3", "as int", "the 32 bits read as a signed Java int", str(trace.signed))
    table.add_row(
        "4", "toPositive", "& 0x7fffffff clears the sign bit (not Math.abs)", str(trace.positive)
    )
    table.add_row(
        "5",
        "modulo",
        f"{trace.positive} % {placement.partitions} partitions",
        Text(f"partition {placement.partition}", style="partition"),
    )
    return no_cut(table)


def _no_assignment(placement: KeyPlacement) -> str:
    if placement.partitions < placement.existing_partitions:
        return (
            f"Kafka cannot shrink a topic: {placement.existing_partitions} partitions stay "
            f"{placement.existing_partitions}. This is where the key would go in a topic "
            f"created with {placement.partitions}."
        )
    return (
        f"does not exist yet: the topic has {placement.existing_partitions} partitions; after "
        f"a resize to {placement.partitions} the controller assigns its replicas"
    )


def partition_tree(placement: KeyPlacement) -> Tree:
    """The partition the key lands on: leader, replicas in assignment order, ISR."""
    tree = Tree(Text(placement.topic, style="value"))
    node = tree.add(Text(f"partition-{placement.partition}", style="partition"))
    spec = placement.spec
    if spec is None:
        node.add(Text(_no_assignment(placement), style="warning"))
        return tree
    node.add(Text(f"leader: broker {spec.leader}", style="leader"))
    node.add(f"replicas: {', '.join(map(str, spec.replicas))} (assignment order)")
    node.add(f"ISR: {', '.join(map(str, spec.isr))}")
    return tree


def clients_table(placements: Sequence[KeyPlacement]) -> Group:
    """One row per client partitioner, one column per key; cells unlike java's are flagged."""
    names = list(placements[0].clients)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, title="partition per client")
    table.add_column("client", no_wrap=True)
    for p in placements:
        table.add_column(short_text(p.shown_key), justify="right", overflow="fold")
    table.add_column("vs java", no_wrap=True)
    for name in names:
        partitioner = resolve(name)
        cells: list[Text] = []
        differ = 0
        for p in placements:
            value = p.clients[name]
            differs = value != p.clients["java"]
            differ += differs
            shown = partitioner.unkeyed if value is None else str(value)
            cells.append(Text(shown, style="warning" if differs else "partition"))
        verdict = _vs_java(differ, len(placements)) if name != "java" else ""
        table.add_row(name, *cells, verdict)
    legend = Table(box=None, show_header=False, pad_edge=False)
    legend.add_column(style="muted", no_wrap=True)
    legend.add_column(style="muted")
    for name in names:
        legend.add_row(name, resolve(name).algorithm)
    warnings = [
        Text(f"{name} {resolve(name).warning}", style="warning")
        for name in names
        if resolve(name).warning
    ]
    return Group(no_cut(table), legend, *map(prose, warnings))


def _vs_java(differ: int, keys: int) -> Text:
    if not differ:
        return Text("same", style="ack")
    if keys == 1:
        return Text("differs", style="warning")
    return Text(f"{differ} of {keys} differ", style="warning")


def placement_view(placement: KeyPlacement) -> Group:
    """The whole single-key story."""
    header = Text.assemble(
        ("key ", "muted"),
        (short_text(placement.shown_key), "value"),
        (f" ({placement.key_type}) → topic ", "muted"),
        (placement.topic, "value"),
        (f", {placement.partitions} partitions", "muted"),
    )
    parts: list[RenderableType] = [prose(header), stage_table(placement), partition_tree(placement)]
    if len(placement.clients) > 1:
        parts.append(clients_table([placement]))
    return Group(*parts)


def summary_table(placements: Sequence[KeyPlacement]) -> Group:
    """Several keys: one row each."""
    first = placements[0]
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title=f"{first.topic}: {first.partitions} partitions, key type {first.key_type}",
    )
    for name, justify in (
        ("key", "left"),
        ("key bytes", "left"),
        ("murmur2", "right"),
        ("toPositive", "right"),
        ("partition", "right"),
        ("leader", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for p in placements:
        table.add_row(
            short_text(p.shown_key),
            Text(_spaced(p.key_bytes), style="hex"),
            str(p.murmur.signed),
            str(p.murmur.positive),
            Text(str(p.partition), style="partition"),
            f"broker {p.spec.leader}" if p.spec else "-",
        )
    parts: list[RenderableType] = [no_cut(table)]
    if len(first.clients) > 1:
        parts.append(clients_table(placements))
    return Group(*parts)


def keyless_view(topic: TopicSpec, partitions: int, names: list[str]) -> Group:
    """--no-key: there is no hash; the built-in partitioner picks (KIP-480 → KIP-794)."""
    tree = Tree(Text(f"record with a null key → topic {topic.name}", style="value"))
    java = tree.add(Text("Java producer 4.x (no partitioner.class set)", style="stage"))
    java.add("no hash: the partition is chosen when the record is appended to a batch")
    java.add("sticky: keep one partition until batch.size (16384) bytes have gone to it (KIP-794)")
    java.add(
        "next partition: weighted random among partitions with a leader, favouring "
        "shorter queues (partitioner.adaptive.partitioning.enable=true)"
    )
    java.add("not round-robin, and not per record: slow brokers get less, not more")
    others = tree.add(Text("other clients", style="stage"))
    for name in names:
        if name != "java":
            others.add(f"{name}: {null_key_rule(name, partitions)}")
    note = Text(
        f"An empty key is not a null key: Java hashes the zero-length array "
        f"(partition {java_partition(b'', partitions)} of {partitions}).",
        style="note",
    )
    return Group(prose(tree), prose(note))
