"""Kafka's wire vocabulary shared by the client and the brokers: error codes and batch fields.

Error names are those of `org.apache.kafka.common.protocol.Errors`; REQUEST_TIMED_OUT and
NETWORK_EXCEPTION also name the client-side failures that never reach a broker's answer
(a request timeout, a reset connection), as the Java client reports them.
"""

from __future__ import annotations

from typing import Final

NONE: Final = "NONE"
REQUEST_TIMED_OUT: Final = "REQUEST_TIMED_OUT"
NETWORK_EXCEPTION: Final = "NETWORK_EXCEPTION"
NOT_LEADER_OR_FOLLOWER: Final = "NOT_LEADER_OR_FOLLOWER"
NOT_ENOUGH_REPLICAS: Final = "NOT_ENOUGH_REPLICAS"
OUT_OF_ORDER_SEQUENCE_NUMBER: Final = "OUT_OF_ORDER_SEQUENCE_NUMBER"
# LogValidator.validateKey: a compacted topic refuses a record without a key; not retriable.
INVALID_RECORD: Final = "INVALID_RECORD"

NO_PRODUCER_ID: Final = -1  # RecordBatch.NO_PRODUCER_ID
NO_SEQUENCE: Final = -1  # RecordBatch.NO_SEQUENCE
