"""Options the commands share, declared once: Java integers parsed as Kafka parses them."""

from __future__ import annotations

from functools import partial
from typing import Any

import typer

from kafkaretry.topology import MAX_PARTITIONS

LONG_MAX = 2**63 - 1


def int_option(*decls: str, low: int, high: int = 2**31 - 1, kind: str = "INT", **kw: Any) -> Any:
    """An option holding a Java integer in [low, high]; errors echo at most 40 characters."""

    def parse(text: str) -> int:
        from kafkaretry.javanum import parse_java_integer, shown

        try:
            return parse_java_integer(text, kind, low, high)
        except ValueError as exc:
            raise typer.BadParameter(f"{shown(text)}: {exc}") from None

    return typer.Option(*decls, parser=parse, metavar="<int>", **kw)


long_option = partial(int_option, high=LONG_MAX, kind="LONG")
count_option = partial(int_option, low=1, high=MAX_PARTITIONS)
