"""Round reports as the decision documents show them: per kind, "Ansökningar | Förslag på
fördelning", one row per application — in markdown, HTML, or a terminal table."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table

from fourules.application import KINDS, Kind
from fourules.cli.render import OUTCOMES, cells, markdown_table, render_tables
from fourules.evaluation.results import Evaluation
from fourules.rounds.allocation import Allocation
from fourules.rounds.audit import AuditReport
from fourules.rounds.evaluation import RoundEvaluation
from fourules.rounds.model import Round, RoundProject, RoundStudyTrip, natural_key
from fourules.text import Lang, LocalText, format_sek

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


@dataclass(frozen=True)
class Row:
    left: list[str]
    right: list[str]


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Report:
    title: str
    intro: list[str]
    sections: list[Section]
    notes_title: str = ""
    notes: Sequence[str] = ()


def _application_cell(app: RoundProject | RoundStudyTrip, lang: Lang) -> list[str]:
    applicants = app.applicants_as_written or ", ".join(app.applicants)
    requested = (
        format_sek(app.requested_sek)
        if app.requested_sek is not None
        else L(sv="Inte angett", en="Not stated").get(lang)
    )
    return [
        f"{app.table_row or app.id}: {app.title}",
        f"{L(sv='Sökande', en='Applicant').get(lang)}: {applicants}",
        f"{L(sv='Sökt belopp', en='Requested').get(lang)}: {requested}",
    ]


def _sections(round_: Round, right: dict[str, list[str]], lang: Lang) -> list[Section]:
    sections = []
    for number, kind in enumerate(KINDS, start=1):
        apps = sorted(
            (a for a in round_.applications if a.kind == kind), key=lambda a: natural_key(a.id)
        )
        if apps:
            sections.append(
                Section(
                    title=f"{L(sv='Tabell', en='Table').get(lang)} {number}: {TABLE_TITLES[kind].get(lang)}",
                    rows=[Row(_application_cell(a, lang), right[a.id]) for a in apps],
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


def round_report(round_: Round, result: RoundEvaluation, lang: Lang) -> Report:
    right = {e.application_id: _evaluation_cell(e, lang) for e in result.evaluations}
    return Report(
        title=round_.title or L(sv="Ansökningsomgång", en="Round").get(lang),
        intro=[
            f"{L(sv='Bedömd enligt', en='Evaluated under').get(lang)} {result.policy.id} v{result.policy.version} (sha256 {result.policy.sha256})"
        ],
        sections=_sections(round_, right, lang),
        notes_title=L(sv="Omgångens iakttagelser", en="Findings for the round").get(lang),
        notes=[f.message for f in result.findings],
    )


def allocation_report(round_: Round, allocation: Allocation, lang: Lang) -> Report:
    right = {
        ln.application_id: [
            f"{format_sek(ln.proposed_sek)}"
            if ln.status == "funded"
            else L(sv="Ej finansierad", en="Not funded").get(lang),
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
    return Report(
        title=L(sv="Utkast till fördelning", en="Draft allocation").get(lang)
        + (f": {round_.title}" if round_.title else ""),
        intro=intro,
        sections=_sections(round_, right, lang),
    )


def audit_report(round_: Round, audit: AuditReport, lang: Lang) -> Report:
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
        elif decision.rejected is not None:
            text = decision.rejected
        else:
            text = decision.not_prioritised or ""
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
    return Report(
        title=L(sv="Granskning", en="Audit").get(lang)
        + (f": {round_.title}" if round_.title else ""),
        intro=[
            f"{L(sv='Granskad mot', en='Audited against').get(lang)} {audit.policy.id} v{audit.policy.version} (sha256 {audit.policy.sha256})",
            status.get(lang),
        ],
        sections=_sections(round_, right, lang),
        notes_title=L(sv="Avvikelser och anteckningar", en="Discrepancies and notes").get(lang),
        notes=shared,
    )


# --- output --------------------------------------------------------------------------------


def to_markdown(report: Report, lang: Lang) -> str:
    parts = [f"# {report.title}\n\n", *(f"{line}  \n" for line in report.intro), "\n"]
    for section in report.sections:
        parts.append(f"## {section.title}\n\n")
        parts.append(
            markdown_table(
                [h.get(lang) for h in HEADER],
                [["<br>".join(r.left), "<br>".join(r.right)] for r in section.rows],
            )
        )
        parts.append("\n")
    if report.notes:
        parts.append(f"## {report.notes_title}\n\n")
        parts.extend(f"- {note}\n" for note in report.notes)
    return "".join(parts)


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;line-height:1.4}"
    "table{border-collapse:collapse;width:100%;margin-bottom:2rem}"
    "th,td{border:1px solid #999;padding:.4rem .6rem;vertical-align:top;text-align:left}"
    "th{background:#eee}td p{margin:.1rem 0}"
)


def to_html(report: Report, lang: Lang) -> str:
    e = html.escape
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(report.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<h1>{e(report.title)}</h1>\n",
        *(f"<p>{e(line)}</p>\n" for line in report.intro),
    ]
    for section in report.sections:
        parts.append(f"<h2>{e(section.title)}</h2>\n<table>\n")
        parts.append("<tr>" + "".join(f"<th>{e(h.get(lang))}</th>" for h in HEADER) + "</tr>\n")
        for row in section.rows:
            tds = ["".join(f"<p>{e(line)}</p>" for line in cell) for cell in (row.left, row.right)]
            parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in tds) + "</tr>\n")
        parts.append("</table>\n")
    if report.notes:
        parts.append(f"<h2>{e(report.notes_title)}</h2>\n<ul>\n")
        parts.extend(f"<li>{e(note)}</li>\n" for note in report.notes)
        parts.append("</ul>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def to_table(report: Report, lang: Lang) -> str:
    items: list[Table | str] = [report.title, *report.intro]
    for section in report.sections:
        table = Table(
            *(h.get(lang) for h in HEADER),
            title=section.title,
            title_justify="left",
            show_lines=True,
        )
        for row in section.rows:
            table.add_row(*cells(["\n".join(row.left), "\n".join(row.right)]))
        items.append(table)
    if report.notes:
        items.append(report.notes_title)
        items.extend(f"• {note}" for note in report.notes)
    return render_tables(items)
