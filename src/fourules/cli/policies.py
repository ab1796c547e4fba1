"""`fourules policies` and `fourules show YEAR`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.use_cases.policies import policies as served
from fourules.use_cases.policies import policy_document

if TYPE_CHECKING:
    from fourules.output.view import View


@runs(answers=True)
def policies(run: Run) -> None:
    """List the policy years available."""
    ev = run.evaluator()
    found = [ev.load_policy(year) for year in ev.policy_ids()]

    def view() -> View:
        from fourules.output.policy_view import policies_view

        return policies_view(found)

    run.respond(served(ev).model_dump(mode="json"), view)


@runs(answers=True)
def show(
    run: Run,
    year: Annotated[str, typer.Argument(help="The policy year, e.g. 2018.")],
) -> None:
    """Show one year's policy: parameters, administrations, quotas and every rule with its source."""
    policy = run.evaluator().load_policy(year)

    def view() -> View:
        from fourules.output.policy_view import policy_view

        return policy_view(policy)

    run.respond(policy_document(policy), view)
