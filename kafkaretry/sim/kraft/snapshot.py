"""A frozen picture of the control plane for the renderers (`KRaftControlPlane.snapshot`)."""

from __future__ import annotations

from kafkaretry.sim.kraft import views
from kafkaretry.sim.kraft.brokers import BrokerState
from kafkaretry.sim.kraft.controller import MetadataLog
from kafkaretry.sim.kraft.quorum import RaftQuorum
from kafkaretry.sim.kraft.voter import Voter

_ROLES: dict[str, views.ControllerRole] = {
    "leader": "active",
    "follower": "standby",
    "unattached": "standby",
    "prospective": "prospective",
    "candidate": "candidate",
    "resigned": "resigned",
}


def _controller(voter: Voter) -> views.ControllerSnapshot:
    role: views.ControllerRole = _ROLES[voter.role] if voter.alive else "dead"
    return views.ControllerSnapshot(voter.id, role, voter.epoch, voter.voted_for, voter.log_end[1])


def _broker(
    broker: BrokerState, log: MetadataLog, now_ms: int, interval_ms: int
) -> views.BrokerSnapshot:
    seen = broker.hb_anchor_ms is not None or broker.hb_stop_ms is not None
    return views.BrokerSnapshot(
        id=broker.id,
        alive=broker.alive or broker.isolated,  # the process, not whether it is heard
        fenced=log.committed.fenced.get(broker.id, True),
        last_heartbeat_ms=broker.last_contact_ms(now_ms, interval_ms) if seen else None,
        metadata_offset=broker.applied_offset,
        isolated=broker.isolated,
    )


def take_snapshot(
    now_ms: int,
    active: int | None,
    epoch: int,
    quorum: RaftQuorum,
    log: MetadataLog,
    brokers: dict[int, BrokerState],
    interval_ms: int,
) -> views.KRaftSnapshot:
    return views.KRaftSnapshot(
        at_ms=now_ms,
        active_controller=active,
        epoch=epoch,
        high_watermark=log.high_watermark,
        controllers=tuple(_controller(quorum.voters[i]) for i in sorted(quorum.voters)),
        brokers=tuple(_broker(brokers[b], log, now_ms, interval_ms) for b in sorted(brokers)),
        partitions=tuple(log.committed.sorted_partitions()),
    )
