"""The proxy's decoding, on frames written by kio's own writers (Kafka's message schemas)."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import pytest
from kio.records.schema import NewRecordBatch, Record
from kio.records.writers import write_batch
from kio.schema.errors import ErrorCode
from kio.schema.metadata.v12.request import MetadataRequest
from kio.schema.metadata.v12.response import (
    MetadataResponse,
    MetadataResponseBroker,
    MetadataResponsePartition,
    MetadataResponseTopic,
)
from kio.schema.produce.v11.request import PartitionProduceData, ProduceRequest, TopicProduceData
from kio.schema.produce.v11.response import (
    PartitionProduceResponse,
    ProduceResponse,
    TopicProduceResponse,
)
from kio.schema.request_header.v2.header import RequestHeader
from kio.schema.response_header.v1.header import ResponseHeader
from kio.schema.types import BrokerId, TopicName
from kio.serial import entity_writer
from kio.static.primitive import Records, TZAwareMicros, i8, i16, i32, i32Timedelta, i64

from kafkaretry.lab import wire

TOPIC = TopicName("kafka-study-topic")
CLIENT = "kafkaretry-lab-producer"


def _batch(producer_id: int, sequence: int) -> Records:
    out = io.BytesIO()
    record = Record(
        attributes=i8(0),
        timestamp=TZAwareMicros.parse(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
        offset=i64(0),
        key=b"\x00\x00\x00\x01",  # IntegerSerializer(1)
        value=b"x" * 100,
        headers=(),
    )
    write_batch(
        out,
        NewRecordBatch(
            producer_id=i64(producer_id),
            producer_epoch=i16(0),
            base_sequence=i32(sequence),
            attributes=i16(0),
            records=(record,),
        ),
    )
    return Records(out.getvalue())


def _request(api_key: int, version: int, body: Any, body_type: Any) -> bytes:
    out = io.BytesIO()
    header = RequestHeader(
        request_api_key=i16(api_key),
        request_api_version=i16(version),
        correlation_id=i32(7),
        client_id=CLIENT,
    )
    entity_writer(RequestHeader)(out, header)
    entity_writer(body_type)(out, body)
    return out.getvalue()


def _response(body: Any, body_type: Any) -> bytes:
    out = io.BytesIO()
    entity_writer(ResponseHeader)(out, ResponseHeader(correlation_id=i32(7)))
    entity_writer(body_type)(out, body)
    return out.getvalue()


def test_a_produce_request_gives_topic_partition_producer_id_and_sequence() -> None:
    request = ProduceRequest(
        acks=i16(-1),
        timeout=i32Timedelta.parse(datetime.timedelta(seconds=30)),
        topic_data=(
            TopicProduceData(
                name=TOPIC,
                partition_data=(PartitionProduceData(index=i32(0), records=_batch(1000, 0)),),
            ),
        ),
    )
    frame = _request(0, 11, request, ProduceRequest)
    info, body = wire.request_info(frame)
    assert info == wire.RequestInfo(0, 11, 7, CLIENT)
    assert wire.produce_batches(info, frame, body, {}) == [
        wire.ProducedBatch(TOPIC, 0, 1000, 0, 0, 1)
    ]


def test_a_non_idempotent_batch_has_producer_id_and_sequence_minus_one() -> None:
    request = ProduceRequest(
        acks=i16(1),
        timeout=i32Timedelta.parse(datetime.timedelta(seconds=30)),
        topic_data=(
            TopicProduceData(
                name=TOPIC,
                partition_data=(PartitionProduceData(index=i32(2), records=_batch(-1, -1)),),
            ),
        ),
    )
    frame = _request(0, 11, request, ProduceRequest)
    info, body = wire.request_info(frame)
    assert wire.produce_batches(info, frame, body, {}) == [
        wire.ProducedBatch(TOPIC, 2, -1, 0, -1, 1)
    ]


def test_a_produce_response_gives_kafkas_error_name_and_offset() -> None:
    body = ProduceResponse(
        responses=(
            TopicProduceResponse(
                name=TOPIC,
                partition_responses=(
                    PartitionProduceResponse(
                        index=i32(0),
                        error_code=ErrorCode.none,
                        base_offset=i64(0),
                        record_errors=(),
                    ),
                    PartitionProduceResponse(
                        index=i32(1),
                        error_code=ErrorCode.not_leader_or_follower,
                        base_offset=i64(-1),
                        record_errors=(),
                    ),
                ),
            ),
        ),
    )
    info = wire.RequestInfo(0, 11, 7, CLIENT)
    assert wire.produce_answers(info, _response(body, ProduceResponse), {}) == [
        wire.PartitionAnswer(TOPIC, 0, "NONE", 0),
        wire.PartitionAnswer(TOPIC, 1, "NOT_LEADER_OR_FOLLOWER", -1),
    ]


def test_a_metadata_answer_gives_leaders_and_teaches_topic_ids() -> None:
    topic_id = uuid.UUID("7c8e6f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6")
    body = MetadataResponse(
        throttle_time=i32Timedelta.parse(datetime.timedelta(0)),
        brokers=(MetadataResponseBroker(node_id=BrokerId(4), host="127.0.0.1", port=i32(9092)),),
        cluster_id="lab",
        controller_id=BrokerId(4),
        topics=(
            MetadataResponseTopic(
                error_code=ErrorCode.none,
                name=TOPIC,
                topic_id=topic_id,
                partitions=(
                    MetadataResponsePartition(
                        error_code=ErrorCode.none,
                        partition_index=i32(0),
                        leader_id=BrokerId(5),
                        leader_epoch=i32(1),
                        replica_nodes=(BrokerId(4), BrokerId(5), BrokerId(6)),
                        isr_nodes=(BrokerId(5), BrokerId(6)),
                    ),
                ),
            ),
        ),
    )
    names: dict[uuid.UUID, str] = {}
    info = wire.RequestInfo(3, 12, 7, CLIENT)
    assert wire.metadata_leaders(info, _response(body, MetadataResponse), names) == [
        wire.LeaderSeen(TOPIC, 0, 5, 1)
    ]
    assert names == {topic_id: TOPIC}


def test_a_metadata_request_header_is_read_and_an_unknown_api_is_refused() -> None:
    frame = _request(
        3,
        12,
        MetadataRequest(topics=None, include_topic_authorized_operations=False),
        MetadataRequest,
    )
    assert wire.request_info(frame)[0] == wire.RequestInfo(3, 12, 7, CLIENT)
    unknown = (999).to_bytes(2, "big") + (0).to_bytes(2, "big") + b"\x00" * 8
    with pytest.raises(ValueError, match=r"^api key 999 v0 is unknown to kio$"):
        wire.request_info(unknown)
