"""`fourules evaluate FILE --year YEAR`: one application in, one evaluation out; a list in, a list out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.cli.common import YearOption
from fourules.cli.options import repeatable
from fourules.evaluation.inputs import read_json
from fourules.output.view import View

DecisionLogOption = Annotated[
    Path | None,
    typer.Option(
        "--decision-log",
        help="Append one JSON line per decision to this file (see `fourules verify`).",
    ),
]
ScorerOption = Annotated[
    list[str] | None,
    repeatable("--scorer", "Run only this scorer; default: all that apply."),
]


@runs(answers=True)
def evaluate(
    run: Run,
    file: Annotated[
        str, typer.Argument(help="A JSON file with one application or a list; - reads stdin.")
    ],
    year: YearOption,
    scorer: ScorerOption = None,
    decision_log: DecisionLogOption = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add what would change the outcome: the smallest changes that make it "
            "eligible, or what it can be granted and what would raise its score.",
        ),
    ] = False,
) -> None:
    """Evaluate applications against one year's policy. Exit 0 whatever the outcome, 2 on bad input."""
    from fourules.use_cases.evaluate import EvaluateRequest
    from fourules.use_cases.evaluate import evaluate as evaluated

    ev = run.evaluator()
    ev.require(year)
    raw, name = run.read(file)
    request = EvaluateRequest(
        read_json(raw, where=name), year, name, run.lang, scorers=scorer, explain=explain
    )
    done = evaluated(ev, request, log=run.decision_log(decision_log))

    def view() -> View:
        from fourules.output.evaluation_view import evaluations_view

        shown = done.each
        listed = evaluations_view(shown)
        if not explain:
            return listed
        from fourules.output.evaluation_view import explanation_blocks

        blocks = explanation_blocks([d.explanation or {} for d in shown])
        return View(listed.title, (*listed.blocks, *blocks))

    run.respond(done.document, view)
