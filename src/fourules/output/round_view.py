"""Round reports as the decision documents show them: per kind, "Ansökningar | Förslag på
fördelning", one row per application — the views of `round`, `audit` and `allocate`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fourules.application import KINDS
from fourules.evaluation.results import Evaluation, PolicyRef
from fourules.output.view import Table, View
from fourules.policy.facts import FactDeclaration
from fourules.rounds.evaluation import RoundEvaluation
from fourules.rounds.model import Round, RoundProject, RoundStudyTrip, added_fields, natural_key
from fourules.text import format_sek
from fourules.texts import initial, language, text

if TYPE_CHECKING:  # annotations only: a round's report needs no allocation solver
    from fourules.rounds.allocation import Allocation
    from fourules.rounds.audit import AuditReport


def _application_cell(
    app: RoundProject | RoundStudyTrip, added: tuple[FactDeclaration, ...]
) -> tuple[str, ...]:
    applicants = app.applicants_as_written or ", ".join(app.applicants)
    requested = (
        format_sek(app.requested_sek)
        if app.requested_sek is not None
        else text("round.requested.not_stated")  # the decisions' tables' own words
    )
    return (
        f"{app.table_row or app.id}: {app.title}",
        text("round.applicant", applicants=applicants),
        text("round.requested", requested=requested),
        *_added_lines(app, added),
        *([text("round.same_as", first=app.same_as)] if app.same_as else []),
    )


def _added_lines(
    app: RoundProject | RoundStudyTrip, added: tuple[FactDeclaration, ...]
) -> list[str]:
    """The fields the round's year adds, each as "Label: value" (yes/no as ja/nej)."""
    lines = []
    for d in added:
        value = getattr(app, d.json_field or "", None)
        if value is None:
            continue
        if isinstance(value, bool):
            value = text(f"yes_no.{str(value).lower()}")
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        lines.append(f"{d.label.get(language())}: {value}")
    return lines


def _sections(round_: Round, right: dict[str, list[str]]) -> list[Table]:
    sections = []
    added = added_fields(round_)
    for number, kind in enumerate(KINDS, start=1):
        apps = sorted(
            (a for a in round_.applications if a.kind == kind), key=lambda a: natural_key(a.id)
        )
        if apps:
            sections.append(
                Table.of(
                    text(
                        "round.table",
                        number=number,
                        title=text(f"round.table.{kind}"),
                    ),
                    [text("round.table.applications"), text("round.table.proposed")],
                    [(_application_cell(a, added), tuple(right[a.id])) for a in apps],
                    ruled=True,
                )
            )
    return sections


def _evaluation_cell(e: Evaluation) -> list[str]:
    grant = (
        text("round.grant.not_stated")
        if e.max_grant_sek is None
        else text("round.grant.at_most", amount=format_sek(e.max_grant_sek))
    )
    outcome = text(f"outcome.{e.outcome}")
    lines = [text("round.evaluation", outcome=outcome, grant=grant, score=f"{e.score:g}")]
    lines += [f.message for f in e.findings if f.status in ("fail", "warn") or f.effect]
    return lines


def _policy(policy: PolicyRef) -> str:
    return f"{policy.id} v{policy.version} (sha256 {policy.sha256})"


def round_view(round_: Round, result: RoundEvaluation) -> View:
    right = {e.application_id: _evaluation_cell(e) for e in result.evaluations}
    return View(
        title=round_.title or text("round.title"),
        blocks=(
            text("round.evaluated_under", policy=_policy(result.policy)),
            *_sections(round_, right),
        ),
        notes_title=text("round.findings"),
        notes=tuple(f.message for f in result.findings),
    )


def _not_funded(status: str) -> str:
    """Why a line of the draft gets nothing, as its cell begins."""
    if status in ("not_put_forward", "same_application"):
        return initial(text(f"allocation.{status}"))
    return initial(text("allocation.not_funded"))


