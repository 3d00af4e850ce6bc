"""A graceful stop and the preferred leader's return, as sentences (describe_kraft's helper)."""

from __future__ import annotations

from typing import assert_never

from rich.text import Text

from kafkaretry.sim.kraft.shutdown_events import (
    BrokerInControlledShutdown,
    BrokerShutdownGranted,
    BrokerShutdownRequested,
    BrokerStopped,
    ControlledShutdownPending,
    LeaderImbalanceChecked,
    ShutdownEvent,
)


def _ids(nodes: tuple[int, ...]) -> str:
    return ", ".join(map(str, nodes)) or "none"


def describe_shutdown(event: ShutdownEvent) -> Text:
    match event:
        case BrokerShutdownRequested(broker=b):
            return Text(
                f"broker {b} is asked to stop (SIGTERM): a controlled shutdown "
                "(controlled.shutdown.enable=true); it keeps running and at once sends a "
                "heartbeat with wantShutDown=true",
                style="failure",
            )
        case BrokerInControlledShutdown(broker=b, offset=o):
            return Text(
                f"the active controller puts broker {b} in controlled shutdown (up to metadata "
                f"offset {o}): in the same write, each partition broker {b} leads gets another "
                "in-sync replica as leader, or none (offline) where no other is left, and broker "
                f"{b} leaves each ISR it is in, unless it is the last member; no session timeout "
                "is waited for",
                style="election",
            )
        case ControlledShutdownPending(broker=b, offset=o, behind=behind, still_leads=leads):
            why = (
                "it still leads a partition"
                if leads
                else f"the last heartbeat of broker(s) {_ids(behind)} reported a metadata "
                f"offset below {o}"
            )
            return Text(f"the controller answers broker {b}: not yet (shouldShutDown=false): {why}")
        case BrokerShutdownGranted(broker=b, offset=o, waited_ms=w):
            return Text(
                f"broker {b} leads nothing and every other broker has reported the new leaders: "
                f"the controller fences it (metadata offset {o}) and answers shouldShutDown=true, "
                f"{w} ms after its first wantShutDown heartbeat"
            )
        case BrokerStopped(broker=b):
            return Text(
                f"broker {b}'s process exits after its controlled shutdown; its connections close",
                style="failure",
            )
        case LeaderImbalanceChecked(interval_ms=i, elected=elected):
            moved = ", ".join(f"{t}/partition-{p} → broker {leader}" for t, p, leader in elected)
            return Text(
                "the active controller's preferred-leader check (auto.leader.rebalance.enable, "
                f"every leader.imbalance.check.interval.seconds={i // 1000}) gives leadership "
                f"back to the preferred (first assigned) replica: {moved}",
                style="election",
            )
        case _:
            assert_never(event)
