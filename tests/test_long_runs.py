"""Long runs: the timeline folds rows that repeat, so its length does not grow with the run."""

from __future__ import annotations

import dataclasses

from kafkaretry.render.timeline import timeline_table
from kafkaretry.sim.settings import RecordSpec
from kafkaretry.sim.simulation import Simulation
from tests.conftest import render_text
from tests.sim.helpers import inputs


def _many(records: int) -> Simulation:
    base = inputs()
    topic = base.records[0].topic
    specs = [RecordSpec(str(i), i.to_bytes(4, "big"), topic, send_at_ms=i) for i in range(records)]
    return Simulation(dataclasses.replace(base, records=specs), 0)


def _rows(records: int) -> list[str]:
    text = render_text(timeline_table(_many(records).run()))
    return [line for line in text.splitlines() if line.strip()[:1].isdigit()]


def test_a_long_timeline_folds_repeated_rows_into_a_count() -> None:
    short, long = _rows(120), _rows(1000)
    assert len(long) == len(short) < 60  # the same rows, whatever the number of records
    assert any("more rows like the ones above" in line for line in long)


def test_a_short_timeline_is_one_table() -> None:
    trace = _many(3).run()
    assert type(timeline_table(trace)).__name__ == "Table"
