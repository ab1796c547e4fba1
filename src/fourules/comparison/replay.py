"""Replay: real applications evaluated under two years, and the rules that decide them
differently."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import Field

from fourules.application import KINDS
from fourules.comparison.structure import ComparisonModel
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation
from fourules.parallel import forked_map, gc_paused, worker_pays
from fourules.policy.call_window import call_window
from fourules.policy.model import Policy
from fourules.rounds.model import Round, natural_key
from fourules.text import Lang


class Treatment(ComparisonModel):
    """How one year treats an application: its outcome, maximum grant and score."""

    outcome: str
    max_grant_sek: int | None
    score: float


class Because(ComparisonModel):
    """The rules that change what an application gets, by what they change."""

    outcome: list[str] = Field(
        default_factory=list,
        description="Rules whose finding makes the outcome in one year and not in the other.",
    )
    max_grant: list[str] = Field(
        default_factory=list,
        description="Rules whose grant limit is the maximum grant in one year and not (or "
        "not the same) in the other, where the outcome leaves a grant to limit.",
    )
    score: list[str] = Field(
        default_factory=list,
        description="Where neither the outcome nor the maximum grant changes: the criteria "
        "whose points differ.",
    )


class Replayed(ComparisonModel):
    application_id: str
    before: Treatment
    after: Treatment
    rules: list[str]
    """The rules that change the outcome or the maximum grant (`because`); where only the
    score changes, the criteria whose points differ. Not every rule that reads differently:
    a criterion the other year lacks is listed only where it changes what the application
    gets."""
    because: Because


class ReplaySummary(ComparisonModel):
    applications: int
    changed: int
    became: dict[str, int]
    capped_lower: int
    capped_higher: int
    score_changed: int
    criteria_set_aside: dict[str, list[str]] = Field(default_factory=dict)
    """Per year, criteria the applications assess that the year does not declare: each year
    reads an application without them."""
    submitted_outside_window: dict[str, int] = Field(
        default_factory=dict,
        description="Per year, the applications whose submission date falls outside that "
        "year's call window for their kind: a round of one year replayed under another is "
        "judged late or early by its own dates, so a change may be the dates', not the rules'.",
    )


class Replay(ComparisonModel):
    changed: list[Replayed]
    summary: ReplaySummary


GrantLimits = dict[tuple[str, str], int]
"""A year's grant limits: (rule, status) -> the amount its branch of that status limits to."""


def grant_limits(policy: Policy) -> GrantLimits:
    """The grant limit of each rule's branches, by the status a finding names it by (the
    first branch of a status with a limit: a finding names its rule and status, not its
    branch), each parameter read as the year states it; one not stated limits nothing."""
    found: GrantLimits = {}
    for rule in policy.rules:
        for branch in rule.branches:
            if branch.grant_limit is None or (rule.id, branch.status) in found:
                continue
            value = policy.parameters[branch.grant_limit[1:]].value
            if isinstance(value, int):
                found[rule.id, branch.status] = value
    return found


@dataclass(frozen=True)
class Decided:
    """What a diff needs of an evaluation: its side, and each rule's effect, points and
    the grant limit it applied."""

    outcome: str
    max_grant_sek: int | None
    score: float
    effects: dict[str, str | None]
    points: dict[str, float]
    limits: dict[str, int] = field(default_factory=dict)

    @property
    def side(self) -> Treatment:
        return Treatment(outcome=self.outcome, max_grant_sek=self.max_grant_sek, score=self.score)

    @classmethod
    def of(cls, e: Evaluation, limits: GrantLimits | None = None) -> Decided:
        # Plain values only: cheap to send back from a worker process.
        applied = limits or {}
        return cls(
            outcome=e.outcome,
            max_grant_sek=e.max_grant_sek,
            score=e.score,
            effects={f.rule: f.effect for f in e.findings},
            points={i.criterion: i.points for i in e.score_breakdown},
            limits={
                f.rule: applied[f.rule, f.status]
                for f in e.findings
                if (f.rule, f.status) in applied
            },
        )


