"""`fourules policies` and `fourules show YEAR`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    reported_errors,
    resolve_lang,
    respond,
)
from fourules.cli.state import evaluator
from fourules.use_cases.policies import policies as served
from fourules.use_cases.policies import policy_document

if TYPE_CHECKING:
    from fourules.output.view import View


def policies(
    ctx: typer.Context, format: FormatOption = Format.table, lang: LangOption = None
) -> None:
    """List the policy years available."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        found = [ev.load_policy(year) for year in ev.policy_ids()]

    def view() -> View:
        from fourules.output.policy_view import policies_view

        return policies_view(found, chosen)

    respond(format, served(ev).model_dump(mode="json"), view, chosen)


def show(
    ctx: typer.Context,
    year: Annotated[str, typer.Argument(help="The policy year, e.g. 2018.")],
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """Show one year's policy: parameters, administrations, quotas and every rule with its source."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        policy = evaluator(ctx).load_policy(year)

    def view() -> View:
        from fourules.output.policy_view import policy_view

        return policy_view(policy, chosen)

    respond(format, policy_document(policy), view, chosen)
