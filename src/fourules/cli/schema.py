"""`fourules schema NAME [--year YEAR]`: the JSON Schema of a public contract."""

from __future__ import annotations

from typing import Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.cli.common import write
from fourules.errors import InputError
from fourules.output.canonical import to_json
from fourules.texts import both
from fourules.use_cases.schemas import PER_YEAR, SCHEMAS, schema_of


@runs(language=False)
def schema(
    run: Run,
    name: Annotated[str, typer.Argument(help="One of: " + ", ".join(SCHEMAS) + ".")],
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            "-y",
            help="The schema as that year reads it: its assessment lists exactly the year's "
            "criteria (" + " and ".join(PER_YEAR) + ").",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of a contract (application, evaluation, policy, …)."""
    if name not in SCHEMAS:
        raise InputError(both("schema.unknown", name=repr(name), listed=", ".join(SCHEMAS)))
    if year is None:
        write(to_json(schema_of(name)))
        return
    if name not in PER_YEAR:
        raise InputError(both("schema.every_year", name=name, each=", ".join(PER_YEAR)), "--year")
    write(to_json(schema_of(name, run.evaluator().load_policy(year))))
