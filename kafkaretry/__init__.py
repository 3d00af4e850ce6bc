"""kafkaretry: see what really happens to a Kafka message."""

from __future__ import annotations

__version__ = "0.1.0"
