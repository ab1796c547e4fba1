"""Rounds, allocations and audits as workbook sheets for the people who run the call: one
row per application (or per finding), a header row of the JSON document's field names (a
declared fact's with its Swedish label and help as a note), amounts as numbers and dates
as dates, the messages in the chosen language. The evaluations show the fields the round's
year adds (its `facts:`) beside the application's own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fourules.evaluation.results import Evaluation
from fourules.rounds.evaluation import RoundEntry, RoundEvaluation
from fourules.rounds.files import fact_note
from fourules.rounds.model import Round, added_fields, natural_key, round_declarations
from fourules.spreadsheets import CellValue, Sheet

if TYPE_CHECKING:  # annotations only: a round's report needs no allocation solver
    from fourules.rounds.allocation import Allocation
    from fourules.rounds.audit import AuditReport

_APPLICATION = ("application_id", "table_row", "kind", "title", "applicants", "requested_sek")


def _application(app: RoundEntry) -> list[CellValue]:
    return [
        app.id,
        app.table_row,
        app.kind,
        app.title,
        "; ".join(app.applicants),
        app.requested_sek,
    ]


def _cell(value: Any) -> CellValue:
    """A field's value as a cell: several of a list as one text, as the applicants are."""
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value)) or None
    cell: CellValue = value  # a stated fact's value: text, a number, a truth value, a date
    return cell


def _sheet(
    round_: Round, name: str, header: Sequence[str], rows: Sequence[Sequence[CellValue]]
) -> Sheet:
    """A sheet whose headings that name a fact the round's year declares carry its note."""
    declared = {d.json_field: d for d in round_declarations(round_) if d.json_field}
    notes = [fact_note(declared[h]) if h in declared else None for h in header]
    return Sheet(name, header, rows, notes)


def _in_order(round_: Round) -> list[RoundEntry]:
    return sorted(round_.applications, key=lambda a: natural_key(a.id))


def _reasons(e: Evaluation) -> str:
    """What bears on the outcome, one finding a line (as in the round's report)."""
    return "\n".join(f.message for f in e.findings if f.status in ("fail", "warn") or f.effect)


def round_sheets(round_: Round, result: RoundEvaluation) -> list[Sheet]:
    """Every application with its outcome, and the round's findings."""
    by_id = {e.application_id: e for e in result.evaluations}
    added = [d.json_field for d in added_fields(round_) if d.json_field]
    header = (
        *_APPLICATION,
        "submitted",
        *added,
        "outcome",
        "max_grant_sek",
        "score",
        "reasons",
    )
    rows = []
    for app in _in_order(round_):
        e = by_id[app.id]
        rows.append(
            [
                *_application(app),
                app.submitted,
                *(_cell(getattr(app, field, None)) for field in added),
                e.outcome,
                e.max_grant_sek,
                e.score,
                _reasons(e),
            ]
        )
    findings = [
        [f.rule, f.status, f.message, ", ".join(f.applications), f.administration]
        for f in result.findings
    ]
    return [
        _sheet(round_, "evaluations", header, rows),
        Sheet(
            "findings", ("rule", "status", "message", "applications", "administration"), findings
        ),
    ]


def allocation_sheets(
    round_: Round, allocation: Allocation, comparison: dict[str, Any] | None = None
) -> list[Sheet]:
    """The draft per application; with a comparison, the decision beside it."""
    lines = {ln.application_id: ln for ln in allocation.lines}
    header = (
        *_APPLICATION,
        "outcome",
        "max_grant_sek",
        "score",
        "priority",
        "same_as",
        "rank",
        "status",
        "proposed_sek",
        "reason",
    )
    rows = []
    for app in _in_order(round_):
        ln = lines[app.id]
        rows.append(
            [
                *_application(app),
                ln.outcome,
                ln.max_grant_sek,
                ln.score,
                ln.priority,
                app.same_as,
                ln.rank,
                ln.status,
                ln.proposed_sek,
                ln.reason,
            ]
        )
    sheets = [_sheet(round_, "allocation", header, rows)]
    if comparison is not None:
        sheets.append(_comparison_sheet(comparison))
    return sheets


def _comparison_sheet(comparison: dict[str, Any]) -> Sheet:
    header = (
        "application_id",
        "table_row",
        "kind",
        "decided_sek",
        "decided_reason",
        "draft_sek",
        "draft_reason",
        "same",
    )
    rows: Sequence[Sequence[CellValue]] = [
        [
            r["application_id"],
            r["table_row"],
            r["kind"],
            r["decided"]["amount_sek"],
            r["decided"]["reason"],
            r["draft"]["amount_sek"],
            r["draft"]["reason"],
            r["same"],
        ]
        for r in comparison["lines"]
    ]
    return Sheet("comparison", header, rows)


def audit_sheets(round_: Round, audit: AuditReport, result: RoundEvaluation) -> list[Sheet]:
    """Every application with its decision and outcome, and every discrepancy."""
    by_id = {e.application_id: e for e in result.evaluations}
    header = (
        *_APPLICATION,
        "outcome",
        "max_grant_sek",
        "same_as",
        "granted_sek",
        "rejected",
        "not_prioritised",
        "reason",
    )
    rows = []
    for app in _in_order(round_):
        decision = app.decision
        e = by_id[app.id]
        rows.append(
            [
                *_application(app),
                e.outcome,
                e.max_grant_sek,
                app.same_as,
                decision.granted_sek if decision else None,
                decision.rejected if decision else None,
                decision.not_prioritised if decision else None,
                app.reason,
            ]
        )
    found = [
        [
            d.check,
            d.severity,
            d.message,
            ", ".join(d.applications),
            ", ".join(d.rows),
            d.expected,
            d.actual,
        ]
        for d in audit.discrepancies
    ]
    discrepancy = ("check", "severity", "message", "applications", "rows", "expected", "actual")
    return [_sheet(round_, "decisions", header, rows), Sheet("discrepancies", discrepancy, found)]
