"""Rounds, allocations and audits as workbook sheets for the people who run the call: one
row per application (or per finding), a header row of the JSON document's field names (a
declared fact's with its Swedish label and help as a note), amounts as numbers and dates
as dates, the messages in the chosen language. The evaluations show the fields the round's
year adds (its `facts:`) beside the application's own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from fourules.evaluation.results import Evaluation
from fourules.rounds.evaluation import RoundEntry, RoundEvaluation
from fourules.rounds.files import fact_note
from fourules.rounds.model import Round, added_fields, natural_key, round_declarations
from fourules.spreadsheets import CellValue, Sheet

if TYPE_CHECKING:  # annotations only: a round's report needs no allocation solver
    from fourules.rounds.allocation import Allocation
    from fourules.rounds.audit import AuditReport

ROUND_TABLES = ("evaluations", "quotas", "findings")
"""The sheets of a round's workbook, in order: each a table the round's page shows."""
AUDIT_TABLES = ("decisions", "discrepancies")
"""The sheets of an audit's workbook."""
ALLOCATION_TABLES = ("allocation", "comparison")
"""The sheets of a draft's workbook (the comparison only beside a decided round)."""

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


Column = tuple[str, Callable[[RoundEntry], CellValue]]
"""A column of a sheet with a row per application: its heading and its cell for an application."""


def _per_application(round_: Round, name: str, columns: Sequence[Column]) -> Sheet:
    """A row per application, in the round's order: the application's own columns, then
    COLUMNS."""
    header = (*_APPLICATION, *(heading for heading, _ in columns))
    in_order = sorted(round_.applications, key=lambda a: natural_key(a.id))
    rows = [[*_application(app), *(cell(app) for _, cell in columns)] for app in in_order]
    return _sheet(round_, name, header, rows)


def _added(field: str, app: RoundEntry) -> CellValue:
    """The value of a field the round's year adds."""
    return _cell(getattr(app, field, None))


def _reasons(e: Evaluation) -> str:
    """What bears on the outcome, one finding a line (as in the round's report)."""
    return "\n".join(f.message for f in e.findings if f.status in ("fail", "warn") or f.effect)


def round_sheets(round_: Round, result: RoundEvaluation) -> list[Sheet]:
    """Every application with its outcome, and the round's findings."""
    by_id = {e.application_id: e for e in result.evaluations}
    added = [d.json_field for d in added_fields(round_) if d.json_field]
    columns: list[Column] = [
        ("submitted", lambda app: app.submitted),
        *((field, partial(_added, field)) for field in added),
        ("outcome", lambda app: by_id[app.id].outcome),
        ("max_grant_sek", lambda app: by_id[app.id].max_grant_sek),
        ("score", lambda app: by_id[app.id].score),
        ("reasons", lambda app: _reasons(by_id[app.id])),
    ]
    findings = [
        [f.rule, f.status, f.message, ", ".join(f.applications), f.administration]
        for f in result.findings
    ]
    evaluations, _, found = ROUND_TABLES  # the quotas' sheet: quota_sheet
    return [
        _per_application(round_, evaluations, columns),
        quota_sheet(result),
        Sheet(found, ("rule", "status", "message", "applications", "administration"), findings),
    ]


QUOTA_COLUMNS = ("administration", "name", "quota", "used", "limit", "over", "applications")


def quota_sheet(result: RoundEvaluation) -> Sheet:
    """Every administration against every quota that applies to it: what it used and the
    limit as two numbers (never "1/3", which a spreadsheet reads as a date), whether it is
    over; then each applicant that is no administration of the year, counted for no quota
    (its limit empty, the hint as its quota)."""
    rows: list[list[CellValue]] = [
        [a.administration, a.name, q.quota, q.count, q.limit, q.over, ", ".join(q.applications)]
        for a in result.administrations
        for q in a.quotas
    ]
    rows += [
        [None, u.as_written, u.hint, sum(map(len, u.applications.values())), None, None,
         ", ".join(i for ids in u.applications.values() for i in ids)]
        for u in result.unknown_applicants
    ]  # fmt: skip
    return Sheet(ROUND_TABLES[1], QUOTA_COLUMNS, rows)


def allocation_sheets(
    round_: Round, allocation: Allocation, comparison: dict[str, Any] | None = None
) -> list[Sheet]:
    """The draft per application; with a comparison, the decision beside it."""
    line = {ln.application_id: ln for ln in allocation.lines}
    columns: list[Column] = [
        ("outcome", lambda app: line[app.id].outcome),
        ("max_grant_sek", lambda app: line[app.id].max_grant_sek),
        ("score", lambda app: line[app.id].score),
        ("priority", lambda app: line[app.id].priority),
        ("same_as", lambda app: app.same_as),
        ("rank", lambda app: line[app.id].rank),
        ("status", lambda app: line[app.id].status),
        ("proposed_sek", lambda app: line[app.id].proposed_sek),
        ("reason", lambda app: line[app.id].reason),
    ]
    sheets = [_per_application(round_, ALLOCATION_TABLES[0], columns)]
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
    return Sheet(ALLOCATION_TABLES[1], header, rows)


def audit_sheets(round_: Round, audit: AuditReport, result: RoundEvaluation) -> list[Sheet]:
    """Every application with its decision and outcome, and every discrepancy."""
    by_id = {e.application_id: e for e in result.evaluations}
    columns: list[Column] = [
        ("outcome", lambda app: by_id[app.id].outcome),
        ("max_grant_sek", lambda app: by_id[app.id].max_grant_sek),
        ("same_as", lambda app: app.same_as),
        ("granted_sek", lambda app: app.decision.granted_sek if app.decision else None),
        ("rejected", lambda app: app.decision.rejected if app.decision else None),
        ("not_prioritised", lambda app: app.decision.not_prioritised if app.decision else None),
        ("reason", lambda app: app.reason),
    ]
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
    decisions, discrepancies = AUDIT_TABLES
    return [
        _per_application(round_, decisions, columns),
        Sheet(discrepancies, discrepancy, found),
    ]
