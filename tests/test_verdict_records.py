"""With several records, a verdict line speaks only of the records whose facts it states."""

from __future__ import annotations

from pathlib import Path

from kafkaretry.render.verdict import verdict
from kafkaretry.runner import run_scenario
from kafkaretry.sim.analysis import analyse
from tests.conftest import render_text

FIVE = """\
cluster: {controllers: [1, 2, 3], brokers: [4, 5, 6]}
topics:
  - name: t
    partitions: [{replicas: [4, 5, 6]}]
scenarios:
  five:
    record: {key: "a", key_type: string, count: 5, interval_ms: 0}
    faults: [{kind: drop-response, attempt: 1}]
"""


def _verdict(tmp_path: Path, *sets: str, faults: bool = True) -> str:
    path = tmp_path / "five.yaml"
    text = FIVE if faults else FIVE.replace("[{kind: drop-response, attempt: 1}]", "[]")
    path.write_text(text, encoding="utf-8")
    run = run_scenario(path, "five", key=None, key_type=None, overrides=list(sets), seed=0)
    return " ".join(render_text(verdict(analyse(run.trace))).split())


def test_each_record_keeps_its_own_offsets(tmp_path: Path) -> None:
    text = _verdict(tmp_path, "enable.idempotence=false")
    assert "Record 0: 2 copies (offsets 0, 5)" in text
    assert "Record 1: 2 copies (offsets 1, 6)" in text
    assert "Record 2: 2 copies (offsets 2, 7)" in text
    assert "Records 3, 4: the same kind of outcome, each with its own offsets" in text
    assert "All 5 records" not in text


def test_one_line_for_records_whose_sentence_is_the_same(tmp_path: Path) -> None:
    text = _verdict(tmp_path, faults=False)
    assert text.startswith("All 5 records: One copy: the first attempt was acknowledged")


def test_each_record_is_appended_at_its_own_offset(tmp_path: Path) -> None:
    path = tmp_path / "five.yaml"
    path.write_text(FIVE, encoding="utf-8")
    run = run_scenario(
        path, "five", key=None, key_type=None, overrides=["enable.idempotence=false"], seed=0
    )
    for r in analyse(run.trace).records:
        appended = tuple(a.appended_offset for a in r.attempts if a.appended_offset is not None)
        assert appended == r.copies == (r.index, r.index + 5)
        # the per-record query of the trace agrees with the one-pass analysis
        assert run.trace.attempts(r.index) == r.attempts


def test_acks_0_is_sent_without_ack_in_every_view(tmp_path: Path) -> None:
    path = tmp_path / "five.yaml"
    path.write_text(FIVE, encoding="utf-8")
    run = run_scenario(path, "five", key=None, key_type=None, overrides=["acks=0"], seed=0)
    data = run.json()
    assert data["fate"]["outcome"] == "sent-without-ack"
    assert {r["status"] for r in data["records"]} == {"sent-without-ack"}
