"""The broker's cross-checks of its settings: KafkaConfig.validateValues (4.1) refuses to start a
broker whose replica fetch could outlast what waits for it. One setting alone passes its
ConfigDef (replica.fetch.wait.max.ms and replica.lag.time.max.ms have no validator); the pair
does not, and Kafka's own sentence says why.
"""

from __future__ import annotations

from kafkaretry.config import ClusterConfig

# ReplicationConfigs.REPLICA_SOCKET_TIMEOUT_MS_DEFAULT: not a kafkaretry setting, so always this.
REPLICA_SOCKET_TIMEOUT_MS = 30_000


def broker_config_problem(cluster: ClusterConfig, sets: dict[str, str], name: str) -> str | None:
    """The error text (Kafka's require() message, then the values) or None when the broker starts.

    `sets` are the --set values, named in the message when they caused it; otherwise the
    scenario `name` is."""
    wait, lag = cluster.replica_fetch_wait_max_ms, cluster.replica_lag_time_max_ms
    checks = (
        (
            wait <= REPLICA_SOCKET_TIMEOUT_MS,
            "replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to "
            "prevent unnecessary socket timeouts",
            f"here {wait} > {REPLICA_SOCKET_TIMEOUT_MS}, the default replica.socket.timeout.ms",
            ("replica.fetch.wait.max.ms",),
        ),
        (
            wait <= lag,
            "replica.fetch.wait.max.ms should always be less than or equal to "
            "replica.lag.time.max.ms to prevent frequent changes in ISR",
            f"here {wait} > {lag}",
            ("replica.fetch.wait.max.ms", "replica.lag.time.max.ms"),
        ),
    )
    for holds, sentence, values, named in checks:
        if holds:
            continue
        given = [f"{n}={sets[n]}" for n in named if n in sets]
        where = f"--set {', '.join(given)}" if given else f"scenario '{name}'"
        return f"{where}: KafkaConfig refuses to start the broker: {sentence} ({values})"
    return None
