"""A policy's rules as clauses: each branch's full guard (its own condition, the rule's kinds,
and the negation of every earlier branch), so at most one branch of a rule fires.

The clauses have two readings that must agree: durable-rules runs them (`durable.py`) and
`oracle_fire` reads them in plain Python, the oracle the engine is checked against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fourules.policy.conditions import TRUE, All, Condition, FactValue, In, Not, holds
from fourules.policy.model import Policy

BranchKey = tuple[int, int]
"""(rule index, branch index) of a fired branch."""


@dataclass(frozen=True)
class Clause:
    """When one branch of one rule fires, all conditions included."""

    rule: int
    branch: int
    guard: Condition
    kinds: tuple[str, ...] | None = None
    """The rule's `applies_to` (None: every kind)."""
    otherwise: bool = False
    """The rule's last branch without a condition of its own: it fires exactly when the rule
    applies and no earlier branch did, so it needs no rule engine to decide it."""


def compile_clauses(policy: Policy) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    earlier: list[Condition] = []
    current_rule = -1
    for r, b, when in policy.conditions():
        if r != current_rule:
            current_rule, earlier = r, []
        applies = policy.rules[r].applies_to
        parts: list[Condition] = []
        if applies is not None:
            parts.append(In("kind", tuple(applies)))
        parts.extend(Not(c) for c in earlier)
        if when is not None:
            parts.append(when)
            earlier.append(when)
        clauses.append(
            Clause(
                r,
                b,
                All(tuple(parts)) if parts else TRUE,
                None if applies is None else tuple(applies),
                otherwise=when is None,
            )
        )
    return tuple(clauses)


def oracle_fire(
    clauses: tuple[Clause, ...], fact: Mapping[str, FactValue]
) -> tuple[BranchKey, ...]:
    """The plain-Python reading of the same clauses, every guard in full (the `otherwise`
    branches too): the oracle the engine is checked against. In the policy's order."""
    return tuple((c.rule, c.branch) for c in clauses if holds(c.guard, fact))
