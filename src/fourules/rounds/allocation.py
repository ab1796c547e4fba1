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

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fourules.application import KINDS, Kind
from fourules.errors import InputError
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation, PolicyRef
from fourules.rounds.evaluation import Progress, RoundInfo, evaluate_round
from fourules.rounds.model import Round, RoundProject, RoundStudyTrip, natural_key
from fourules.rounds.quotas import Counted, QuotaBook
from fourules.text import Lang, LocalText, format_sek

L = LocalText
Status = Literal["funded", "budget", "quota", "ineligible", "undetermined"]
METHOD = (
    "score desc, then own priority (1 first, unranked last), then smaller maximum grant, then id; "
    "each funded in full at min(requested, cap) while every quota and the budget allow"
)


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


def allocate(
    round_: Round,
    year: str,
    evaluator: Evaluator,
    budget: Budget,
    *,
    lang: Lang = "sv",
    scorers: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Allocation:
    result = evaluate_round(round_, year, evaluator, lang=lang, scorers=scorers, progress=progress)
    policy = evaluator.load_policy(year)
    by_id = {a.id: a for a in round_.applications}
    evaluations = result.evaluations
    eligible = sorted(
        (e for e in evaluations if e.outcome == "eligible"),
        key=lambda e: _order(e, by_id[e.application_id]),
    )
    book = QuotaBook(policy)
    spent: dict[Kind, int] = {k: 0 for k in KINDS}
    lines: dict[str, AllocationLine] = {}

    def line(
        e: Evaluation, rank: int | None, proposed: int, status: Status, reason: LocalText
    ) -> None:
        app = by_id[e.application_id]
        lines[e.application_id] = AllocationLine(
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
            reason=reason.get(lang),
        )

    for rank, e in enumerate(eligible, start=1):
        app = by_id[e.application_id]
        grant = e.max_grant_sek or 0
        item = Counted(
            app.id, app.kind, [x.administration for x in e.applicants if x.administration]
        )
        full = book.fits(item)
        kind_budget = budget.for_kind(app.kind)
        kind_left = None if kind_budget is None else kind_budget - spent[app.kind]
        total_left = budget.total - sum(spent.values())
        if full:
            names = ", ".join(
                f"{u.administration.name} ({u.count}/{u.quota.limit}, {u.quota.id})" for u in full
            )
            line(
                e,
                rank,
                0,
                "quota",
                L(
                    sv=f"Ej finansierad: kvoten är fylld för {names}.",
                    en=f"Not funded: the quota is full for {names}.",
                ),
            )
        elif grant > total_left or (kind_left is not None and grant > kind_left):
            left = min(total_left, kind_left) if kind_left is not None else total_left
            line(
                e,
                rank,
                0,
                "budget",
                L(
                    sv=f"Ej finansierad: budgeten räcker inte ({format_sek(grant)} behövs, {format_sek(left)} kvar).",
                    en=f"Not funded: the budget does not cover it ({format_sek(grant)} needed, {format_sek(left)} left).",
                ),
            )
        else:
            book.add(item)
            spent[app.kind] += grant
            line(
                e,
                rank,
                grant,
                "funded",
                L(
                    sv=f"Finansierad med {format_sek(grant)} (plats {rank}, poäng {e.score:g}).",
                    en=f"Funded with {format_sek(grant)} (rank {rank}, score {e.score:g}).",
                ),
            )
    for e in evaluations:
        if e.outcome == "ineligible":
            failed = "; ".join(f.message for f in e.findings if f.effect == "ineligible")
            line(
                e,
                None,
                0,
                "ineligible",
                L(sv=f"Ej berättigad: {failed}", en=f"Ineligible: {failed}"),
            )
        elif e.outcome == "undetermined":
            missing = "; ".join(f.message for f in e.findings if f.effect == "undetermined")
            line(
                e,
                None,
                0,
                "undetermined",
                L(sv=f"Kan inte avgöras: {missing}", en=f"Undetermined: {missing}"),
            )
    ordered = sorted(
        lines.values(),
        key=lambda ln: (ln.rank is None, ln.rank or 0, natural_key(ln.application_id)),
    )
    return Allocation(
        round=result.round,
        policy=result.policy,
        lang=lang,
        method=METHOD,
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
