"""A draft allocation side by side with the decision that was taken on the same round:
per row (granted, amount, reason on each side) and in sum (applications funded, money per
kind, score funded, quotas used). Rows that are one application (`same_as`) are one
application in the sums and the quotas: funded when any of its rows is."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from fourules.application import Kind
from fourules.errors import InputError, Place
from fourules.policy.model import Policy
from fourules.rounds.allocation import Allocation, AllocationLine
from fourules.rounds.evaluation import RoundEvaluation
from fourules.rounds.model import Round, natural_key, same_application_groups
from fourules.rounds.quotas import count_applications, tally
from fourules.texts import both

COMPARE = Place("compare")
"""The domain key of the request to compare (use_cases/places.py)."""
Sidename = Literal["decided", "draft"]
SIDES: tuple[Sidename, ...] = ("decided", "draft")


class _Document(BaseModel):
    model_config = ConfigDict(frozen=True)


class Side(_Document):
    granted: bool
    amount_sek: int
    reason: str


class ComparedLine(_Document):
    """One application: what was decided and what the draft proposes."""

    application_id: str
    kind: Kind
    table_row: str | None
    decided: Side
    draft: Side
    same: bool

    def side(self, name: Sidename) -> Side:
        return self.decided if name == "decided" else self.draft


class Sums(_Document):
    applications_funded: int
    money_sek: dict[str, int]
    score_funded: float


class QuotaUsed(_Document):
    quota: str
    administration: str
    limit: int
    decided: int
    draft: int


class Comparison(_Document):
    """The draft beside the decision a round records (`allocate --compare`)."""

    lines: list[ComparedLine]
    sums: dict[Sidename, Sums]
    quotas: list[QuotaUsed]


def compare(
    round_: Round, allocation: Allocation, result: RoundEvaluation, policy: Policy
) -> Comparison:
    """The draft beside the decision; a round without decisions has nothing to compare."""
    apps = sorted(round_.applications, key=lambda a: natural_key(a.id))
    if not any(a.decision for a in apps):
        raise InputError(both("round_compare.no_decisions"), COMPARE)
    lines = {ln.application_id: ln for ln in allocation.lines}
    rows = []
    for app in apps:
        decision, draft = app.decision, lines[app.id]
        decided_amount = decision.granted if decision else 0
        decided_reason = (
            " ".join(r for r in (decision.rejected, decision.not_prioritised, app.reason) if r)
            if decision
            else ""
        )
        rows.append(
            ComparedLine(
                application_id=app.id,
                kind=app.kind,
                table_row=app.table_row,
                decided=Side(
                    granted=decided_amount > 0, amount_sek=decided_amount, reason=decided_reason
                ),
                draft=Side(
                    granted=draft.proposed_sek > 0,
                    amount_sek=draft.proposed_sek,
                    reason=draft.reason,
                ),
                same=decided_amount == draft.proposed_sek,
            )
        )
    groups = same_application_groups(round_)
    return Comparison(
        lines=rows,
        sums={side: _sums(rows, side, lines, groups) for side in SIDES},
        quotas=_quotas(round_, rows, result, policy, groups),
    )


def _funded(rows: list[ComparedLine], side: Sidename, groups: dict[str, list[str]]) -> set[str]:
    """The applications (by first row) one side funds: any of its rows granted."""
    granted = {r.application_id for r in rows if r.side(side).granted}
    return {first for first, ids in groups.items() if granted.intersection(ids)}


def _quotas(
    round_: Round,
    rows: list[ComparedLine],
    result: RoundEvaluation,
    policy: Policy,
    groups: dict[str, list[str]],
) -> list[QuotaUsed]:
    """Every quota either side uses: applications granted against its limit."""
    evaluations = {e.application_id: e for e in result.evaluations}
    items = count_applications(round_, evaluations)

    def used(side: Sidename) -> dict[tuple[str, str], int]:
        funded = _funded(rows, side, groups)
        book = tally(policy, (c for c in items if c.application_id in funded))
        return {(u.quota.id, u.administration.id): u.count for u in book.uses()}

    sides = {side: used(side) for side in SIDES}
    names = {a.id: a.name for a in policy.administrations.members}
    limits = {q.id: q.limit for q in policy.quotas}
    keys = sorted(set(sides["decided"]) | set(sides["draft"]), key=lambda k: (names[k[1]], k[0]))
    return [
        QuotaUsed(
            quota=quota,
            administration=names[admin],
            limit=limits[quota],
            decided=sides["decided"].get((quota, admin), 0),
            draft=sides["draft"].get((quota, admin), 0),
        )
        for quota, admin in keys
    ]


def _sums(
    rows: list[ComparedLine],
    side: Sidename,
    lines: dict[str, AllocationLine],
    groups: dict[str, list[str]],
) -> Sums:
    funded = [r.side(side) for r in rows if r.side(side).granted]
    kinds = [r.kind for r in rows if r.side(side).granted]
    applications = _funded(rows, side, groups)
    money = {
        kind: sum(s.amount_sek for s, k in zip(funded, kinds, strict=True) if k == kind)
        for kind in ("project", "study_trip")
    }
    return Sums(
        applications_funded=len(applications),
        money_sek=money | {"total": sum(s.amount_sek for s in funded)},
        score_funded=sum(lines[first].score for first in applications),
    )
