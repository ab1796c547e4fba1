"""`fourules policies` and `fourules show YEAR`."""

from __future__ import annotations

from typing import Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    reported_errors,
    resolve_lang,
    write,
)
from fourules.cli.state import evaluator
from fourules.output.canonical import to_json
from fourules.output.documents import policies_document, policy_document


def policies(
    ctx: typer.Context, format: FormatOption = Format.table, lang: LangOption = None
) -> None:
    """List the policy years available."""
    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        found = [ev.load_policy(year) for year in ev.policy_ids()]
    if format is Format.json:
        write(to_json(policies_document(ev)))
    else:
        from fourules.cli.render import policies_view  # rich only for people: faster cold start

        write(policies_view(found, chosen, markdown=format is Format.markdown))


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
    if format is Format.json:
        write(to_json(policy_document(policy)))
    else:
        from fourules.cli.render import policy_view  # rich only for people: faster cold start

        write(policy_view(policy, chosen, markdown=format is Format.markdown))
