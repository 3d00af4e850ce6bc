"""The `--fast` profile: every time-related Kafka setting divided by one factor.

Real runs take wall-clock time (a lost response costs request.timeout.ms, 30 s by default; a
dead broker is fenced after broker.session.timeout.ms, 9 s). `--fast` turns the scenario's
effective values into `--set NAME=VALUE` overrides, applied identically to the simulation and
the real cluster, so that both tell the same story in seconds. Fault times (`at_ms`) and the
network model are left alone, and so is linger.ms: they are on the scale of one record's
flight (a few ms), not of a timeout, and a scenario's fault times are placed by them (broker-
down's crash at 13 ms falls between the followers' copy and the leader's answer).
"""

from __future__ import annotations

from collections.abc import Mapping

FAST_FACTOR = 5
# Every setting whose unit is time, by its Kafka name: ProducerConfig, then the KRaft and
# broker settings of the scenario file (ClusterConfig). Sizes, counts and flags are not scaled.
TIME_SETTINGS = (
    "request.timeout.ms",
    "delivery.timeout.ms",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "reconnect.backoff.ms",
    "reconnect.backoff.max.ms",
    "metadata.max.age.ms",
    "broker.heartbeat.interval.ms",
    "broker.session.timeout.ms",
    "controller.quorum.fetch.timeout.ms",
    "controller.quorum.election.timeout.ms",
    "controller.quorum.election.backoff.max.ms",
    "controller.quorum.request.timeout.ms",
    "controller.quorum.append.linger.ms",
    "controller.quorum.retry.backoff.ms",
    "metadata.max.idle.interval.ms",
    "replica.lag.time.max.ms",
    "replica.fetch.wait.max.ms",
)


def scaled_overrides(effective: Mapping[str, object], factor: int = FAST_FACTOR) -> list[str]:
    """`NAME=VALUE` for each time setting of `effective`, divided by `factor` (rounded, ≥ 1;
    0 stays 0, as linger.ms=0 means "send at once")."""
    out = []
    for name in TIME_SETTINGS:
        value = effective.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            scaled = 0 if value == 0 else max(1, round(value / factor))
            out.append(f"{name}={scaled}")
    return out
