"""A draft allocation proposal within a budget.

The method, in full:

0. Only what the administrations put forward is considered, before any score
   (`rounds/choice.py`): an application its administration did not prioritise, or ranked
   beyond its quota, is listed as `not_put_forward` with the decision's words. Rows that
   are one application (`same_as`) are considered once, as their first row; the others are
   listed as `same_application`, never funded on their own.
1. Every application is evaluated. Only `eligible` ones can be funded; `undetermined`
   ones are listed with what is missing, `ineligible` ones with the rule that failed.
2. Eligible applications are ranked by score (higher first); ties by the administration's
   own `priority` (1 first, unranked last), then by the smaller maximum grant (so a tie
   spreads the budget over more applications), then by id. The ranking does not depend on
   the order of the round's applications.
3. In that order, each is offered its maximum grant, min(requested, cap). It is funded in
   full if every quota of every co-applicant still has room and the budget (total, and its
   kind's budget if one is given) still covers it; otherwise it is not funded, with the
   reason (quota before budget).

With `method="optimal"` step 3 is replaced by the best combination (`rounds/optimal.py`).
With a minimum share P, an application the budget no longer covers in full may get a
partial grant: the whole thousands of kronor left, if that is at least P × its maximum
grant. The decisions grant below the request (2018) but state no method for it, so this is
a tool for drafting, not a rule. It is a transparent first draft, not a decision.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fourules.application import KINDS, MAX_EXACT, Kind
from fourules.errors import InputError, Place
from fourules.evaluation.results import Evaluation, Outcome, PolicyRef
from fourules.policy.model import Policy
from fourules.rounds.checks import check
from fourules.rounds.choice import NotPutForward, choices
from fourules.rounds.evaluation import RoundEvaluation, RoundInfo
from fourules.rounds.model import (
    Round,
    RoundProject,
    RoundStudyTrip,
    natural_key,
    same_application_groups,
)
from fourules.rounds.optimal import THOUSAND, Candidate, best_combination, partial_range
from fourules.rounds.quotas import Counted, QuotaBook, count_applications
from fourules.text import Lang, LocalText, format_sek
from fourules.texts import both

L = LocalText
Status = Literal[
    "funded",
    "budget",
    "quota",
    "not_chosen",
    "ineligible",
    "undetermined",
    "not_put_forward",
    "same_application",
]
Method = Literal["ranked", "optimal"]
METHODS: tuple[Method, ...] = ("ranked", "optimal")
"""How each method works is said in its own words in `checks.yaml` (`method.*`)."""


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    total: int
    project: int | None = None
    study_trip: int | None = None

    def for_kind(self, kind: Kind) -> int | None:
        return self.project if kind == "project" else self.study_trip


class AllocationLine(BaseModel):
    """One application in the proposal, with a one-line reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    application_id: str
    kind: Kind
    rank: int | None
    score: float
    priority: int | None
    outcome: Outcome
    requested_sek: int | None
    max_grant_sek: int | None
    proposed_sek: int
    status: Status
    reason: str


class Allocation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    round: RoundInfo
    policy: PolicyRef
    lang: Lang
    method: Method
    method_description: str = Field(
        description="How the method allocated, in the allocation's language (with the least "
        "share of a partial grant when one was allowed)."
    )
    min_share: float | None = None
    budget: Budget
    lines: list[AllocationLine]
    proposed_sek: dict[str, int]
    remaining_sek: dict[str, int | None]


# What a person fixes when an allocation is refused, by its domain key (`InputError.where`);
# each front end names them its own way (use_cases/places.py).
BUDGET = Place("budget")
BUDGET_PROJECT = Place("budget.project")
BUDGET_STUDY_TRIP = Place("budget.study_trip")
MIN_SHARE = Place("min_share")


def check_min_share(value: float | None) -> float | None:
    """The minimum share of a partial grant, a fraction in (0, 1]."""
    if value is not None and not 0 < value <= 1:
        raise InputError(both("allocation_terms.min_share", value=f"{value:g}"), MIN_SHARE)
    return value


def make_budget(total: int | None, project: int | None, study_trip: int | None) -> Budget:
    """The budget from its amounts; missing or negative amounts are bad input."""
    for name, value in (
        (BUDGET, total),
        (BUDGET_PROJECT, project),
        (BUDGET_STUDY_TRIP, study_trip),
    ):
        if value is not None and value < 0:
            raise InputError(both("allocation_terms.negative", value=value), name)
        if value is not None and value > MAX_EXACT:
            raise InputError(both("allocation_terms.too_large", most=MAX_EXACT), name)
    if total is None:
        if project is None or study_trip is None:
            raise InputError(both("allocation_terms.budget"), BUDGET)
        total = project + study_trip
    return Budget(total=total, project=project, study_trip=study_trip)


