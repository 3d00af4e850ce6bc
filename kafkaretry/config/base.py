"""The base of every scenario-file model: frozen, unknown keys rejected, Kafka's names.

Kafka settings keep Kafka's own names (`request.timeout.ms`, `enable.idempotence`) through
aliases, so the file teaches the real configuration keys; in Python each duration is an
int whose name ends in `_ms`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NonNegativeMs = Annotated[int, Field(ge=0)]
PositiveMs = Annotated[int, Field(gt=0)]
NodeId = Annotated[int, Field(ge=0)]
INT_MAX = 2**31 - 1  # Java Integer.MAX_VALUE, ProducerConfig's default `retries`


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
