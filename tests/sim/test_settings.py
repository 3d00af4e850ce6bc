"""The Java producer's config rules (ProducerConfig, KafkaProducer.configureDeliveryTimeout)."""

from __future__ import annotations

import dataclasses

import pytest

from kafkaretry.errors import ConfigError
from kafkaretry.sim.settings import ProducerSettings, effective_producer

DEFAULTS = ProducerSettings(
    acks=-1,
    enable_idempotence=None,
    retries=2**31 - 1,
    max_in_flight=5,
    request_timeout_ms=30_000,
    delivery_timeout_ms=120_000,
    linger_ms=5,
    batch_size=16_384,
    retry_backoff_ms=100,
    retry_backoff_max_ms=1_000,
    reconnect_backoff_ms=50,
    reconnect_backoff_max_ms=1_000,
    metadata_max_age_ms=300_000,
)


def settings(**changes: object) -> ProducerSettings:
    return dataclasses.replace(DEFAULTS, **changes)  # type: ignore[arg-type]


def test_defaults_are_idempotent_without_notes() -> None:
    eff = effective_producer(DEFAULTS)
    assert eff.idempotence is True
    assert eff.adjustments == ()


@pytest.mark.parametrize(
    ("changes", "note"),
    [
        ({"acks": 1}, ("idempotence-disabled", "acks", "1")),
        ({"acks": 0}, ("idempotence-disabled", "acks", "0")),
        ({"retries": 0}, ("idempotence-disabled", "retries", "0")),
    ],
)
def test_conflict_silently_disables_unset_idempotence(
    changes: dict[str, object], note: tuple[str, str, str]
) -> None:
    eff = effective_producer(settings(**changes))
    assert eff.idempotence is False
    assert eff.adjustments == (note,)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"acks": 1},
            "Must set acks to all in order to use the idempotent producer. "
            "Otherwise we cannot guarantee idempotence.",
        ),
        ({"retries": 0}, "Must set retries to non-zero when using the idempotent producer."),
        (
            {"max_in_flight": 6},
            "To use the idempotent producer, max.in.flight.requests.per.connection must be set "
            "to at most 5. Current value is 6.",
        ),
    ],
)
def test_explicit_idempotence_conflicts_raise_kafkas_message(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        effective_producer(settings(enable_idempotence=True, **changes))
    assert info.value.kafka_message == message


def test_in_flight_above_five_raises_even_when_idempotence_is_only_default() -> None:
    with pytest.raises(ConfigError, match=r"at most 5\. Current value is 10\."):
        effective_producer(settings(max_in_flight=10))


def test_in_flight_above_five_is_fine_without_idempotence() -> None:
    assert (
        effective_producer(settings(enable_idempotence=False, max_in_flight=10)).max_in_flight == 10
    )


def test_low_delivery_timeout_is_raised_when_not_set() -> None:
    eff = effective_producer(settings(delivery_timeout_ms=1_000))
    assert eff.delivery_timeout_ms == 30_005
    assert eff.adjustments == (("delivery-timeout-raised", "delivery.timeout.ms", "30005"),)


def test_low_delivery_timeout_set_explicitly_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        effective_producer(
            settings(delivery_timeout_ms=1_000, explicit=frozenset({"delivery.timeout.ms"}))
        )
    assert info.value.kafka_message == (
        "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"
    )


def test_cluster_settings_speak_the_file_s_names() -> None:
    from kafkaretry.config import ClusterConfig
    from kafkaretry.scenario import cluster_settings

    config = ClusterConfig.model_validate(
        {"broker.session.timeout.ms": 6_000, "controller.quorum.fetch.timeout.ms": 1_500}
    )
    expected = {
        field.alias: getattr(config, name) for name, field in ClusterConfig.model_fields.items()
    }
    assert cluster_settings(config).kafka_names() == expected
