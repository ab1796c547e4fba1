"""Readings and what they decide: every rule branch that rests on a `reading` of the text,
and, for each alternative reading it declares, which applications of a real round would
fare differently — another outcome, maximum grant or score, another quota verdict for
their administration, or another place in a draft allocation.

An alternative is a small change to the policy (`policy/alternatives.py`). It is applied
to a copy of the year folder, loaded and validated like any policy, and the round is
evaluated under both, each with the built-in scorers only (what the decisions say).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field

from fourules.comparison.structure import ComparisonModel
from fourules.errors import PolicyError
from fourules.evaluation.evaluator import Evaluator, folder_evaluator
from fourules.policy.alternatives import PathError, applied, steps
from fourules.policy.model import POLICY_FILE, Alternative, Policy, policy_of, read_yaml
from fourules.rounds.allocation import Allocation, Budget, allocate
from fourules.rounds.evaluation import RoundEvaluation, evaluate_round
from fourules.rounds.model import Round, natural_key
from fourules.text import Lang


class Difference(ComparisonModel):
    """One application (or administration) that fares differently under the alternative."""

    subject: str = Field(description="An application id, or an administration's name.")
    aspect: Literal["outcome", "max_grant_sek", "score", "quota", "allocation"]
    before: str = Field(
        description="The value now: an outcome, an amount, a score, over/within (quota) or an "
        "allocation line's status."
    )
    after: str = Field(description="The value under the alternative, as `before`.")
    before_sek: int | None = Field(default=None, description="allocation: the amount proposed now.")
    after_sek: int | None = Field(
        default=None, description="allocation: the amount proposed under the alternative."
    )


class AlternativeEffect(ComparisonModel):
    id: str
    description: str
    set: dict[str, Any]
    differences: list[Difference] = Field(
        default_factory=list, description="Empty without a round, or when nothing changes."
    )
    applications_changed: int = 0


class Reading(ComparisonModel):
    """A rule resting on a reading: which branches, the note naming the alternatives."""

    rule: str
    title: str
    branches: list[int] = Field(description="Indexes of the branches that rest on the reading.")
    quote: str
    note: str | None
    alternatives: list[AlternativeEffect]


class ReadingsReport(ComparisonModel):
    year: str
    version: str
    round: str | None = Field(description="The round replayed, or null.")
    applications: int | None
    budget: Budget | None = Field(description="The budget the allocations were drafted in.")
    readings: list[Reading]


def readings_of(policy: Policy, lang: Lang) -> list[Reading]:
    """Every rule with a branch resting on a reading, with the alternatives that change it
    (declared on it, or on another rule and setting values in it)."""
    out = []
    for r, rule in enumerate(policy.rules):
        branches = [b for b in range(len(rule.branches)) if policy.branch_basis(r, b) == "reading"]
        if not branches:
            continue
        out.append(
            Reading(
                rule=rule.id,
                title=rule.title.get(lang),
                branches=branches,
                quote=rule.source.quote,
                note=rule.source.note,
                alternatives=[_effect(a, lang) for a in _changing(policy, rule.id)],
            )
        )
    return out


def _changing(policy: Policy, rule_id: str) -> list[Alternative]:
    """The alternatives declared on the rule, then those of other rules that change it."""
    own = next(rule for rule in policy.rules if rule.id == rule_id).alternatives
    others = [
        a
        for rule in policy.rules
        if rule.id != rule_id
        for a in rule.alternatives
        if any(steps(path)[:2] == ["rules", rule_id] for path in a.set)
    ]
    return [*own, *others]


def _effect(alternative: Alternative, lang: Lang) -> AlternativeEffect:
    return AlternativeEffect(
        id=alternative.id, description=alternative.description.get(lang), set=alternative.set
    )


def variant_policy(
    folder: Path, alternative: Alternative, raw: Any = None
) -> tuple[dict[str, Any], Policy]:
    """The year folder's policy data (RAW when the caller has read it) with the alternative
    applied, and the policy it makes, validated in memory; a change that names nothing, or
    makes the policy invalid, raises PolicyError naming the alternative."""
    file = folder / POLICY_FILE
    where = f"{file}: alternatives {alternative.id}"
    try:
        changed = applied(read_yaml(file) if raw is None else raw, alternative.set)
    except PathError as exc:
        raise PolicyError(where, "set", str(exc)) from None
    try:
        return changed, policy_of(changed, file)
    except PolicyError as exc:
        raise PolicyError(where, exc.where, exc.message) from None


@contextmanager
def variant_folder(folder: Path, alternative: Alternative) -> Iterator[Path]:
    """A copy of the year folder with the alternative applied to its policy (`variant_policy`
    checks it first)."""
    changed, _ = variant_policy(folder, alternative)
    with tempfile.TemporaryDirectory(prefix="fourules-reading-") as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy)
        (copy / POLICY_FILE).write_text(
            yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        yield copy


def _round_views(
    round_: Round, year: str, evaluator: Evaluator, policy: Policy, budget: Budget | None
) -> tuple[RoundEvaluation, Allocation | None]:
    result = evaluate_round(round_, year, evaluator)
    drafted = allocate(round_, result, policy, budget) if budget is not None else None
    return result, drafted


def _differences(
    base: tuple[RoundEvaluation, Allocation | None],
    other: tuple[RoundEvaluation, Allocation | None],
) -> list[Difference]:
    (a, a_alloc), (b, b_alloc) = base, other
    out: list[Difference] = []
    after = {e.application_id: e for e in b.evaluations}
    for e in a.evaluations:
        f = after[e.application_id]
        for aspect in ("outcome", "max_grant_sek", "score"):
            x, y = getattr(e, aspect), getattr(f, aspect)
            if x != y:
                out.append(
                    Difference(
                        subject=e.application_id, aspect=aspect, before=_text(x), after=_text(y)
                    )
                )
    over_a = {t.name for t in a.administrations if t.over_quota}
    over_b = {t.name for t in b.administrations if t.over_quota}
    for name in sorted(over_a ^ over_b):
        out.append(
            Difference(
                subject=name,
                aspect="quota",
                before="over" if name in over_a else "within",
                after="over" if name in over_b else "within",
            )
        )
    if a_alloc is not None and b_alloc is not None:
        lines = {ln.application_id: ln for ln in b_alloc.lines}
        for ln in a_alloc.lines:
            other_line = lines[ln.application_id]
            if (ln.status, ln.proposed_sek) != (other_line.status, other_line.proposed_sek):
                out.append(
                    Difference(
                        subject=ln.application_id,
                        aspect="allocation",
                        before=ln.status,
                        after=other_line.status,
                        before_sek=ln.proposed_sek,
                        after_sek=other_line.proposed_sek,
                    )
                )
    return sorted(out, key=lambda d: (d.aspect == "quota", natural_key(d.subject), d.aspect))


def _text(value: object) -> str:
    return "null" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def readings_report(
    folder: Path,
    *,
    round_: Round | None = None,
    round_name: str | None = None,
    budget: Budget | None = None,
    lang: Lang = "sv",
) -> ReadingsReport:
    """The year folder's readings; with a round, what each alternative changes in it."""
    evaluator = folder_evaluator(folder)
    year = folder.name
    policy = evaluator.load_policy(year)
    readings = readings_of(policy, lang)
    if round_ is not None:
        base = _round_views(round_, year, evaluator, policy, budget)
        declared = {a.id: a for rule in policy.rules for a in rule.alternatives}
        # An alternative that changes several rules is listed under each, replayed once.
        replayed = {
            a.id: _replayed(_effect(a, lang), folder, a, round_, base, budget)
            for a in declared.values()
        }
        readings = [
            reading.model_copy(
                update={"alternatives": [replayed[e.id] for e in reading.alternatives]}
            )
            for reading in readings
        ]
    return ReadingsReport(
        year=year,
        version=policy.version,
        round=round_name,
        applications=None if round_ is None else len(round_.applications),
        budget=budget,
        readings=readings,
    )


def _replayed(
    effect: AlternativeEffect,
    folder: Path,
    alternative: Alternative,
    round_: Round,
    base: tuple[RoundEvaluation, Allocation | None],
    budget: Budget | None,
) -> AlternativeEffect:
    """The alternative with what it changes in the round."""
    year = folder.name
    with variant_folder(folder, alternative) as copy:
        evaluator = folder_evaluator(copy)
        other = _round_views(round_, year, evaluator, evaluator.load_policy(year), budget)
    differences = _differences(base, other)
    changed = {d.subject for d in differences if d.aspect != "quota"}
    return effect.model_copy(
        update={"differences": differences, "applications_changed": len(changed)}
    )


def stated_budget(round_: Round) -> Budget | None:
    """The budget a round's document states (its granted totals per kind), if it does."""
    granted = {t.kind: t.value for t in round_.stated_totals if t.measure == "granted"}
    project, trips = granted.get("project"), granted.get("study_trip")
    if project is None or trips is None:
        return None
    return Budget(total=project + trips, project=project, study_trip=trips)
