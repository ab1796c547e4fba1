"""`fourules schema NAME [--year YEAR]`: the JSON Schema of a public contract."""

from __future__ import annotations

from typing import Annotated

import typer

from fourules.cli.common import fail, reported_errors, write
from fourules.cli.state import evaluator
from fourules.output.canonical import to_json
from fourules.use_cases.schemas import PER_YEAR, SCHEMAS, schema_of


def schema(
    ctx: typer.Context,
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
        fail(f"no schema {name!r}; available: {', '.join(SCHEMAS)}")
    if year is None:
        write(to_json(schema_of(name)))
        return
    if name not in PER_YEAR:
        fail(
            f"--year: the {name} schema is the same every year; --year applies to {', '.join(PER_YEAR)}"
        )
    with reported_errors():
        policy = evaluator(ctx).load_policy(year)
    write(to_json(schema_of(name, policy)))
