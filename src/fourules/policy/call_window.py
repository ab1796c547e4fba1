"""The call's period as a year's decision states it, for a kind of application.

The period is the year's parameters `call_window.opens` and `call_window.closes`, and it is
a kind's only where a rule that applies to the kind compares with the last day in a
condition: 2024 reads its period as the projects' (`call_window`, applies to projects), and
its study trips' rule only names the period in a message, to say it is not theirs. A
receipt says a late application's call has closed, and a replay counts the applications
outside the other year's period, only where the period is the kind's.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from fourules.policy.model import Policy
from fourules.policy.source import Source

OPENS, CLOSES = "call_window.opens", "call_window.closes"


class CallWindow(NamedTuple):
    """The period's first and last day, and the sentence that states the last."""

    opens: date
    closes: date
    source: Source

    def holds(self, day: date) -> bool:
        """Whether DAY is within the period, both ends counted."""
        return self.opens <= day <= self.closes


def call_window(policy: Policy, kind: str) -> CallWindow | None:
    """The call's period for `kind`, when the year states both days and a rule of the kind
    checks a date against them (`window_rules`); else None."""
    opens, closes = policy.parameters.get(OPENS), policy.parameters.get(CLOSES)
    if opens is None or closes is None:
        return None
    if not isinstance(opens.value, date) or not isinstance(closes.value, date):
        return None
    return (
        CallWindow(opens.value, closes.value, closes.source) if window_rules(policy, kind) else None
    )


def window_rules(policy: Policy, kind: str) -> set[str]:
    """The rules applying to `kind` with a branch whose condition compares with the call's
    last day — not a message that names it."""
    return {
        rule.id
        for rule in policy.rules
        if (rule.applies_to is None or kind in rule.applies_to)
        and any(
            _names(branch.model_dump(include={"when"}), f"${CLOSES}") for branch in rule.branches
        )
    }


def _names(value: object, parameter: str) -> bool:
    """Whether a condition (as plain data) compares with `parameter`, named exactly."""
    if isinstance(value, dict):
        return any(_names(v, parameter) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_names(v, parameter) for v in value)
    return value == parameter
