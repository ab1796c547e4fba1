"""Auditing a decided round against its own year's rules.

Every discrepancy names its row: a grant above the cap or above the request, a grant to
an application that is ineligible (or that cannot be decided), an administration granted
more than its quota, apparent duplicates that were both granted, a stated total that is
not the sum of its rows, an application without a decision. Transcription notes are
listed too, so an auditor sees where a row was read by inference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation, PolicyRef
from fourules.policy.source import Source
from fourules.rounds.evaluation import RoundEvaluation, RoundInfo, counted, evaluate_round
from fourules.rounds.model import Round, StatedTotal, natural_key
from fourules.rounds.quotas import tally
from fourules.text import Lang, LocalText, format_sek

L = LocalText
Severity = Literal["error", "warning", "info"]


class Discrepancy(BaseModel):
    """One thing an auditor should look at: what, where, and what the rules say."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    severity: Severity
    message: str
    applications: list[str]
    rows: list[str]
    expected: int | None = None
    actual: int | None = None
    source: Source | None = None


class AuditReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    round: RoundInfo
    policy: PolicyRef
    lang: Lang
    decided: int
    granted_sek: dict[str, int]
    discrepancies: list[Discrepancy]

    @property
    def clean(self) -> bool:
        """No errors or warnings (notes alone do not count)."""
        return all(d.severity == "info" for d in self.discrepancies)


def _rows(round_: Round, ids: Sequence[str]) -> list[str]:
    by_id = {a.id: a for a in round_.applications}
    return [by_id[i].table_row or i for i in ids]


