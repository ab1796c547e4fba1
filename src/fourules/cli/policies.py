"""`fourules policies` and `fourules show YEAR`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.command import command
from fourules.cli.common import Format, FormatOption, LangOption
from fourules.use_cases.policies import policies as served
from fourules.use_cases.policies import policy_document

if TYPE_CHECKING:
    from fourules.output.view import View


def policies(
    ctx: typer.Context, format: FormatOption = Format.table, lang: LangOption = None
) -> None:
    """List the policy years available."""
    with command(ctx, lang) as run:
        ev = run.evaluator()
        found = [ev.load_policy(year) for year in ev.policy_ids()]

        def view() -> View:
            from fourules.output.policy_view import policies_view

            return policies_view(found)

        run.respond(format, served(ev).model_dump(mode="json"), view)


def show(
    ctx: typer.Context,
    year: Annotated[str, typer.Argument(help="The policy year, e.g. 2018.")],
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """Show one year's policy: parameters, administrations, quotas and every rule with its source."""
    with command(ctx, lang) as run:
        policy = run.evaluator().load_policy(year)

        def view() -> View:
            from fourules.output.policy_view import policy_view

            return policy_view(policy)

        run.respond(format, policy_document(policy), view)
