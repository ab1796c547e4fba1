"""Witnesses: for each change between two years, the smallest application the two treat
differently because of it (or why there is none), found by varying one fact at a time
across the boundaries of both policies."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import Field

from fourules.application import KINDS
from fourules.comparison.replay import (
    Decided,
    Side,
    grant_limit_rules,
    matters,
    side_of,
    undeclared,
)
from fourules.comparison.structure import Change, ComparisonModel
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.inputs import parse_application
from fourules.policy.model import Policy, Rule, boundaries_of
from fourules.policy.vocabulary import Vocabulary, base_application


class Witness(ComparisonModel):
    """An application two years treat differently, for one change (or why there is none)."""

    path: str
    application: dict[str, Any] | None
    before: Side | None = None
    after: Side | None = None
    rules: list[str] = Field(default_factory=list)
    reason: str
    set_aside: dict[str, list[str]] = Field(default_factory=dict)
    """Per year, criteria the application assesses that the year does not declare: that
    year reads the application without them (`fourules evaluate` would refuse them)."""


def _param_uses(policy: Policy) -> dict[str, set[tuple[str, str]]]:
    """Where each parameter is used: (rule id, fact field) pairs; a grant limit bounds `requested`."""
    found: dict[str, set[tuple[str, str]]] = {}

    def walk(node: Any, field: str | None, rule: str) -> None:
        if isinstance(node, dict):
            here = node.get("field", field)
            for value in node.values():
                walk(value, here, rule)
        elif isinstance(node, list):
            for value in node:
                walk(value, field, rule)
        elif isinstance(node, str) and node.startswith("$") and field:
            found.setdefault(node[1:], set()).add((rule, field))

    for rule in policy.rules:
        for branch in rule.branches:
            walk(branch.when, None, rule.id)
            if branch.grant_limit:
                found.setdefault(branch.grant_limit[1:], set()).add((rule.id, "requested"))
    return found


def _rule_fields(rule: Rule | None, policy: Policy) -> set[str]:
    from fourules.policy.conditions import fields_of

    if rule is None:
        return set()
    fields = {"kind"} if rule.applies_to else set()
    for r, _, cond in policy.conditions():
        if policy.rules[r].id == rule.id and cond is not None:
            fields |= fields_of(cond)
    return fields


def _acts_through(change: Change, a: Policy, b: Policy) -> tuple[set[str], set[str]] | None:
    """The fact fields and the rules a change acts through; None: not on a single application."""
    section, _, rest = change.path.partition(".")
    if section == "parameters":
        uses = _param_uses(a).get(rest, set()) | _param_uses(b).get(rest, set())
        return {field for _, field in uses}, {rule for rule, _ in uses}
    if section in ("rules", "criteria"):
        rid = (
            rest.rsplit(".", 1)[0]
            if rest.endswith((".type", ".weight", ".applies_to", ".branches"))
            else rest
        )
        fields = _rule_fields(next((r for r in a.rules if r.id == rid), None), a) | _rule_fields(
            next((r for r in b.rules if r.id == rid), None), b
        )
        return fields, {rid}
    if section == "administrations":
        return {"unrecognised_applicants"}, {
            rule.id
            for pol in (a, b)
            for rule in pol.rules
            if "unrecognised_applicants" in _rule_fields(rule, pol)
        }
    return None


def find_witnesses(
    changes: Sequence[Change],
    a: str,
    b: str,
    evaluator: Evaluator,
    *,
    limit: int = 2000,
    seconds: float = 10.0,
) -> list[Witness]:
    """For each change, the first (smallest) application the two years treat differently
    because of it: a rule the change acts through decides the outcome, the maximum grant or
    the score differently.

    Candidates start from a base application both years accept, and vary one fact field at
    a time across the constants both policies compare it with (boundary enumeration). Each
    candidate is evaluated under both years, so a witness is verified by construction.
    `limit` bounds the candidates per change, `seconds` the whole search.
    """
    pa, pb = evaluator.load_policy(a), evaluator.load_policy(b)
    limits = grant_limit_rules(pa, pb)
    deadline = time.monotonic() + seconds
    out: list[Witness] = []
    for change in changes:
        acts = _acts_through(change, pa, pb)
        if acts is None:
            reason = (
                "quotas act on a whole round, not on one application; evaluate a round (fourules round) to see them"
                if change.path.startswith("quotas.")
                else "no effect on how an application is evaluated"
            )
            out.append(Witness(path=change.path, application=None, reason=reason))
            continue
        fields, relevant = acts
        tried, witness = 0, None
        for candidate in _candidates(change, fields, pa, pb):
            if tried >= limit or time.monotonic() > deadline:
                break
            tried += 1
            try:
                ea = evaluator.evaluate(pa.vocabulary.restrict(candidate), a)
                eb = evaluator.evaluate(pb.vocabulary.restrict(candidate), b)
            except InputError:  # a variation that does not fit this kind (project_year on a trip)
                continue
            rules = matters(sorted(relevant), Decided.of(ea), Decided.of(eb), limits)
            if rules:
                witness = Witness(
                    path=change.path,
                    application=candidate,
                    before=side_of(ea),
                    after=side_of(eb),
                    rules=rules,
                    reason=f"decided differently by {', '.join(rules)}",
                    set_aside={
                        pol.id: unknown
                        for pol in (pa, pb)
                        if (unknown := undeclared(pol, [parse_application(candidate)]))
                    },
                )
                break
        if witness is None:
            bound = tried >= limit or time.monotonic() > deadline
            why = (
                "search bound reached" if bound else "no effect on outcome, maximum grant or score"
            )
            witness = Witness(
                path=change.path, application=None, reason=f"{why} ({tried} candidates tried)"
            )
        out.append(witness)
    return out


def _candidates(
    change: Change, fields: Iterable[str], a: Policy, b: Policy
) -> Iterator[dict[str, Any]]:
    """The base application of each kind, then one field varied at a time; the values the
    change itself is about come first, so the witness shows that change."""
    own = [
        v for side in (change.before, change.after) if isinstance(side, dict) for v in side.values()
    ]
    bounds = boundaries_of([a, b])
    vocabulary = Vocabulary.merged(a.vocabulary, b.vocabulary)
    for kind in KINDS:
        base = base_application(kind, bounds)
        yield base
        for field in sorted(fields):
            variations = list(vocabulary.variations(field, base, bounds))
            first = [v for v in variations if any(_near(v[k], own) for k in _changed(base, v))]
            yield from first + [v for v in variations if v not in first]


def _changed(base: dict[str, Any], variation: dict[str, Any]) -> list[str]:
    return [k for k in variation if base.get(k) != variation[k] or k not in base]


def _near(value: Any, own: list[Any]) -> bool:
    """Whether a varied value is one of the change's own values, or one step from it."""
    if isinstance(value, list):
        return any(v in own for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return any(isinstance(o, int) and abs(o - value) <= 1 for o in own)
    if isinstance(value, str):
        from datetime import date, timedelta

        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value in own
        return any(str(day + timedelta(days=d)) in own for d in (-1, 0, 1))
    return False