def audit_round(
    round_: Round, year: str, evaluator: Evaluator, *, lang: Lang = "sv"
) -> AuditReport:
    """Check a decided round against the rules of `year` (normally its own)."""
    result: RoundEvaluation = evaluate_round(round_, year, evaluator, lang=lang)
    evaluations: dict[str, Evaluation] = {e.application_id: e for e in result.evaluations}
    apps = sorted(round_.applications, key=lambda a: natural_key(a.id))
    found: list[Discrepancy] = []

    def add(
        check: str, severity: Severity, text: LocalText, ids: Sequence[str], **extra: object
    ) -> None:
        found.append(
            Discrepancy(
                check=check,
                severity=severity,
                message=text.get(lang),
                applications=list(ids),
                rows=_rows(round_, ids),
                **extra,
            )
        )

    for app in apps:
        e = evaluations[app.id]
        if app.decision is None:
            add(
                "decision.missing",
                "warning",
                L(sv=f"{app.id}: inget beslut angivet.", en=f"{app.id}: no decision given."),
                [app.id],
            )
            continue
        amount = app.decision.granted
        if amount == 0:
            continue
        if e.outcome == "ineligible":
            failed = "; ".join(f.message for f in e.findings if f.effect == "ineligible")
            add(
                "grant.ineligible",
                "error",
                L(
                    sv=f"{app.id} beviljas {format_sek(amount)} men är inte berättigad: {failed}",
                    en=f"{app.id} is granted {format_sek(amount)} but is ineligible: {failed}",
                ),
                [app.id],
                expected=0,
                actual=amount,
            )
        elif e.outcome == "undetermined":
            missing = "; ".join(f.message for f in e.findings if f.effect == "undetermined")
            add(
                "grant.undetermined",
                "warning",
                L(
                    sv=f"{app.id} beviljas {format_sek(amount)} trots att det inte kan avgöras: {missing}",
                    en=f"{app.id} is granted {format_sek(amount)} although it cannot be decided: {missing}",
                ),
                [app.id],
                actual=amount,
            )
        if app.requested_sek is not None and amount > app.requested_sek:
            add(
                "grant.above_request",
                "error",
                L(
                    sv=f"{app.id} beviljas {format_sek(amount)}, mer än sökta {format_sek(app.requested_sek)}.",
                    en=f"{app.id} is granted {format_sek(amount)}, more than the {format_sek(app.requested_sek)} requested.",
                ),
                [app.id],
                expected=app.requested_sek,
                actual=amount,
            )
        limit = e.max_grant_sek
        if (
            e.outcome != "ineligible"
            and limit is not None
            and amount > limit
            and (app.requested_sek is None or limit < app.requested_sek)
        ):
            cap = next((f for f in e.findings if f.rule.startswith("cap.")), None)
            add(
                "grant.above_cap",
                "error",
                L(
                    sv=f"{app.id} beviljas {format_sek(amount)}, över högsta belopp {format_sek(limit)}.",
                    en=f"{app.id} is granted {format_sek(amount)}, above the cap of {format_sek(limit)}.",
                ),
                [app.id],
                expected=limit,
                actual=amount,
                source=cap.source if cap else None,
            )

    by_id = {a.id: a for a in apps}

    def granted(ident: str) -> bool:
        decision = by_id[ident].decision
        return decision is not None and decision.granted > 0

    granted_items = [c for c in counted(round_, evaluations) if granted(c.application_id)]
    for use in tally(evaluator.load_policy(year), granted_items).uses():
        if use.over:
            ids = sorted(use.applications, key=natural_key)
            add(
                "quota.exceeded",
                "error",
                L(
                    sv=f"{use.administration.name} beviljas {use.count} ansökningar, högst {use.quota.limit} får beviljas ({use.quota.id}).",
                    en=f"{use.administration.name} is granted {use.count} applications, at most {use.quota.limit} may be ({use.quota.id}).",
                ),
                ids,
                expected=use.quota.limit,
                actual=use.count,
                source=use.quota.source,
            )

    for dup in result.duplicates:
        if sum(granted(i) for i in dup.applications) > 1:
            add(
                "duplicate.granted",
                "warning",
                L(
                    sv=f"{', '.join(dup.applications)} ser ut att vara samma ansökan ({dup.reason}) och beviljas var för sig.",
                    en=f"{', '.join(dup.applications)} look like the same application ({dup.reason}) and are granted separately.",
                ),
                dup.applications,
            )

    for total in round_.stated_totals:
        actual, ids = _computed(total, round_, evaluations)
        if actual != total.value:
            add(
                f"total.{total.id}",
                "warning",
                L(
                    sv=f"Angiven summa {total.id} är {_fmt(total, total.value)} men raderna ger {_fmt(total, actual)} (skillnad {_fmt(total, actual - total.value)}).",
                    en=f"Stated total {total.id} is {_fmt(total, total.value)} but the rows give {_fmt(total, actual)} (difference {_fmt(total, actual - total.value)}).",
                ),
                ids,
                expected=total.value,
                actual=actual,
                source=Source(
                    document=round_.document or "", section=total.section, quote=total.quote
                ),
            )

    for app in apps:
        for note in app.notes:
            add(
                "transcription.note",
                "info",
                L(sv=f"{app.id}: {note}", en=f"{app.id}: {note}"),
                [app.id],
            )

    decided = [a for a in apps if a.decision is not None]
    return AuditReport(
        round=result.round,
        policy=result.policy,
        lang=lang,
        decided=len(decided),
        granted_sek={
            "project": sum(
                a.decision.granted for a in decided if a.kind == "project" and a.decision
            ),
            "study_trip": sum(
                a.decision.granted for a in decided if a.kind == "study_trip" and a.decision
            ),
            "total": sum(a.decision.granted for a in decided if a.decision),
        },
        discrepancies=found,
    )


def _fmt(total: StatedTotal, value: int) -> str:
    return format_sek(value) if total.measure in ("requested", "granted") else str(value)


def _computed(
    total: StatedTotal, round_: Round, evaluations: dict[str, Evaluation]
) -> tuple[int, list[str]]:
    apps = [a for a in round_.applications if total.kind is None or a.kind == total.kind]
    ids = sorted((a.id for a in apps), key=natural_key)
    if total.measure == "requested":
        return sum(a.requested_sek or 0 for a in apps), ids
    if total.measure == "granted":
        given = [a for a in apps if a.decision and a.decision.granted > 0]
        return sum(a.decision.granted for a in given if a.decision), sorted(
            (a.id for a in given), key=natural_key
        )
    if total.measure == "applications":
        return len(apps), ids
    admins = {
        x.administration for a in apps for x in evaluations[a.id].applicants if x.administration
    }
    return len(admins), ids
