"""Rich renderers: pure functions from kafkaretry's data to renderables (no printing here)."""

from __future__ import annotations