def side_of(e: Evaluation) -> Treatment:
    return Treatment(outcome=e.outcome, max_grant_sek=e.max_grant_sek, score=e.score)


PARALLEL_FROM = 2000
"""Replays of at least this many applications decide the two years in two processes."""


def _decide_year(apps: list[Any], year: str, evaluator: Evaluator, lang: Lang) -> list[Decided]:
    policy = evaluator.load_policy(year)
    vocabulary, limits = policy.vocabulary, grant_limits(policy)
    return [
        Decided.of(evaluator.evaluate(vocabulary.restrict(app), year, lang=lang), limits)
        for app in apps
    ]


def _decide_both(
    apps: list[Any], a: str, b: str, evaluator: Evaluator, lang: Lang, parallel: bool | None
) -> tuple[list[Decided], list[Decided]]:
    """Each application decided under both years: the second year in a forked process when
    it pays (a large replay, more than one core, no other thread that forking could upset)."""
    if parallel is None:
        parallel = worker_pays(len(apps), PARALLEL_FROM)
    if not parallel:
        return _decide_year(apps, a, evaluator, lang), _decide_year(apps, b, evaluator, lang)
    with forked_map(lambda year: _decide_year(apps, year, evaluator, lang), [b]) as other:
        da = _decide_year(apps, a, evaluator, lang)
        (db,) = other
    return da, db


def replay(
    round_: Round,
    a: str,
    b: str,
    evaluator: Evaluator,
    *,
    lang: Lang = "sv",
    parallel: bool | None = None,
) -> Replay:
    """Every application under both years; those whose outcome, maximum grant or score changes."""
    with gc_paused():  # the results of both years pile up; collections would walk them all
        return _replay(round_, a, b, evaluator, lang, parallel)


def _replay(
    round_: Round, a: str, b: str, evaluator: Evaluator, lang: Lang, parallel: bool | None
) -> Replay:
    changed: list[Replayed] = []
    became: Counter[str] = Counter()
    lower = higher = scores = 0
    apps = sorted(round_.applications, key=lambda x: natural_key(x.id))
    pa, pb = evaluator.load_policy(a), evaluator.load_policy(b)
    evaluator.require(a), evaluator.require(b)
    # In the order the later year has them, then the earlier year's own.
    all_rules = list(dict.fromkeys(r.id for r in (*pb.rules, *pa.rules)))
    decided_a, decided_b = _decide_both(apps, a, b, evaluator, lang, parallel)
    for app, da, db in zip(apps, decided_a, decided_b, strict=True):
        if (da.outcome, da.max_grant_sek, da.score) == (db.outcome, db.max_grant_sek, db.score):
            continue
        sa, sb = da.side, db.side
        if sa.outcome != sb.outcome:
            became[sb.outcome] += 1
        if sa.max_grant_sek is not None and sb.max_grant_sek is not None:
            lower += sb.max_grant_sek < sa.max_grant_sek
            higher += sb.max_grant_sek > sa.max_grant_sek
        scores += sa.score != sb.score
        because = changed_by(all_rules, da, db)
        rules = [*dict.fromkeys([*because.outcome, *because.max_grant])] or because.score
        changed.append(
            Replayed(application_id=app.id, before=sa, after=sb, rules=rules, because=because)
        )
    return Replay(
        changed=changed,
        summary=ReplaySummary(
            applications=len(apps),
            changed=len(changed),
            became={k: became[k] for k in ("eligible", "undetermined", "ineligible") if became[k]},
            capped_lower=lower,
            capped_higher=higher,
            score_changed=scores,
            criteria_set_aside={
                pol.id: unknown
                for pol in (pa, pb)
                if (unknown := undeclared(pol, round_.applications))
            },
            submitted_outside_window={
                pol.id: outside
                for pol in (pa, pb)
                if (outside := outside_window(pol, round_.applications))
            },
        ),
    )


