"""Replay: real applications evaluated under two years, and the rules that decide them
differently."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field

from fourules.comparison.structure import ComparisonModel
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation
from fourules.parallel import forked_map, gc_paused, worker_pays
from fourules.policy.model import Policy
from fourules.rounds.model import Round, natural_key
from fourules.text import Lang


class Side(ComparisonModel):
    outcome: str
    max_grant_sek: int | None
    score: float


class Replayed(ComparisonModel):
    application_id: str
    before: Side
    after: Side
    rules: list[str]
    """The rules that decide differently: a different effect, grant limit or score."""


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
        "year's call window: a round of one year replayed under another is judged late or "
        "early by its own dates, so a change may be the dates', not the rules'.",
    )


class Replay(ComparisonModel):
    changed: list[Replayed]
    summary: ReplaySummary


@dataclass(frozen=True)
class Decided:
    """What a diff needs of an evaluation: its side, and each rule's effect and points."""

    outcome: str
    max_grant_sek: int | None
    score: float
    effects: dict[str, str | None]
    points: dict[str, float]

    @property
    def side(self) -> Side:
        return Side(outcome=self.outcome, max_grant_sek=self.max_grant_sek, score=self.score)

    @classmethod
    def of(cls, e: Evaluation) -> Decided:
        # Plain values only: cheap to send back from a worker process.
        return cls(
            outcome=e.outcome,
            max_grant_sek=e.max_grant_sek,
            score=e.score,
            effects={f.rule: f.effect for f in e.findings},
            points={i.criterion: i.points for i in e.score_breakdown},
        )


def side_of(e: Evaluation) -> Side:
    return Side(outcome=e.outcome, max_grant_sek=e.max_grant_sek, score=e.score)


PARALLEL_FROM = 2000
"""Replays of at least this many applications decide the two years in two processes."""


def _decide_year(apps: list[Any], year: str, evaluator: Evaluator, lang: Lang) -> list[Decided]:
    vocabulary = evaluator.load_policy(year).vocabulary
    return [
        Decided.of(evaluator.evaluate(vocabulary.restrict(app), year, lang=lang)) for app in apps
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
    all_rules = sorted({r.id for r in (*pa.rules, *pb.rules)})
    limits = grant_limit_rules(pa, pb)
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
        rules = matters(all_rules, da, db, limits)
        changed.append(Replayed(application_id=app.id, before=sa, after=sb, rules=rules))
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


def outside_window(policy: Policy, apps: Iterable[Any]) -> int:
    """How many applications were submitted outside the policy's call window (none when the
    policy states no window: `call_window.opens` and `.closes`)."""
    window = [policy.parameters.get(f"call_window.{end}") for end in ("opens", "closes")]
    if any(p is None or not isinstance(p.value, date) for p in window):
        return 0
    opens, closes = (p.value for p in window)  # type: ignore[union-attr]
    return sum(
        1
        for app in apps
        if isinstance(getattr(app, "submitted", None), date)
        and not opens <= app.submitted <= closes
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
