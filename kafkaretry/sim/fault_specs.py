"""The faults a simulation installs, as frozen data (faults/handlers.py gives them effect).

`when` makes a fault wait, once armed at its at_ms, for an event of the run (faults/triggers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TriggerEvent = Literal[
    "sent",
    "appended",
    "replicated",
    "acknowledged",
    "acknowledged-unreplicated",
    "appended-unfetched",
]


@dataclass(frozen=True, slots=True)
class When:
    """A fault that waits, once armed at its at_ms, for an event of the run (faults/triggers.py).

    `attempt` counts the produce attempts of the batch holding record `record`.
    """

    event: TriggerEvent
    attempt: int = 1
    record: int = 0


@dataclass(frozen=True, slots=True)
class DropResponse:
    """The broker handles attempt `attempt`, but its produce response is lost on the way back."""

    attempt: int = 1
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class DropRequest:
    """Attempt `attempt`'s produce request is lost on the way to the broker."""

    attempt: int = 1
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class CrashBroker:
    broker: int | Literal["partition-leader"] = "partition-leader"
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class StopBroker:
    """A graceful stop (SIGTERM): the broker asks for a controlled shutdown and exits once the
    active controller has moved its leaderships and answers shouldShutDown."""

    broker: int | Literal["partition-leader"] = "partition-leader"
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class RestartBroker:
    broker: int
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class CrashController:
    controller: int | Literal["active"] = "active"
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class RestartController:
    controller: int
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class IsolateBroker:
    """The broker's host drops off the network: every message to or from it vanishes."""

    broker: int | Literal["partition-leader"] = "partition-leader"
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class Heal:
    broker: int
    at_ms: int = 0
    when: When | None = None


@dataclass(frozen=True, slots=True)
class SlowBroker:
    """Every replica fetch from `broker` and its answer take `delay_ms` longer."""

    broker: int
    delay_ms: int
    duration_ms: int | None = None
    at_ms: int = 0
    when: When | None = None


Fault = (
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
