"""`fourules new YEAR --from YEAR`: start next year's call from an existing year's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fourules.authoring.drafting import new_year
from fourules.cli.command import Run, runs
from fourules.cli.common import write
from fourules.errors import UnknownPolicyError
from fourules.texts import text


@runs()
def new_command(
    run: Run,
    year: Annotated[str, typer.Argument(help="The new year, e.g. 2026: the folder's name.")],
    from_: Annotated[
        str, typer.Option("--from", help="The year to start from, e.g. 2024.", show_default=False)
    ],
    dir: Annotated[
        Path, typer.Option("--dir", help="Create the year folder in this (existing) folder.")
    ] = Path("."),
) -> None:
    """Copy a year's policy, decision text and cases to DIR/YEAR as a draft, with REVIEW.md."""
    ev = run.evaluator()
    try:
        ev.require(from_)
    except UnknownPolicyError as exc:  # its message names the available years
        raise UnknownPolicyError(exc.message, "--from") from None
    draft = new_year(ev.policy_paths()[from_].parent, year, dir)
    created = text("new.created", folder=draft.folder, year=from_)
    then = text("new.then", folder=draft.folder)
    files = [f"  {path.relative_to(draft.folder)}" for path in draft.files]
    write("\n".join([created, *files, then]) + "\n")
