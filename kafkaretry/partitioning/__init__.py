"""How Kafka clients map key bytes to a partition (pure, stdlib only)."""

from __future__ import annotations