def _order(e: Evaluation, app: RoundProject | RoundStudyTrip) -> tuple[object, ...]:
    return (
        -e.score,
        app.priority if app.priority is not None else float("inf"),
        e.max_grant_sek or 0,
        natural_key(app.id),
    )


class _Allocator:
    """One allocation: the ranking, then each application funded or not, with its reason;
    made by `allocate` alone, whose defaults are the terms'."""

    def __init__(
        self,
        round_: Round,
        result: RoundEvaluation,
        policy: Policy,
        budget: Budget,
        lang: Lang,
        method: Method,
        min_share: float | None,
    ) -> None:
        self.method, self.min_share = method, min_share
        self.by_id = {a.id: a for a in round_.applications}
        self.result, self.budget, self.lang = result, budget, lang
        self.book = QuotaBook(policy)
        evaluations = {e.application_id: e for e in result.evaluations}
        self.items = {c.application_id: c for c in count_applications(round_, evaluations)}
        self.aside = choices(round_, evaluations, policy).not_put_forward
        self.part_of = {
            i: first for first, ids in same_application_groups(round_).items() for i in ids[1:]
        }
        self.names = {a.id: a.name for a in policy.administrations.members}
        self.spent: dict[Kind, int] = {k: 0 for k in KINDS}
        self.lines: dict[str, AllocationLine] = {}

    def line(
        self,
        e: Evaluation,
        rank: int | None,
        proposed: int,
        status: Status,
        /,
        check_id: str | None = None,
        **values: object,
    ) -> None:
        """The application's line; `values` fill the message of the check named `check_id`
        (by default, as its status)."""
        app = self.by_id[e.application_id]
        self.lines[e.application_id] = AllocationLine(
            application_id=e.application_id,
            kind=app.kind,
            rank=rank,
            score=e.score,
            priority=app.priority,
            outcome=e.outcome,
            requested_sek=app.requested_sek,
            max_grant_sek=e.max_grant_sek,
            proposed_sek=proposed,
            status=status,
            reason=check("allocation", check_id or status).text(self.lang, **values),
        )

    def offer(self, rank: int, e: Evaluation) -> None:
        """Fund an eligible application in full if every quota and the budget allow, else
        (with a minimum share) with the whole thousands left if they reach it."""
        grant = e.max_grant_sek or 0
        full = self.book.fits(self._item(e))
        left = self.left(self.by_id[e.application_id].kind)
        partial = partial_range(grant, self.min_share)
        part = left // THOUSAND * THOUSAND
        if full:
            names = ", ".join(
                f"{u.administration.name} ({u.count}/{u.quota.limit}, {u.quota.id})" for u in full
            )
            self.line(e, rank, 0, "quota", full=names)
        elif grant <= left:
            self.fund(rank, e, grant)
        elif partial and part >= partial[0] * THOUSAND:
            self.fund(rank, e, part)
        else:
            needed = format_sek(partial[0] * THOUSAND if partial else grant)
            self.line(e, rank, 0, "budget", needed=needed, left=format_sek(left))

    def left(self, kind: Kind) -> int:
        """What the budget still covers for an application of this kind."""
        kind_budget = self.budget.for_kind(kind)
        total_left = self.budget.total - sum(self.spent.values())
        return (
            total_left if kind_budget is None else min(total_left, kind_budget - self.spent[kind])
        )

    def fund(self, rank: int, e: Evaluation, amount: int) -> None:
        """Grant `amount` (the maximum grant, or a partial grant) and say so."""
        self.book.add(self._item(e))
        self.spent[self.by_id[e.application_id].kind] += amount
        grant = e.max_grant_sek or 0
        prefix = "optimal." if self.method == "optimal" else ""
        values: dict[str, object] = {"amount": format_sek(amount), "score": f"{e.score:g}"}
        if self.method == "ranked":
            values["rank"] = rank
        if amount < grant:
            values |= {"max": format_sek(grant), "share": f"{100 * amount // grant} %"}
            self.line(e, rank, amount, "funded", f"{prefix}partial", **values)
        else:
            self.line(e, rank, amount, "funded", f"{prefix}funded", **values)

    def _item(self, e: Evaluation) -> Counted:
        """The application as the quotas count it (rows that are one application, once)."""
        return self.items[e.application_id]

    def not_put_forward(self, e: Evaluation, aside: NotPutForward) -> None:
        """Never offered: its administration did not put it forward."""
        whose = ", ".join(self.names[a] for a in aside.administrations)
        if aside.quote is not None:
            self.line(e, None, 0, "not_put_forward", administrations=whose, quote=aside.quote)
        else:
            self.line(
                e,
                None,
                0,
                "not_put_forward",
                "not_put_forward.priority",
                administrations=whose,
                priority=aside.priority,
                limit=aside.limit,
                quota=aside.quota,
            )

    def best(self, eligible: list[Evaluation]) -> None:
        """Fund the best combination; say of every other why it is not in it."""
        candidates = []
        limits: dict[tuple[str, str], int] = {}
        for rank, e in enumerate(eligible, start=1):
            item = self._item(e)
            keys = []
            for admin in dict.fromkeys(item.administrations):
                for quota in self.book.quotas_for(item.kind, admin):
                    keys.append((quota.id, admin))
                    limits[quota.id, admin] = quota.limit
            candidates.append(
                Candidate(
                    e.application_id, item.kind, e.max_grant_sek or 0, e.score, rank, tuple(keys)
                )
            )
        per_kind = {k: self.budget.for_kind(k) for k in KINDS}
        chosen = best_combination(candidates, self.budget.total, per_kind, limits, self.min_share)
        ranked = list(enumerate(eligible, start=1))
        for rank, e in ranked:
            if e.application_id in chosen:
                self.fund(rank, e, chosen[e.application_id])
        for rank, e in ranked:
            if e.application_id not in chosen:
                self.left_out(rank, e)

    def left_out(self, rank: int, e: Evaluation) -> None:
        """Why an eligible application is not in the best combination."""
        grant = e.max_grant_sek or 0
        partial = partial_range(grant, self.min_share)
        needed = partial[0] * THOUSAND if partial else grant
        full = self.book.fits(self._item(e))
        left = self.left(self.by_id[e.application_id].kind)
        if full:
            names = ", ".join(f"{u.administration.name} ({u.quota.id})" for u in full)
            self.line(e, rank, 0, "quota", "optimal.quota", full=names)
        elif needed > left:
            amount, remains = format_sek(needed), format_sek(left)
            self.line(e, rank, 0, "budget", "optimal.budget", needed=amount, left=remains)
        else:
            self.line(e, rank, 0, "not_chosen", "optimal.not_chosen", score=f"{e.score:g}")

    def _method(self) -> str:
        """The method in words, in the allocation's language."""
        text = check("allocation", f"method.{self.method}").text(self.lang)
        if self.min_share is None:
            return text
        share = f"{self.min_share:g}"
        return text + check("allocation", f"method.{self.method}.partial").text(
            self.lang, share=share
        )

    def considered(self, e: Evaluation) -> bool:
        """Put forward by its administrations, and the first row of its application."""
        return e.application_id not in self.part_of and e.application_id not in self.aside

    def allocation(self) -> Allocation:
        evaluations = self.result.evaluations
        eligible = sorted(
            (e for e in evaluations if e.outcome == "eligible" and self.considered(e)),
            key=lambda e: _order(e, self.by_id[e.application_id]),
        )
        if self.method == "optimal":
            self.best(eligible)
        else:
            for rank, e in enumerate(eligible, start=1):
                self.offer(rank, e)
        for e in evaluations:
            if (first := self.part_of.get(e.application_id)) is not None:
                self.line(e, None, 0, "same_application", first=first)
            elif (aside := self.aside.get(e.application_id)) is not None:
                self.not_put_forward(e, aside)
            elif e.outcome != "eligible":
                reasons = "; ".join(f.message for f in e.findings if f.effect == e.outcome)
                self.line(e, None, 0, e.outcome, reasons=reasons)
        budget, spent = self.budget, self.spent
        ordered = sorted(
            self.lines.values(),
            key=lambda ln: (ln.rank is None, ln.rank or 0, natural_key(ln.application_id)),
        )
        return Allocation(
            round=self.result.round,
            policy=self.result.policy,
            lang=self.lang,
            method=self.method,
            method_description=self._method(),
            min_share=self.min_share,
            budget=budget,
            lines=ordered,
            proposed_sek={**spent, "total": sum(spent.values())},
            remaining_sek={
                "project": None if budget.project is None else budget.project - spent["project"],
                "study_trip": None
                if budget.study_trip is None
                else budget.study_trip - spent["study_trip"],
                "total": budget.total - sum(spent.values()),
            },
        )


def allocate(
    round_: Round,
    result: RoundEvaluation,
    policy: Policy,
    budget: Budget,
    *,
    lang: Lang = "sv",
    method: Method = "ranked",
    min_share: float | None = None,
) -> Allocation:
    """The draft allocation of a round within the budget; `result` is the round's
    evaluation under `policy`, made once (`evaluate_round`). `method`: `ranked` (in order
    while budget and quotas allow) or `optimal` (the best combination, `rounds/optimal.py`);
    `min_share` allows partial grants of at least that share of the maximum grant."""
    min_share = check_min_share(min_share)
    return _Allocator(round_, result, policy, budget, lang, method, min_share).allocation()
