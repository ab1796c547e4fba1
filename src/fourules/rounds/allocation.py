"""A draft allocation proposal within a budget.

The method, in full:

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

It does not optimise: it never grants less than the maximum to fit more applications in
(the FoU unit did so in 2018), and it does not search for the combination that spends the
most of the budget. It is a transparent first draft, not a decision.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from fourules.application import KINDS, Kind
from fourules.errors import InputError
from fourules.evaluation.results import Evaluation, PolicyRef
from fourules.policy.model import Policy
from fourules.rounds.checks import check
from fourules.rounds.evaluation import RoundEvaluation, RoundInfo
from fourules.rounds.model import Round, RoundProject, RoundStudyTrip, natural_key
from fourules.rounds.optimal import Candidate, best_combination
from fourules.rounds.quotas import Counted, QuotaBook
from fourules.text import Lang, LocalText, format_sek

L = LocalText
Status = Literal["funded", "budget", "quota", "not_chosen", "ineligible", "undetermined"]
Method = Literal["ranked", "optimal"]
METHODS: dict[str, str] = {
    "ranked": "score desc, then own priority (1 first, unranked last), then smaller maximum "
    "grant, then id; each funded in full at min(requested, cap) while every quota and the "
    "budget allow",
    "optimal": "the combination of eligible applications, each in full at min(requested, cap), "
    "with the highest total score within the budget and every quota; ties: more applications, "
    "then less money left over, then the ranked order (solved exactly, HiGHS)",
}
METHOD = METHODS["ranked"]


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
    outcome: str
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
    method: str
    budget: Budget
    lines: list[AllocationLine]
    proposed_sek: dict[str, int]
    remaining_sek: dict[str, int | None]


def make_budget(total: int | None, project: int | None, study_trip: int | None) -> Budget:
    """The budget from the flags; missing or negative amounts are bad input."""
    for name, value in (
        ("--budget", total),
        ("--budget-project", project),
        ("--budget-study-trip", study_trip),
    ):
        if value is not None and value < 0:
            raise InputError(
                L(
                    sv=f"får inte vara negativ (fick {value})",
                    en=f"must not be negative (got {value})",
                ),
                name,
            )
    if total is None:
        if project is None or study_trip is None:
            raise InputError(
                L(
                    sv="ange en total budget (--budget SEK), eller budget för båda stödformerna",
                    en="give a total budget (--budget SEK), or a budget for both kinds",
                ),
                "--budget",
            )
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
    """One allocation: the ranking, then each application funded or not, with its reason."""

    def __init__(
        self,
        round_: Round,
        result: RoundEvaluation,
        policy: Policy,
        budget: Budget,
        lang: Lang,
        method: Method = "ranked",
    ) -> None:
        self.method = method
        self.by_id = {a.id: a for a in round_.applications}
        self.result, self.budget, self.lang = result, budget, lang
        self.book = QuotaBook(policy)
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
        """Fund an eligible application in full if every quota and the budget allow."""
        app = self.by_id[e.application_id]
        grant = e.max_grant_sek or 0
        item = Counted(
            app.id, app.kind, [x.administration for x in e.applicants if x.administration]
        )
        full = self.book.fits(item)
        kind_budget = self.budget.for_kind(app.kind)
        kind_left = None if kind_budget is None else kind_budget - self.spent[app.kind]
        total_left = self.budget.total - sum(self.spent.values())
        left = total_left if kind_left is None else min(total_left, kind_left)
        if full:
            names = ", ".join(
                f"{u.administration.name} ({u.count}/{u.quota.limit}, {u.quota.id})" for u in full
            )
            self.line(e, rank, 0, "quota", full=names)
        elif grant > left:
            self.line(e, rank, 0, "budget", needed=format_sek(grant), left=format_sek(left))
        else:
            self.book.add(item)
            self.spent[app.kind] += grant
            self.line(
                e, rank, grant, "funded", amount=format_sek(grant), rank=rank, score=f"{e.score:g}"
            )

    def _item(self, e: Evaluation) -> Counted:
        app = self.by_id[e.application_id]
        return Counted(
            app.id, app.kind, [x.administration for x in e.applicants if x.administration]
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
        chosen = best_combination(candidates, self.budget.total, per_kind, limits)
        ranked = list(enumerate(eligible, start=1))
        for rank, e in ranked:
            if e.application_id in chosen:
                grant = e.max_grant_sek or 0
                self.book.add(self._item(e))
                self.spent[self.by_id[e.application_id].kind] += grant
                amount = format_sek(grant)
                self.line(
                    e, rank, grant, "funded", "optimal.funded", amount=amount, score=f"{e.score:g}"
                )
        for rank, e in ranked:
            if e.application_id not in chosen:
                self.left_out(rank, e)

    def left_out(self, rank: int, e: Evaluation) -> None:
        """Why an eligible application is not in the best combination."""
        kind = self.by_id[e.application_id].kind
        grant = e.max_grant_sek or 0
        full = self.book.fits(self._item(e))
        kind_budget = self.budget.for_kind(kind)
        total_left = self.budget.total - sum(self.spent.values())
        left = (
            total_left if kind_budget is None else min(total_left, kind_budget - self.spent[kind])
        )
        if full:
            names = ", ".join(f"{u.administration.name} ({u.quota.id})" for u in full)
            self.line(e, rank, 0, "quota", "optimal.quota", full=names)
        elif grant > left:
            needed, remains = format_sek(grant), format_sek(left)
            self.line(e, rank, 0, "budget", "optimal.budget", needed=needed, left=remains)
        else:
            self.line(e, rank, 0, "not_chosen", "optimal.not_chosen", score=f"{e.score:g}")

    def allocation(self) -> Allocation:
        evaluations = self.result.evaluations
        eligible = sorted(
            (e for e in evaluations if e.outcome == "eligible"),
            key=lambda e: _order(e, self.by_id[e.application_id]),
        )
        if self.method == "optimal":
            self.best(eligible)
        else:
            for rank, e in enumerate(eligible, start=1):
                self.offer(rank, e)
        for e in evaluations:
            if e.outcome != "eligible":
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
            method=METHODS[self.method],
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
) -> Allocation:
    """The draft allocation of a round within the budget; `result` is the round's
    evaluation under `policy`, made once (`evaluate_round`). `method`: `ranked` (in order
    while budget and quotas allow) or `optimal` (the best combination, `rounds/optimal.py`)."""
    return _Allocator(round_, result, policy, budget, lang, method).allocation()
