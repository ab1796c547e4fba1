"""Every policy year found (the built-in folders and any on FOURULES_POLICY_PATH): the
properties run for each, so adding a year adds its tests with no edit here."""

from __future__ import annotations

from fourules import Evaluator, Policy, get_plugin_manager

EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))
YEARS: tuple[str, ...] = tuple(EVALUATOR.policy_ids())
POLICIES: dict[str, Policy] = {year: EVALUATOR.load_policy(year) for year in YEARS}
ALL_POLICIES: list[Policy] = list(POLICIES.values())


def caps(policy: Policy, kind: str) -> list[int]:
    """The amounts that bound a grant of this kind: every grant limit of a rule that applies."""
    return sorted(
        {
            value
            for rule in policy.rules
            if rule.applies_to is None or kind in rule.applies_to
            for branch in rule.branches
            if branch.grant_limit
            and isinstance(value := policy.parameters[branch.grant_limit[1:]].value, int)
        }
    )
