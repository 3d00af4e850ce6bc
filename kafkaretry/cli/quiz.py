"""`kafkaretry quiz`: questions before the turns of a run, answered by the run itself."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kafkaretry.cli.support import (
    JsonOption,
    ScenariosOption,
    SetOption,
    console,
    print_json,
    reported_errors,
    scenarios_path,
)


def quiz(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    answers: Annotated[
        str | None,
        typer.Option(
            help="Answers as choice numbers, e.g. 0,2,1 [default: ask on stdin].",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the simulation's random streams.")] = 0,
    settings: SetOption = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """A question before each turn of the story; the run gives the answer; a score at the end."""
    with reported_errors():
        from kafkaretry.runner import run_scenario
        from kafkaretry.whatif.quiz import (
            AnswerError,
            check_answer,
            load_questions,
            parse_answers,
            quiz_path,
        )

        path = scenarios_path(scenarios)
        run = run_scenario(path, name, key=None, key_type=None, overrides=settings or [], seed=seed)
        questions = load_questions(quiz_path(path), name, run.trace)
        given = parse_answers(answers) if answers is not None else None
        if given is not None and len(given) != len(questions):
            raise AnswerError(
                f"--answers gives {len(given)} answers for {len(questions)} questions"
            )
        if given is None and as_json:
            raise AnswerError("--json needs --answers: a JSON run cannot ask on stdin")
        from kafkaretry.render import whatif_quiz as view

        out = console()
        results, start = [], 0
        for number, question in enumerate(questions, 1):
            if not as_json:
                for moment in view.moments(run.trace, start, question.before_step):
                    out.print(moment)
                out.print(view.question_view(number, question))
            start = question.before_step
            answer = given[number - 1] if given is not None else _ask(out, number)
            check_answer(question, number, answer)
            results.append((question, answer))
            if not as_json:
                out.print(view.answer_view(question, answer))
        score = sum(answer == q.correct for q, answer in results)
        if as_json:
            print_json(_quiz_json(name, seed, run.trace, results, score))
            return
        for moment in view.moments(run.trace, start, None):
            out.print(moment)
        out.print(view.score_view(score, len(results)))


def _ask(out: Any, number: int) -> int:
    from kafkaretry.whatif.quiz import AnswerError, parse_answers

    try:
        line = out.input("your answer: ")
    except EOFError:
        raise AnswerError(f"no answer to question {number} on stdin") from None
    return parse_answers(line)[0]


def _quiz_json(
    name: str, seed: int, trace: Any, results: list[tuple[Any, int]], score: int
) -> dict[str, Any]:
    return {
        "scenario": name,
        "seed": seed,
        "questions": [
            {
                "ask": q.ask,
                "choices": list(q.choices),
                "answer": answer,
                "correct": q.correct,
                "right": answer == q.correct,
                "explain": q.explain,
                "at_ms": trace.steps[q.before_step].at_ms,
            }
            for q, answer in results
        ],
        "score": score,
        "of": len(results),
    }
