"""The deterministic simulation core: pure Python, no I/O, no wall clock, no global random."""

from __future__ import annotations