def allocation_view(round_: Round, allocation: Allocation) -> View:
    right = {
        ln.application_id: [
            format_sek(ln.proposed_sek) if ln.status == "funded" else _not_funded(ln.status),
            ln.reason,
        ]
        for ln in allocation.lines
    }
    budget = allocation.budget
    parts = "".join(
        f" ({text(f'kind.short.{kind}')} {format_sek(amount)})"
        for kind, amount in (("project", budget.project), ("study_trip", budget.study_trip))
        if amount is not None
    )
    proposed = allocation.proposed_sek
    intro = [
        text("allocation.budget_line", total=format_sek(budget.total), parts=parts),
        text(
            "allocation.proposed_line",
            total=format_sek(proposed["total"]),
            project=format_sek(proposed["project"]),
            study_trip=format_sek(proposed["study_trip"]),
        ),
        text("allocation.method", method=allocation.method_description),
    ]
    return View(
        title=text("alloc") + (f": {round_.title}" if round_.title else ""),
        blocks=(*intro, *_sections(round_, right)),
    )


def audit_view(round_: Round, audit: AuditReport) -> View:
    by_app: dict[str, list[str]] = {a.id: [] for a in round_.applications}
    for d in audit.discrepancies:
        if len(d.applications) == 1 and d.severity != "info":
            by_app[d.applications[0]].append(f"⚠ {d.message}")
    right = {}
    for app in round_.applications:
        decision = app.decision
        if decision is None:
            shown = text("audit.no_decision")
        elif decision.granted_sek is not None:
            shown = format_sek(decision.granted_sek)
        else:  # rejected, not prioritised, or both (as 2018 Tabell 1 row 9)
            shown = " ".join(t for t in (decision.rejected, decision.not_prioritised) if t)
        right[app.id] = [shown, *([app.reason] if app.reason else []), *by_app[app.id]]
    shared = [
        f"[{text(f'severity.{d.severity}')}] {d.message}"
        for d in audit.discrepancies
        if len(d.applications) != 1 or d.severity == "info"
    ]
    status = (
        text("audit.clean")
        if audit.clean
        else text(
            "audit.discrepancies",
            count=sum(d.severity != "info" for d in audit.discrepancies),
        )
    )
    return View(
        title=text("audit.title") + (f": {round_.title}" if round_.title else ""),
        blocks=(
            text("audit.against", policy=_policy(audit.policy)),
            status,
            *_sections(round_, right),
        ),
        notes_title=text("audit.notes"),
        notes=tuple(shared),
    )


def comparison_blocks(comparison: dict[str, Any]) -> list[Table]:
    """The draft beside the decision: per application, then the sums and the quotas."""
    return [
        _comparison_lines(comparison["lines"]),
        _comparison_sums(comparison["sums"]),
        _comparison_quotas(comparison["quotas"]),
    ]


def _comparison_lines(lines: list[dict[str, Any]]) -> Table:
    def side(entry: dict[str, Any]) -> tuple[str, ...]:
        amount = format_sek(entry["amount_sek"]) if entry["granted"] else ("—")
        return (amount, entry["reason"]) if entry["reason"] else (amount,)

    header = [
        text(k) for k in ("column.application", "round.decision", "compare.draft", "compare.same")
    ]
    rows = [
        [
            r["table_row"] or r["application_id"],
            side(r["decided"]),
            side(r["draft"]),
            text(f"yes_no.{str(r['same']).lower()}"),
        ]
        for r in lines
    ]
    return Table.of(text("compare.title"), header, rows, ruled=True)


def _comparison_sums(sums: dict[str, Any]) -> Table:
    rows = [
        [label, str(key(sums["decided"])), str(key(sums["draft"]))]
        for label, key in (
            (text("compare.funded"), lambda s: s["applications_funded"]),
            (
                initial(text("kind.short.project")),
                lambda s: format_sek(s["money_sek"]["project"]),
            ),
            (
                initial(text("kind.short.study_trip")),
                lambda s: format_sek(s["money_sek"]["study_trip"]),
            ),
            (text("total"), lambda s: format_sek(s["money_sek"]["total"])),
            (text("score"), lambda s: f"{s['score_funded']:g}"),
        )
    ]
    header = [text(k) for k in ("compare.sum", "round.decision", "compare.draft")]
    return Table.of(text("compare.sums"), header, rows)


def _comparison_quotas(quotas: list[dict[str, Any]]) -> Table:
    header = [
        text(k) for k in ("round.administration", "round.quota", "round.decision", "compare.draft")
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
    return Table.of(text("column.quotas"), header, rows)