def changed_by(rules: Iterable[str], da: Decided, db: Decided) -> Because:
    """The rules (in `rules`' order) that change what an application gets: those that make
    the outcome in one year and not the other, those whose grant limit is the maximum grant
    in one year and not the other; where neither changes, the criteria whose points differ."""
    rules = list(rules)
    outcome = (
        [r for r in rules if _makes_outcome(r, da, db) or _makes_outcome(r, db, da)]
        if da.outcome != db.outcome
        else []
    )
    grant = (
        [r for r in rules if _limits_grant(r, da, db) or _limits_grant(r, db, da)]
        if _grant_differs(da, db)
        else []
    )
    score = (
        [r for r in rules if da.points.get(r, 0.0) != db.points.get(r, 0.0)]
        if not outcome and not grant and da.score != db.score
        else []
    )
    return Because(outcome=outcome, max_grant=grant, score=score)


def _makes_outcome(rule: str, this: Decided, other: Decided) -> bool:
    """Whether the rule's finding makes this year's outcome (ineligible or undetermined)
    and not the other's."""
    made = this.outcome != "eligible" and this.effects.get(rule) == this.outcome
    return made and other.effects.get(rule) != this.outcome


def _grant_differs(da: Decided, db: Decided) -> bool:
    """Whether the maximum grants differ where both outcomes leave a grant to limit."""
    both = da.max_grant_sek is not None and db.max_grant_sek is not None
    limited = "ineligible" not in (da.outcome, db.outcome)
    return both and limited and da.max_grant_sek != db.max_grant_sek


def _limits_grant(rule: str, this: Decided, other: Decided) -> bool:
    """Whether the rule's grant limit is this year's maximum grant and not the other's."""
    limit = this.limits.get(rule)
    return limit is not None and limit == this.max_grant_sek and other.limits.get(rule) != limit


def without_dates(round_: Round) -> Round:
    """The round with its submission dates left out: replayed under another year, an
    application is then judged by that year's rules, not by its own dates against that
    year's window (each year reports the window not checked)."""
    apps = [app.model_copy(update={"submitted": None}) for app in round_.applications]
    return round_.model_copy(update={"applications": apps})


def outside_window(policy: Policy, apps: Iterable[Any]) -> int:
    """How many applications were submitted outside the policy's call window for their kind
    (`policy.call_window`: none for a kind whose period the policy does not check, as
    2024's study trips)."""
    windows = {kind: call_window(policy, kind) for kind in KINDS}
    return sum(
        1
        for app in apps
        if isinstance(getattr(app, "submitted", None), date)
        and (window := windows.get(app.kind)) is not None
        and not window.holds(app.submitted)
    )


def undeclared(policy: Policy, apps: Iterable[Any]) -> list[str]:
    """The criteria the applications assess that the policy does not declare for their kind."""
    found: dict[str, None] = {}
    for app in apps:
        allowed = policy.vocabulary.assessed[app.kind]
        found.update(dict.fromkeys(k for k in app.assessment if k not in allowed))
    return sorted(found)


def grant_limit_rules(a: Policy, b: Policy) -> frozenset[str]:
    return frozenset(
        r.id for pol in (a, b) for r in pol.rules if any(br.grant_limit for br in r.branches)
    )


def matters(relevant: Iterable[str], da: Decided, db: Decided, limits: frozenset[str]) -> list[str]:
    """The relevant rules (in order) whose difference changes the outcome, the maximum grant
    or the score; `limits` are the rules that bound the grant."""
    grant_differs = da.max_grant_sek != db.max_grant_sek and da.outcome == db.outcome == "eligible"
    return [
        rule
        for rule in relevant
        if (rule in da.effects or rule in db.effects)
        and (
            da.effects.get(rule) != db.effects.get(rule)
            or da.points.get(rule) != db.points.get(rule)
            or (rule in limits and grant_differs)
        )
    ]
