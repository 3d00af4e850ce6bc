"""The deterministic simulation core: pure Python, no I/O, no wall clock, no global random.

Public surface: `Simulation`, `simulate`, `Trace`, `Step`, and the events module.
"""

from __future__ import annotations

from kafkaretry.sim import events
from kafkaretry.sim.simulation import DEFAULT_SEED, Simulation, simulate
from kafkaretry.sim.trace import Attempt, Step, Trace

__all__ = [
    "DEFAULT_SEED",
    "Attempt",
    "Simulation",
    "Step",
    "Trace",
    "events",
    "simulate",
]
