"""`kafkaretry partition`: which partition a key lands on, per client, and key files at scale."""

from __future__ import annotations

from typing import Annotated

import typer

from kafkaretry.cli.support import (
    JsonOption,
    KeyType,
    KeyTypeOption,
    ScenariosOption,
    console,
    count_option,
    int_option,
    print_json,
    reported_errors,
    scenarios_path,
)


def partition(
    keys: Annotated[
        list[str] | None,
        typer.Argument(
            help="Key(s) to place. Put `--` before negative numbers, after every option "
            "(everything after `--` is a key).",
            show_default=False,
        ),
    ] = None,
    key_type: KeyTypeOption = KeyType.string,
    topic: Annotated[
        str | None, typer.Option(help="Topic [default: the first in the scenario file].")
    ] = None,
    partitions: Annotated[
        int | None,
        count_option(help="Partition count instead of the topic's (a resize; at most 100000)."),
    ] = None,
    client: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CLIENT[:VARIANT]",
            help="Also show this client's partitioner (repeatable): java, librdkafka, kafka-go, "
            "franz-go, kafka-python, kafkajs, sarama, or CLIENT:VARIANT such as "
            "librdkafka:murmur2_random; all = every client's default, every = every variant.",
            show_default=False,
        ),
    ] = None,
    no_key: Annotated[
        bool, typer.Option("--no-key", help="Explain where a record with a null key goes.")
    ] = False,
    keys_file: Annotated[
        str | None,
        typer.Option(
            "--keys-file",
            help="Place every key of this file: one per line (- reads stdin), CSV, Parquet or "
            "Arrow IPC.",
            show_default=False,
        ),
    ] = None,
    csv_column: Annotated[
        str | None,
        typer.Option(
            "--column",
            "--csv-column",
            help="With --keys-file: take keys from this column (CSV header, Parquet, Arrow IPC).",
            show_default=False,
        ),
    ] = None,
    resize: Annotated[
        list[int] | None,
        count_option(help="With --keys-file: what moves at this partition count (repeatable)."),
    ] = None,
    top: Annotated[int, int_option(low=0, help="With --keys-file: hottest keys to list.")] = 10,
    max_distinct: Annotated[
        int,
        int_option(low=2, help="With --keys-file: distinct keys counted exactly (memory bound)."),
    ] = 2_000_000,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which partition a key lands on, computed as the Java producer does (murmur2)."""
    with reported_errors():
        from kafkaretry.placing import PartitionRequest, run_partition

        request = PartitionRequest(
            tuple(keys or ()),
            key_type.value,
            topic,
            partitions,
            tuple(client or ()),
            no_key,
            keys_file,
            csv_column,
            tuple(resize or ()),
            top,
            max_distinct,
        )
        data, view = run_partition(request, scenarios_path(scenarios), as_json=as_json)
        if view is None:
            print_json(data)
        else:
            console().print(view())
