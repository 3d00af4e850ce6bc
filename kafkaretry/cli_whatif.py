"""The what-if commands (`sweep`, `compare`, `settings`): bodies kept off cli.py, which
registers them. Each loads → computes (kafkaretry.whatif) → renders or prints JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from kafkaretry.cli_support import (
    JsonOption,
    ScenariosOption,
    SetOption,
    console,
    print_json,
    reported_errors,
    scenarios_path,
)

BrokerOption = Annotated[
    int | None,
    typer.Option(help="The broker the scenario's crash-broker fault kills.", show_default=False),
]
AtMsOption = Annotated[
    int | None,
    typer.Option("--at-ms", min=0, help="When the crash-broker fault strikes.", show_default=False),
]
WithControllerOption = Annotated[
    bool,
    typer.Option(
        "--with-controller", help="Also crash the active controller when the broker dies."
    ),
]


def sweep(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    seeds: Annotated[int, typer.Option(min=1, help="Runs per value: seeds 0 to N-1.")] = 100,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=V1,V2,…",
            help="Sweep a Kafka setting over these values (repeatable: each swept on its own).",
            show_default=False,
        ),
    ] = None,
    fixed: Annotated[
        list[str] | None,
        typer.Option(
            "--fix",
            metavar="NAME=VALUE",
            help="Set a Kafka setting for every run (repeatable).",
            show_default=False,
        ),
    ] = None,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes [default: one per core].", show_default=False),
    ] = None,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of tables.")] = False,
) -> None:
    """Run a scenario over many seeds and each value of a setting; show the spread of times."""
    with reported_errors():
        from kafkaretry.render.progress import LazyProgress
        from kafkaretry.whatif.sweep import SweepRequest, sweep_csv, sweep_json
        from kafkaretry.whatif.sweep import sweep as run_sweep

        request = SweepRequest(
            scenarios_path(scenarios),
            name,
            seeds,
            tuple(sets or ()),
            tuple(fixed or ()),
            broker,
            at_ms,
            with_controller,
            workers,
        )
        with LazyProgress(f"sweep {name}", counts_bytes=False) as progress:
            result = run_sweep(request, progress)
        if as_json:
            print_json(sweep_json(result))
        elif as_csv:
            sys.stdout.write(sweep_csv(result))
        else:
            from kafkaretry.render.whatif_sweep import sweep_view

            shown = " ".join([name, *(["--with-controller"] if with_controller else [])])
            console().print(sweep_view(result, shown))


def compare(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    vs: Annotated[
        list[str] | None,
        typer.Option(
            "--vs",
            metavar="NAME=VALUE",
            help="The change to compare: the right-hand run's setting (repeatable).",
            show_default=False,
        ),
    ] = None,
    settings: SetOption = None,
    seed: Annotated[int, typer.Option(help="Seed of both runs' random streams.")] = 0,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a scenario without and with a change (same seed): side by side, first divergence."""
    with reported_errors():
        from kafkaretry.scenario import FaultPlan
        from kafkaretry.whatif.compare import compare as run_compare
        from kafkaretry.whatif.compare import compare_json

        common = settings or []
        result = run_compare(
            scenarios_path(scenarios),
            name,
            changes=vs or [],
            common=common,
            seed=seed,
            plan=FaultPlan(broker, at_ms, with_controller),
        )
        if as_json:
            print_json(compare_json(result))
            return
        from kafkaretry.render.whatif_compare import compare_view

        extra = " --with-controller" if with_controller else ""
        title = f"kafkaretry compare {name}{extra} --vs {' --vs '.join(vs or [])} (seed {seed})"
        console().print(compare_view(result, title, common))


def export(
    name: Annotated[str, typer.Argument(help="Scenario name from the scenario file.")],
    path: Annotated[
        Path | None,
        typer.Argument(
            help="File to write: .md (a post, with SVG pictures beside it), .svg or .html.",
            show_default=False,
        ),
    ] = None,
    mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Print a Mermaid sequenceDiagram of the run.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the simulation's random streams.")] = 0,
    settings: SetOption = None,
    broker: BrokerOption = None,
    at_ms: AtMsOption = None,
    with_controller: WithControllerOption = False,
    scenarios: ScenariosOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a run as a Markdown post (+ SVG), one SVG/HTML page, or a Mermaid diagram."""
    with reported_errors():
        from kafkaretry.whatif.export import export_run

        data = export_run(
            scenarios_path(scenarios),
            name,
            path,
            mermaid=mermaid,
            overrides=settings or [],
            seed=seed,
            plan=(broker, at_ms, with_controller),
        )
        if as_json:
            print_json(data)
        elif mermaid:
            sys.stdout.write(str(data["mermaid"]))
        else:
            written = data["written"]
            assert isinstance(written, list)
            sys.stdout.write("".join(f"wrote {p}\n" for p in written))


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
