"""kafkaretry: see what really happens to a Kafka message."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "java_partitions"]


def __getattr__(name: str) -> Any:
    # `import kafkaretry` stays free of NumPy (the CLI's start-up); the vectorised API
    # loads it on first use.
    if name == "java_partitions":
        from kafkaretry.vectorised import java_partitions

        return java_partitions
    raise AttributeError(f"module 'kafkaretry' has no attribute {name!r}")
