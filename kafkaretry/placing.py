"""The work behind `kafkaretry partition`: one key, several keys, no key, or a key file.

Returns what to show, as JSON data or as a Rich renderable built on demand, so cli.py only
prints. Nothing here imports Rich on the --json path, nor yaml/pydantic on a warm run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafkaretry.errors import KafkaRetryError
from kafkaretry.loading import load_topology
from kafkaretry.partitioning.clients import client_names
from kafkaretry.topology import TopicSpec


@dataclass(frozen=True, slots=True)
class PartitionRequest:
    keys: tuple[str, ...]
    key_type: str
    topic: str | None
    partitions: int | None
    clients: tuple[str, ...]  # as given: CLIENT, CLIENT:VARIANT, all, every
    no_key: bool
    keys_file: str | None
    csv_column: str | None
    resizes: tuple[int, ...]
    top: int
    max_distinct: int


# (JSON data, or None) and a factory for the human view; exactly one is used.
Output = tuple[Any, Callable[[], Any] | None]


def run_partition(request: PartitionRequest, scenarios: Path, *, as_json: bool) -> Output:
    topic = load_topology(scenarios).topic(request.topic)
    count = request.partitions or len(topic.partitions)
    names = client_names(request.clients)
    if request.keys_file is not None:
        if request.keys or request.no_key:
            raise KafkaRetryError("--keys-file takes no KEY arguments and no --no-key")
        return _keys_file(request, topic.name, count, names, as_json=as_json)
    if request.csv_column is not None or request.resizes:
        raise KafkaRetryError("--column and --resize need --keys-file")
    if request.no_key or not request.keys:
        return _keyless(request, topic, count, names, as_json=as_json)
    return _keys(request, topic, names, as_json=as_json)


def _keyless(
    request: PartitionRequest, topic: TopicSpec, count: int, names: list[str], *, as_json: bool
) -> Output:
    if request.keys:
        raise KafkaRetryError("--no-key takes no KEY arguments")
    if not request.no_key:
        raise KafkaRetryError("give at least one KEY, or --no-key")
    if as_json:
        from kafkaretry.partitioning.keyless import keyless_json

        return keyless_json(topic, count, _keyless_names(request, names)), None

    def view() -> Any:
        from kafkaretry.render.partition import keyless_view

        return keyless_view(topic, count, _keyless_names(request, names))

    return None, view


def _keyless_names(request: PartitionRequest, names: list[str]) -> list[str]:
    """The clients asked for; with none, every client's default (the usual question)."""
    return names if request.clients else client_names(["all"])


def _keys(
    request: PartitionRequest, topic: TopicSpec, names: list[str], *, as_json: bool
) -> Output:
    from kafkaretry.partitioning.placement import place_key

    placed = [
        place_key(topic, k, request.key_type, partitions=request.partitions, clients=names)
        for k in request.keys
    ]
    if as_json:
        return (placed[0].to_json() if len(placed) == 1 else [p.to_json() for p in placed]), None

    def view() -> Any:
        from kafkaretry.render.partition import placement_view, summary_table

        return placement_view(placed[0]) if len(placed) == 1 else summary_table(placed)

    return None, view


def _keys_file(
    request: PartitionRequest, topic: str, partitions: int, clients: list[str], *, as_json: bool
) -> Output:
    """Stream the file once, then show the spread (or return it as JSON)."""
    from kafkaretry.partitioning.distribution import analyse
    from kafkaretry.partitioning.keysource import KeySource
    from kafkaretry.partitioning.tally import Plan
    from kafkaretry.render.progress import LazyProgress

    assert request.keys_file is not None
    source = KeySource(request.keys_file, request.key_type, request.csv_column)
    others = tuple(c for c in clients if c != "java")
    plan = Plan(partitions, tuple(dict.fromkeys(request.resizes)), others)
    with LazyProgress(f"reading {source.name}") as progress:
        dist = analyse(
            source,
            topic,
            plan,
            top=request.top,
            max_distinct=request.max_distinct,
            progress=progress,
        )
    if as_json:
        return dist.to_json(), None

    def view() -> Any:
        from kafkaretry.render.distribution import distribution_view

        return distribution_view(dist)

    return None, view
