"""Reading the Kafka protocol off the wire with kio (generated from Kafka's message schemas).

A frame is what follows the 4-byte size prefix. Requests start with a RequestHeader (v1, or
v2 for flexible versions: both begin api_key, api_version, correlation_id, client_id);
responses start with a ResponseHeader (v0, or v1 with tagged fields), and only the
correlation id says which request they answer. Produce requests carry v2 record batches
(DefaultRecordBatch): producer id, epoch and base sequence are what idempotence compares.
Produce v13 (KIP-516) names topics by id; the Metadata answers the proxy has seen map ids to
names.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from kio.index import KioIndexError, load_request_schema, load_response_schema
from kio.records.readers import read_batch
from kio.schema.errors import ErrorCode
from kio.serial import entity_reader
from kio.serial.readers import read_int16

PRODUCE, METADATA = 0, 3  # ApiKeys.PRODUCE, ApiKeys.METADATA


@dataclass(frozen=True, slots=True)
class RequestInfo:
    api_key: int
    api_version: int
    correlation_id: int
    client_id: str | None


@dataclass(frozen=True, slots=True)
class ProducedBatch:
    """One record batch of a ProduceRequest, as the broker will see it."""

    topic: str
    partition: int
    producer_id: int  # -1 without idempotence
    producer_epoch: int
    base_sequence: int  # -1 without idempotence
    records: int


@dataclass(frozen=True, slots=True)
class PartitionAnswer:
    """One partition of a ProduceResponse: Kafka's error name and the batch's offset."""

    topic: str
    partition: int
    error: str
    base_offset: int


@dataclass(frozen=True, slots=True)
class LeaderSeen:
    """One partition of a MetadataResponse: who the answering broker says leads it."""

    topic: str
    partition: int
    leader: int
    leader_epoch: int


def _schema(kind: str, api_key: int, version: int) -> Any:
    try:
        loader = load_request_schema if kind == "request" else load_response_schema
        return loader(api_key, version)
    except KioIndexError:
        return None  # an API kio does not know: forwarded, never decoded


def request_info(frame: bytes) -> tuple[RequestInfo, int]:
    """The request's header and where its body starts (ValueError for an unknown API)."""
    api_key, _ = read_int16(frame, 0)
    version, _ = read_int16(frame, 2)
    schema = _schema("request", api_key, version)
    if schema is None:
        raise ValueError(f"api key {api_key} v{version} is unknown to kio")
    header, size = entity_reader(schema.__header_schema__)(frame, 0)
    return RequestInfo(api_key, version, header.correlation_id, header.client_id), size


def response_correlation_id(frame: bytes) -> int:
    return int.from_bytes(frame[:4], "big", signed=True)


def produce_batches(
    info: RequestInfo, frame: bytes, offset: int, names: dict[uuid.UUID, str]
) -> list[ProducedBatch]:
    """Every record batch of a ProduceRequest body."""
    request, _ = entity_reader(_schema("request", PRODUCE, info.api_version))(frame, offset)
    out = []
    for topic in request.topic_data:
        name = _topic_name(topic, names)
        for part in topic.partition_data:
            if not part.records:
                continue
            batch, _ = read_batch(bytes(part.records), 0)
            out.append(
                ProducedBatch(
                    name,
                    int(part.index),
                    int(batch.producer_id),
                    int(batch.producer_epoch),
                    int(batch.base_sequence),
                    len(batch.records),
                )
            )
    return out


def _topic_name(entity: Any, names: dict[uuid.UUID, str]) -> str:
    name = getattr(entity, "name", None)
    if name is not None:
        return str(name)
    topic_id = getattr(entity, "topic_id", None)
    return names.get(topic_id, str(topic_id)) if topic_id is not None else "?"


def _response(info: RequestInfo, frame: bytes) -> Any:
    schema = _schema("response", info.api_key, info.api_version)
    _, size = entity_reader(schema.__header_schema__)(frame, 0)
    body, _ = entity_reader(schema)(frame, size)
    return body


def produce_answers(
    info: RequestInfo, frame: bytes, names: dict[uuid.UUID, str]
) -> list[PartitionAnswer]:
    """Every partition of a ProduceResponse, with Kafka's error name (NONE on success)."""
    body = _response(info, frame)
    return [
        PartitionAnswer(
            _topic_name(topic, names),
            int(part.index),
            ErrorCode(part.error_code).name.upper(),
            int(part.base_offset),
        )
        for topic in body.responses
        for part in topic.partition_responses
    ]


def metadata_leaders(
    info: RequestInfo, frame: bytes, names: dict[uuid.UUID, str]
) -> list[LeaderSeen]:
    """Every partition leader a MetadataResponse names; learns topic ids into `names`."""
    body = _response(info, frame)
    out = []
    for topic in body.topics:
        if topic.name is not None and getattr(topic, "topic_id", None) is not None:
            names[topic.topic_id] = str(topic.name)
        out += [
            LeaderSeen(
                str(topic.name),
                int(p.partition_index),
                int(p.leader_id),
                int(getattr(p, "leader_epoch", -1)),  # Metadata v7+ (KIP-320)
            )
            for p in topic.partitions
        ]
    return out
