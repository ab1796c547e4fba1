"""`fourules schema NAME`: the JSON Schema of a public contract."""

from __future__ import annotations

from typing import Annotated

import typer

from fourules.cli.common import fail, write
from fourules.output import to_json
from fourules.schemas import SCHEMAS, schema_of


def schema(
    name: Annotated[str, typer.Argument(help="One of: " + ", ".join(SCHEMAS) + ".")],
) -> None:
    """Print the JSON Schema of a contract (application, evaluation, policy, …)."""
    if name not in SCHEMAS:
        fail(f"no schema {name!r}; available: {', '.join(SCHEMAS)}")
    write(to_json(schema_of(name)))
