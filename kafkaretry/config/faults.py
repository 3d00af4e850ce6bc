"""The fault kinds a scenario lists: a discriminated union on `kind`.

An error names the fault kind rather than every arm of the union (pydantic's
discriminated unions); FAULT_KINDS lists the tags as the file spells them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BeforeValidator, Field

from kafkaretry.config.base import (
    INT_MAX,
    Model,
    NodeId,
    NonNegativeLong,
    PositiveInt,
    PositiveLong,
)


class Trigger(Model):
    """An event the fault waits for once it is armed at `at_ms` (it fires at most once).

    sent: attempt `attempt` of the batch holding record `record` leaves the producer;
    appended: its leader appends it; replicated: every live in-sync follower has copied
    that append (with acks=all, before the leader can answer); acknowledged: the producer
    gets record `record`'s acknowledgement; acknowledged-unreplicated: the producer gets an
    acknowledgement, for record `record` or a later one, of an offset that no follower has
    copied yet (possible with acks=1 only: acks=all waits for the ISR, acks=0 has no offset);
    appended-unfetched: the leader appends a batch, of record `record` or a later one, that
    no follower's fetch has carried yet (with acks=1 its answer is already on the wire; with
    acks=all the request waits in purgatory).
    """

    event: Literal[
        "sent",
        "appended",
        "replicated",
        "acknowledged",
        "acknowledged-unreplicated",
        "appended-unfetched",
    ]
    attempt: Annotated[int, Field(ge=1)] = 1
    record: Annotated[int, Field(ge=0)] = 0


class _Fault(Model):
    at_ms: NonNegativeLong = 0  # simulated time, a Java long like Kafka's clocks
    when: Trigger | None = None  # None: strike at at_ms itself


class DropResponse(_Fault):
    """The broker handles the request, but its response is lost on the way back."""

    kind: Literal["drop-response"]
    attempt: PositiveInt = 1


class DropRequest(_Fault):
    """The request is lost on the way to the broker: nothing is appended."""

    kind: Literal["drop-request"]
    attempt: PositiveInt = 1


def _node_or(symbol: str) -> Any:
    """A node id or one symbolic name, with one error message instead of one per union arm."""

    def check(value: Any) -> Any:
        if value == symbol or (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT_MAX
        ):
            return value
        raise ValueError(f"expected a node id (an integer >= 0) or '{symbol}'")

    return BeforeValidator(check)


class CrashBroker(_Fault):
    kind: Literal["crash-broker"]
    # Default: whichever broker leads the record's partition when the fault fires.
    broker: Annotated[int | Literal["partition-leader"], _node_or("partition-leader")] = (
        "partition-leader"
    )


class StopBroker(_Fault):
    """A graceful stop (SIGTERM): controlled shutdown moves its leaderships away first."""

    kind: Literal["stop-broker"]
    broker: Annotated[int | Literal["partition-leader"], _node_or("partition-leader")] = (
        "partition-leader"
    )


class RestartBroker(_Fault):
    """A crashed or stopped broker's process starts again, its logs intact."""

    kind: Literal["restart-broker"]
    broker: NodeId


class CrashController(_Fault):
    kind: Literal["crash-controller"]
    controller: Annotated[int | Literal["active"], _node_or("active")] = "active"


class RestartController(_Fault):
    kind: Literal["restart-controller"]
    controller: NodeId


class IsolateBroker(_Fault):
    """The broker's host drops off the network: a black hole, no TCP reset."""

    kind: Literal["isolate-broker"]
    broker: Annotated[int | Literal["partition-leader"], _node_or("partition-leader")] = (
        "partition-leader"
    )


class Heal(_Fault):
    """The isolated broker's links work again."""

    kind: Literal["heal"]
    broker: NodeId


class SlowBroker(_Fault):
    """Every replica fetch the broker sends (and its answer) takes `delay_ms` longer."""

    kind: Literal["slow-broker"]
    broker: NodeId
    delay_ms: PositiveInt
    duration_ms: PositiveLong | None = None  # None: to the end of the run


FaultModel = (
    DropResponse
    | DropRequest
    | CrashBroker
    | StopBroker
    | RestartBroker
    | CrashController
    | RestartController
    | IsolateBroker
    | Heal
    | SlowBroker
)
Fault = Annotated[FaultModel, Field(discriminator="kind")]
# Each kind's tag, as it appears in the file and in pydantic's error locations.
FAULT_KINDS = frozenset(
    get_args(kind.model_fields["kind"].annotation)[0] for kind in get_args(FaultModel)
)
