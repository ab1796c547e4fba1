"""Round reports as the decision documents show them: per kind, "Ansökningar | Förslag på
fördelning", one row per application — the views of `round`, `audit` and `allocate`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fourules.application import KINDS, Kind
from fourules.evaluation.results import Evaluation
from fourules.output.labels import OUTCOMES
from fourules.output.view import Table, View
from fourules.policy.facts import FactDeclaration
from fourules.policy.vocabulary import YES_NO_WORDS
from fourules.rounds.evaluation import RoundEvaluation
from fourules.rounds.model import Round, RoundProject, RoundStudyTrip, added_fields, natural_key
from fourules.text import Lang, LocalText, format_sek

if TYPE_CHECKING:  # annotations only: a round's report needs no allocation solver
    from fourules.rounds.allocation import Allocation
    from fourules.rounds.audit import AuditReport

L = LocalText
TABLE_TITLES: dict[Kind, LocalText] = {
    "project": L(
        sv="Ansökningar och förslag om fördelning av lokala utvecklingsmedel",
        en="Applications and proposed allocation of local development funds",
    ),
    "study_trip": L(
        sv="Ansökningar och förslag på fördelning av medel för studiebesök/studieresa",
        en="Applications and proposed allocation of funds for study trips",
    ),
}
HEADER = (
    L(sv="Ansökningar", en="Applications"),
    L(sv="Förslag på fördelning", en="Proposed allocation"),
)


def _application_cell(
    app: RoundProject | RoundStudyTrip, added: tuple[FactDeclaration, ...], lang: Lang
) -> tuple[str, ...]:
    applicants = app.applicants_as_written or ", ".join(app.applicants)
    requested = (
        format_sek(app.requested_sek)
        if app.requested_sek is not None
        else L(sv="Inte angett", en="Not stated").get(lang)
    )
    same = L(
        sv=f"Samma ansökan som {app.same_as} (same_as)",
        en=f"The same application as {app.same_as} (same_as)",
    )
    return (
        f"{app.table_row or app.id}: {app.title}",
        f"{L(sv='Sökande', en='Applicant').get(lang)}: {applicants}",
        f"{L(sv='Sökt belopp', en='Requested').get(lang)}: {requested}",
        *_added_lines(app, added, lang),
        *([same.get(lang)] if app.same_as else []),
    )


def _added_lines(
    app: RoundProject | RoundStudyTrip, added: tuple[FactDeclaration, ...], lang: Lang
) -> list[str]:
    """The fields the round's year adds, each as "Label: value" (yes/no as ja/nej)."""
    lines = []
    for d in added:
        value = getattr(app, d.json_field or "", None)
        if value is None:
            continue
        if isinstance(value, bool):
            value = YES_NO_WORDS[value].get(lang)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        lines.append(f"{d.label.get(lang)}: {value}")
    return lines


def _sections(round_: Round, right: dict[str, list[str]], lang: Lang) -> list[Table]:
    sections = []
    added = added_fields(round_)
    for number, kind in enumerate(KINDS, start=1):
        apps = sorted(
            (a for a in round_.applications if a.kind == kind), key=lambda a: natural_key(a.id)
        )
        if apps:
            sections.append(
                Table.of(
                    f"{L(sv='Tabell', en='Table').get(lang)} {number}: {TABLE_TITLES[kind].get(lang)}",
                    [h.get(lang) for h in HEADER],
                    [(_application_cell(a, added, lang), tuple(right[a.id])) for a in apps],
                    ruled=True,
                )
            )
    return sections


def _evaluation_cell(e: Evaluation, lang: Lang) -> list[str]:
    grant = (
        L(sv="belopp ej angivet", en="amount not stated").get(lang)
        if e.max_grant_sek is None
        else f"{L(sv='högst', en='at most').get(lang)} {format_sek(e.max_grant_sek)}"
    )
    lines = [
        f"{OUTCOMES[e.outcome].get(lang)}, {grant}, {L(sv='poäng', en='score').get(lang)} {e.score:g}"
    ]
    lines += [f.message for f in e.findings if f.status in ("fail", "warn") or f.effect]
    return lines


def round_view(round_: Round, result: RoundEvaluation, lang: Lang) -> View:
    right = {e.application_id: _evaluation_cell(e, lang) for e in result.evaluations}
    policy = result.policy
    return View(
        title=round_.title or L(sv="Ansökningsomgång", en="Round").get(lang),
        blocks=(
            f"{L(sv='Bedömd enligt', en='Evaluated under').get(lang)} {policy.id} v{policy.version} (sha256 {policy.sha256})",
            *_sections(round_, right, lang),
        ),
        notes_title=L(sv="Omgångens iakttagelser", en="Findings for the round").get(lang),
        notes=tuple(f.message for f in result.findings),
    )


_NOT_FUNDED = {
    "not_put_forward": L(sv="Beaktas inte", en="Not considered"),
    "same_application": L(sv="Samma ansökan", en="Same application"),
}


