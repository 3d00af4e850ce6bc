"""The base of every scenario-file model: frozen, unknown keys rejected, Kafka's names.

Kafka settings keep Kafka's own names (`request.timeout.ms`, `enable.idempotence`) through
aliases, so the file teaches the real configuration keys; in Python each duration is an
int whose name ends in `_ms`.

Numbers and booleans are parsed as Kafka's ConfigDef.parseType parses them, from the file
or from `--set` text: an INT or LONG is `Integer.parseInt`/`Long.parseLong` syntax (an
optional sign and ASCII digits, nothing else: no `1_000`, no `1e3`, no `true`) within the
Java type's range; a BOOLEAN is `true` or `false`, in any case (never `yes` or `1`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from kafkaretry.javanum import INT_MAX, LONG_MAX, parse_java_integer, shown

__all__ = ["INT_MAX", "LONG_MAX", "Model", "shown"]


def _java_number(kind: str, low: int, high: int, why: str = "") -> BeforeValidator:
    return BeforeValidator(lambda value: parse_java_integer(value, kind, low, high, why))


def _java_boolean(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text not in ("true", "false"):
            raise ValueError("expected true or false (type BOOLEAN)")
        return text == "true"
    if value is not None and not isinstance(value, bool):
        raise ValueError("expected true or false (type BOOLEAN)")
    return value


NonNegativeInt = Annotated[int, _java_number("INT", 0, INT_MAX)]
PositiveInt = Annotated[int, _java_number("INT", 1, INT_MAX)]
NonNegativeLong = Annotated[int, _java_number("LONG", 0, LONG_MAX)]
PositiveLong = Annotated[int, _java_number("LONG", 1, LONG_MAX)]
# Settings whose ConfigDef has no validator (KRaftConfigs' heartbeat and session, the
# replication and connection-setup timeouts): Kafka takes any value of the type, but a
# zero or negative interval would make the model's timer fire forever at one instant.
_NO_KAFKA_BOUND = " (kafkaretry's bound: Kafka's ConfigDef sets none)"
ModelPositiveInt = Annotated[int, _java_number("INT", 1, INT_MAX, _NO_KAFKA_BOUND)]
ModelNonNegativeInt = Annotated[int, _java_number("INT", 0, INT_MAX, _NO_KAFKA_BOUND)]
ModelPositiveLong = Annotated[int, _java_number("LONG", 1, LONG_MAX, _NO_KAFKA_BOUND)]
# metadata.max.idle.interval.ms: MetadataLogConfig allows 0, which
# KafkaConfig.metadataMaxIdleIntervalNs turns into "no NoOpRecord at all"; the model's quorum
# timing is built on those records.
IdleIntervalMs = Annotated[
    int,
    _java_number(
        "INT", 1, INT_MAX, " (kafkaretry's bound: Kafka takes 0 as no NoOpRecord, not modelled)"
    ),
]
JavaBoolean = Annotated[bool, BeforeValidator(_java_boolean)]
NonNegativeMs = NonNegativeInt
PositiveMs = PositiveInt
NodeId = NonNegativeInt  # node.id: an INT, at least 0


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
