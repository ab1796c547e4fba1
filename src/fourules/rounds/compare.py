"""A draft allocation side by side with the decision that was taken on the same round:
per application (granted, amount, reason on each side) and in sum (applications funded,
money per kind, score funded, quotas used)."""

from __future__ import annotations

from typing import Any

from fourules.errors import InputError
from fourules.policy.model import Policy
from fourules.rounds.allocation import Allocation
from fourules.rounds.evaluation import RoundEvaluation
from fourules.rounds.model import Round, natural_key
from fourules.rounds.quotas import Counted, tally
from fourules.text import LocalText


def compare(
    round_: Round, allocation: Allocation, result: RoundEvaluation, policy: Policy
) -> dict[str, Any]:
    """The draft beside the decision; a round without decisions has nothing to compare."""
    apps = sorted(round_.applications, key=lambda a: natural_key(a.id))
    if not any(a.decision for a in apps):
        raise InputError(
            LocalText(
                sv="omgången har inga beslut att jämföra med (decision per ansökan)",
                en="the round holds no decisions to compare with (a decision per application)",
            ),
            "--compare",
        )
    lines = {ln.application_id: ln for ln in allocation.lines}
    rows = []
    for app in apps:
        decision, draft = app.decision, lines[app.id]
        decided_amount = decision.granted if decision else 0
        decided_reason = (
            (decision.rejected or decision.not_prioritised or app.reason or "") if decision else ""
        )
        rows.append(
            {
                "application_id": app.id,
                "kind": app.kind,
                "table_row": app.table_row,
                "decided": {
                    "granted": decided_amount > 0,
                    "amount_sek": decided_amount,
                    "reason": decided_reason,
                },
                "draft": {
                    "granted": draft.proposed_sek > 0,
                    "amount_sek": draft.proposed_sek,
                    "reason": draft.reason,
                },
                "same": decided_amount == draft.proposed_sek,
            }
        )
    return {
        "lines": rows,
        "sums": {side: _sums(rows, side, lines) for side in ("decided", "draft")},
        "quotas": _quotas(rows, result, policy),
    }


def _quotas(rows: list[dict[str, Any]], result: RoundEvaluation, policy: Policy) -> list[Any]:
    """Every quota either side uses: applications granted against its limit."""
    evaluations = {e.application_id: e for e in result.evaluations}

    def used(side: str) -> dict[tuple[str, str], int]:
        book = tally(
            policy,
            (
                Counted.of(r["application_id"], r["kind"], evaluations[r["application_id"]])
                for r in rows
                if r[side]["granted"]
            ),
        )
        return {(u.quota.id, u.administration.id): u.count for u in book.uses()}

    sides = {side: used(side) for side in ("decided", "draft")}
    names = {a.id: a.name for a in policy.administrations.members}
    limits = {q.id: q.limit for q in policy.quotas}
    keys = sorted(set(sides["decided"]) | set(sides["draft"]), key=lambda k: (names[k[1]], k[0]))
    return [
        {
            "quota": quota,
            "administration": names[admin],
            "limit": limits[quota],
            "decided": sides["decided"].get((quota, admin), 0),
            "draft": sides["draft"].get((quota, admin), 0),
        }
        for quota, admin in keys
    ]


def _sums(rows: list[dict[str, Any]], side: str, lines: dict[str, Any]) -> dict[str, Any]:
    funded = [r for r in rows if r[side]["granted"]]
    return {
        "applications_funded": len(funded),
        "money_sek": {
            kind: sum(r[side]["amount_sek"] for r in funded if r["kind"] == kind)
            for kind in ("project", "study_trip")
        }
        | {"total": sum(r[side]["amount_sek"] for r in funded)},
        "score_funded": sum(lines[r["application_id"]].score for r in funded),
    }
