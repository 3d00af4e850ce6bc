"""`kafkaretry quiz`: questions are data, answers come from the run, a score at the end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kafkaretry.cli import app
from tests.conftest import ROOT, SCENARIOS, assert_golden

runner = CliRunner()


def as_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["quiz", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_fields_and_score() -> None:
    data = as_json("ack-loss", "--answers", "0,1,0")
    assert list(data) == ["scenario", "seed", "questions", "score", "of"]
    assert (data["score"], data["of"]) == (1, 3)
    first = data["questions"][0]
    assert list(first) == ["ask", "choices", "answer", "correct", "right", "explain", "at_ms"]
    assert [q["correct"] for q in data["questions"]] == [0, 0, 1]
    assert [q["right"] for q in data["questions"]] == [True, False, False]
    assert [q["at_ms"] for q in data["questions"]] == sorted(q["at_ms"] for q in data["questions"])


def test_the_right_answer_follows_the_run_not_the_file() -> None:
    on = as_json("ack-loss", "--answers", "0,0,1")
    off = as_json("ack-loss", "--answers", "0,0,1", "--set", "enable.idempotence=false")
    copies = next(q for q in off["questions"] if "copies" in q["ask"])
    assert copies["choices"][copies["correct"]] == "two"
    assert on["score"] == 3
    assert off["score"] == 1


def test_broker_down_questions() -> None:
    data = as_json("broker-down", "--answers", "0,0,0")
    assert data["score"] == 3
    assert "the active controller" in data["questions"][1]["choices"][0]


def test_answers_from_stdin_and_golden_text() -> None:
    result = runner.invoke(app, ["quiz", "ack-loss"], input="0\n1\n1\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith("score: 2 of 3")
    piped = runner.invoke(app, ["quiz", "ack-loss", "--answers", "0,1,1"])
    assert_golden("quiz-ack-loss.txt", piped.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--answers", "0,1"], "error: --answers gives 2 answers for 3 questions\n"),
        (["--answers", "0,x,1"], "error: --answers: answer 2 is 'x', not a choice number\n"),
        (["--answers", "0,5,1"], "error: answer to question 2 is 5; choose 0 to 1\n"),
        (["--json"], "error: --json needs --answers: a JSON run cannot ask on stdin\n"),
        ([], "error: no answer to question 1 on stdin\n"),
    ],
)
def test_errors_are_one_whole_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["quiz", "ack-loss", *args], input="")
    assert (result.exit_code, result.stderr) == (2, message)


def test_quiz_file_mistakes_name_the_place(tmp_path: Path) -> None:
    (tmp_path / "scenarios.yaml").write_bytes(SCENARIOS.read_bytes())
    quiz = tmp_path / "quiz.yaml"
    quiz.write_text(
        "ack-loss:\n  - before: Nope\n    ask: x\n    fact: copies\n    choices: []\n",
        encoding="utf-8",
    )
    args = ["quiz", "ack-loss", "--answers", "0", "--scenarios", str(tmp_path / "scenarios.yaml")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {quiz}: ack-loss[0]: unknown event 'Nope' for before;")
    quiz.write_text("other: []\n", encoding="utf-8")
    result = runner.invoke(app, args)
    assert result.stderr == f"error: {quiz}: no questions for scenario 'ack-loss'\n"


def test_every_shipped_question_is_asked_in_its_scenario() -> None:
    import yaml

    shipped = yaml.safe_load((ROOT / "quiz.yaml").read_text(encoding="utf-8"))
    for name, questions in shipped.items():
        answers = ",".join("0" * len(questions))
        assert as_json(name, "--answers", answers)["of"] == len(questions)
