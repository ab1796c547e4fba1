"""`fourules evaluate FILE --year YEAR`: one application in, one evaluation out; a list in, a list out."""

from __future__ import annotations

from typing import Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    YearOption,
    read_input,
    reported_errors,
    resolve_lang,
    write,
)
from fourules.cli.state import evaluator
from fourules.errors import InputError
from fourules.inputs import read_json
from fourules.output import to_json
from fourules.text import LocalText

ScorerOption = Annotated[
    list[str] | None,
    typer.Option("--scorer", help="Run only this scorer (repeatable); default: all that apply."),
]


def evaluate(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="A JSON file with one application or a list; - reads stdin.")
    ],
    year: YearOption,
    format: FormatOption = Format.table,
    lang: LangOption = None,
    scorer: ScorerOption = None,
) -> None:
    """Evaluate applications against one year's policy. Exit 0 whatever the outcome, 2 on bad input."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        ev.loaded(year)  # an unknown year is reported before the input is read
        raw, name = read_input(file)
        data = read_json(raw, where=name)
        single = isinstance(data, dict)
        if not single and not isinstance(data, list):
            raise InputError(
                LocalText(
                    sv="måste vara en ansökan (JSON-objekt) eller en lista av ansökningar",
                    en="must be an application (a JSON object) or a list of them",
                ),
                name,
            )
        items = [data] if single else data
        # Everything is evaluated before anything is written: bad input leaves stdout empty.
        results = [
            ev.evaluate(
                item, year, lang=chosen, scorers=scorer, where=name if single else f"{name}[{i}]"
            )
            for i, item in enumerate(items)
        ]
    if format is Format.json:
        write(to_json(results[0] if single else results))
    else:
        from fourules.cli.render import evaluations_view  # rich only for people: faster cold start

        write(evaluations_view(results, chosen, markdown=format is Format.markdown))
