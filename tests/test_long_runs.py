"""Long runs: the views stay linear (a long timeline is split into tables of one layout)."""

from __future__ import annotations

import dataclasses

from kafkaretry.render.timeline import ROWS_PER_TABLE, timeline_table
from kafkaretry.sim.settings import RecordSpec
from kafkaretry.sim.simulation import Simulation
from tests.conftest import render_text
from tests.sim.helpers import inputs


def _many(records: int) -> Simulation:
    base = inputs()
    topic = base.records[0].topic
    specs = [RecordSpec(str(i), i.to_bytes(4, "big"), topic, send_at_ms=i) for i in range(records)]
    return Simulation(dataclasses.replace(base, records=specs), 0)


def test_a_long_timeline_is_tables_that_line_up() -> None:
    trace = _many(120).run()
    text = render_text(timeline_table(trace))
    lines = text.splitlines()
    assert sum("timeline (simulated ms)" in line for line in lines) == 1
    assert sum(line.strip().startswith("ms") for line in lines) == 1  # one header
    rows = [line for line in lines if line.strip()[:1].isdigit()]
    assert len(rows) > ROWS_PER_TABLE
    # The "+ms" column ends at the same place in every table, so the tables read as one.
    ends = {line.index("+") + len(line[line.index("+") :].split()[0]) for line in rows}
    assert len(ends) == 1


def test_a_short_timeline_is_one_table() -> None:
    trace = _many(3).run()
    assert type(timeline_table(trace)).__name__ == "Table"