def allocation_view(round_: Round, allocation: Allocation, lang: Lang) -> View:
    right = {
        ln.application_id: [
            f"{format_sek(ln.proposed_sek)}"
            if ln.status == "funded"
            else _NOT_FUNDED.get(ln.status, L(sv="Ej finansierad", en="Not funded")).get(lang),
            ln.reason,
        ]
        for ln in allocation.lines
    }
    budget = allocation.budget
    intro = [
        f"{L(sv='Budget', en='Budget').get(lang)}: {format_sek(budget.total)}"
        + (
            f" ({L(sv='projekt', en='projects').get(lang)} {format_sek(budget.project)})"
            if budget.project is not None
            else ""
        )
        + (
            f" ({L(sv='studieresor', en='study trips').get(lang)} {format_sek(budget.study_trip)})"
            if budget.study_trip is not None
            else ""
        ),
        f"{L(sv='Föreslaget', en='Proposed').get(lang)}: {format_sek(allocation.proposed_sek['total'])} "
        f"({L(sv='projekt', en='projects').get(lang)} {format_sek(allocation.proposed_sek['project'])}, "
        f"{L(sv='studieresor', en='study trips').get(lang)} {format_sek(allocation.proposed_sek['study_trip'])})",
        f"{L(sv='Metod', en='Method').get(lang)}: {allocation.method}",
    ]
    return View(
        title=L(sv="Utkast till fördelning", en="Draft allocation").get(lang)
        + (f": {round_.title}" if round_.title else ""),
        blocks=(*intro, *_sections(round_, right, lang)),
    )


def audit_view(round_: Round, audit: AuditReport, lang: Lang) -> View:
    by_app: dict[str, list[str]] = {a.id: [] for a in round_.applications}
    for d in audit.discrepancies:
        if len(d.applications) == 1 and d.severity != "info":
            by_app[d.applications[0]].append(f"⚠ {d.message}")
    right = {}
    for app in round_.applications:
        decision = app.decision
        if decision is None:
            text = L(sv="Inget beslut", en="No decision").get(lang)
        elif decision.granted_sek is not None:
            text = format_sek(decision.granted_sek)
        else:  # rejected, not prioritised, or both (as 2018 Tabell 1 row 9)
            text = " ".join(t for t in (decision.rejected, decision.not_prioritised) if t)
        right[app.id] = [text, *([app.reason] if app.reason else []), *by_app[app.id]]
    shared = [
        f"[{d.severity}] {d.message}"
        for d in audit.discrepancies
        if len(d.applications) != 1 or d.severity == "info"
    ]
    status = (
        L(sv="Inga avvikelser.", en="No discrepancies.")
        if audit.clean
        else L(
            sv=f"{sum(d.severity != 'info' for d in audit.discrepancies)} avvikelser.",
            en=f"{sum(d.severity != 'info' for d in audit.discrepancies)} discrepancies.",
        )
    )
    policy = audit.policy
    return View(
        title=L(sv="Granskning", en="Audit").get(lang)
        + (f": {round_.title}" if round_.title else ""),
        blocks=(
            f"{L(sv='Granskad mot', en='Audited against').get(lang)} {policy.id} v{policy.version} (sha256 {policy.sha256})",
            status.get(lang),
            *_sections(round_, right, lang),
        ),
        notes_title=L(sv="Avvikelser och anteckningar", en="Discrepancies and notes").get(lang),
        notes=tuple(shared),
    )


def comparison_blocks(comparison: dict[str, Any], lang: Lang) -> list[Table]:
    """The draft beside the decision: per application, then the sums and the quotas."""
    return [
        _comparison_lines(comparison["lines"], lang),
        _comparison_sums(comparison["sums"], lang),
        _comparison_quotas(comparison["quotas"], lang),
    ]


def _comparison_lines(lines: list[dict[str, Any]], lang: Lang) -> Table:
    sv = lang == "sv"

    def side(entry: dict[str, Any]) -> tuple[str, ...]:
        amount = format_sek(entry["amount_sek"]) if entry["granted"] else ("—")
        return (amount, entry["reason"]) if entry["reason"] else (amount,)

    header = [
        "Ansökan" if sv else "Application",
        "Beslut" if sv else "Decision",
        "Utkast" if sv else "Draft",
        "Lika" if sv else "Same",
    ]
    rows = [
        [
            r["table_row"] or r["application_id"],
            side(r["decided"]),
            side(r["draft"]),
            ("ja" if sv else "yes") if r["same"] else ("nej" if sv else "no"),
        ]
        for r in lines
    ]
    return Table.of("Utkast och beslut" if sv else "Draft and decision", header, rows, ruled=True)


def _comparison_sums(sums: dict[str, Any], lang: Lang) -> Table:
    sv = lang == "sv"
    rows = [
        [label, str(key(sums["decided"])), str(key(sums["draft"]))]
        for label, key in (
            (
                "Beviljade ansökningar" if sv else "Applications funded",
                lambda s: s["applications_funded"],
            ),
            ("Projekt" if sv else "Projects", lambda s: format_sek(s["money_sek"]["project"])),
            (
                "Studieresor" if sv else "Study trips",
                lambda s: format_sek(s["money_sek"]["study_trip"]),
            ),
            ("Totalt" if sv else "Total", lambda s: format_sek(s["money_sek"]["total"])),
            ("Poäng" if sv else "Score", lambda s: f"{s['score_funded']:g}"),
        )
    ]
    header = ["Summa" if sv else "Sum", "Beslut" if sv else "Decision", "Utkast" if sv else "Draft"]
    return Table.of("Summor" if sv else "Sums", header, rows)


def _comparison_quotas(quotas: list[dict[str, Any]], lang: Lang) -> Table:
    sv = lang == "sv"
    header = [
        "Förvaltning" if sv else "Administration",
        "Kvot" if sv else "Quota",
        "Beslut" if sv else "Decision",
        "Utkast" if sv else "Draft",
    ]
    rows = [
        [
            q["administration"],
            q["quota"],
            f"{q['decided']}/{q['limit']}",
            f"{q['draft']}/{q['limit']}",
        ]
        for q in quotas
    ]
    return Table.of("Kvoter" if sv else "Quotas", header, rows)
