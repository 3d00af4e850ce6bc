"""`kafkaretry settings`: every setting `--set` and the scenario file accept, as data."""

from __future__ import annotations

from typing import Any


def settings_rows() -> list[dict[str, Any]]:
    """[{name, section, default, unit, meaning}] in the order of the schema's models.

    `default` is Kafka 4.1's default as the schema holds it (None for enable.idempotence:
    unset, so Kafka's rules decide)."""
    from kafkaretry.config.meanings import MEANINGS
    from kafkaretry.config.settings import ClusterConfig, NetworkConfig, ProducerConfig

    rows = []
    for model in (ProducerConfig, ClusterConfig, NetworkConfig):
        for attribute, field in model.model_fields.items():
            name = field.alias or attribute  # acks, retries: the Kafka name is the field's
            section, unit, meaning = MEANINGS[name]
            rows.append(
                {
                    "name": name,
                    "section": section,
                    "default": field.default,
                    "unit": unit or None,
                    "meaning": meaning,
                }
            )
    return rows
