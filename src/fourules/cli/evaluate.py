"""`fourules evaluate FILE --year YEAR`: one application in, one evaluation out; a list in, a list out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    YearOption,
    read_input,
    reported_errors,
    resolve_lang,
    respond,
)
from fourules.cli.state import evaluator
from fourules.evaluation.inputs import read_json
from fourules.output.documents import evaluate_document
from fourules.service.decision_log import DecisionLog

DecisionLogOption = Annotated[
    Path | None,
    typer.Option(
        "--decision-log",
        help="Append one JSON line per decision to this file (see `fourules verify`).",
    ),
]
ScorerOption = Annotated[
    list[str] | None,
    typer.Option("--scorer", help="Run only this scorer (repeatable); default: all that apply."),
]

if TYPE_CHECKING:
    from fourules.output.view import View


def evaluate(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="A JSON file with one application or a list; - reads stdin.")
    ],
    year: YearOption,
    format: FormatOption = Format.table,
    lang: LangOption = None,
    scorer: ScorerOption = None,
    decision_log: DecisionLogOption = None,
) -> None:
    """Evaluate applications against one year's policy. Exit 0 whatever the outcome, 2 on bad input."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        ev.require(year)
        raw, name = read_input(file)
        result, decisions = evaluate_document(
            ev, read_json(raw, where=name), year, where=name, lang=chosen, scorers=scorer
        )
        if decision_log is not None:
            DecisionLog(decision_log).append(decisions)

    def view() -> View:
        from fourules.output.evaluation_view import evaluations_view

        return evaluations_view(result if isinstance(result, list) else [result], chosen)

    respond(format, result, view, chosen)
