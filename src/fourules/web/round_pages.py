"""A round on the web: uploaded, evaluated, audited when decided, allocated for a budget
typed on the page, downloaded as the CLI writes it.

The service keeps no state, so the round travels with the page: it is read once from the
upload and carried in the page's forms as canonical JSON for the next step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from starlette.datastructures import FormData

from fourules.application import Kind
from fourules.errors import InputError, Place
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import Evaluation
from fourules.output.canonical import to_json
from fourules.output.renderers import Format, emit
from fourules.output.round_sheets import (
    ALLOCATION_TABLES,
    AUDIT_TABLES,
    ROUND_TABLES,
    allocation_sheets,
    audit_sheets,
    round_sheets,
)
from fourules.output.round_view import (
    allocation_view,
    audit_view,
    comparison_blocks,
    round_view,
)
from fourules.output.view import View
from fourules.rounds.allocation import (
    BUDGET,
    BUDGET_PROJECT,
    BUDGET_STUDY_TRIP,
    MIN_SHARE,
    check_min_share,
)
from fourules.rounds.evaluation import RoundEvaluation
from fourules.rounds.files import RoundFile, open_round
from fourules.rounds.model import Round
from fourules.spreadsheets import Sheet, csv_text, workbook
from fourules.text import LocalText, format_sek
from fourules.texts import LANGS, both, initial, language, text
from fourules.use_cases import allocation as allocating
from fourules.use_cases import audit as auditing
from fourules.use_cases import rounds
from fourules.use_cases.evaluate import DecisionRecorder
from fourules.web import charts, views
from fourules.web.forms import read_amount
from fourules.web.views import size

CARRIED = "round.json"
"""The name the carried round is read under: canonical JSON."""


def upload_context(
    ev: Evaluator, max_body: int, error: str | None = None, year: str | None = None
) -> dict[str, Any]:
    return {
        "years": sorted(views.served(ev), reverse=True),
        "limit": size(max_body),
        "error": error,
        "year": year,
    }


TEMPLATE_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def round_template(ev: Evaluator, year: str, fmt: str) -> tuple[bytes, str, str]:
    """The year's round template (`rounds/template.py`) in the page's language: the file,
    its media type and its name; an unknown year or format is bad input."""
    from fourules.rounds.template import template_csv, template_xlsx

    if fmt not in TEMPLATE_FORMATS:
        raise InputError(
            both("rounds.template.format", formats=", ".join(TEMPLATE_FORMATS)), "format"
        )
    ev.require(year)
    vocabulary = ev.load_policy(year).vocabulary
    body = template_xlsx(vocabulary, year) if fmt == "xlsx" else template_csv(vocabulary)
    name = f"{text('rounds.template.file')}-{year}.{fmt}"
    return body, TEMPLATE_FORMATS[fmt], name


def upload_problem(exc: InputError) -> str:
    """A reader's message as the upload page says it (a file that names no year is read
    under the newest served: no command-line flag is ever asked for)."""
    return exc.text(language())


FIELDS = {
    "year": "year",
    "round.year": "year",
    "budget": "budget",
    "budget.project": "budget_project",
    "budget.study_trip": "budget_study_trip",
    "method": "method",
    "min_share": "min_share",
    "compare": "compare",
}
"""What the page's user fixes for each place a use case names (`use_cases.places`): the
allocation form's field."""


def _field_of(where: str | None, otherwise: str | None) -> str | None:
    """The form's field for an error's place; `otherwise` for a field path, file or line,
    and for an operator's setting (`SETTINGS`), which no form field fixes."""
    return FIELDS.get(where, otherwise) if isinstance(where, Place) else otherwise


def allocation_problem(ev: Evaluator, form: FormData, exc: InputError) -> dict[str, Any]:
    """The allocation form again, with the round, what was typed and the message at its
    field (an InputError here means the carried round itself is unreadable)."""
    given = rounds.read(ev, _carried(form))
    round_ = given.round
    return {
        "round": round_,
        "year": given.year,
        "allocation": None,
        "report": None,
        "carried": to_json(round_),
        "chart": None,
        "decided": any(a.decision for a in round_.applications),
        "form": {k: _field(form, k) for k in form if k != "round"},
        "errors": {_field_of(exc.where, "budget"): exc.message.get(language())},
    }


def round_words() -> dict[str, str]:
    """The round page's words for what an administration chose and for rows that are one
    application (`same_as`)."""
    return {
        "not_considered": text("round.not_put_forward"),
        "same_as": text("round.same_application"),
    }


def _carried(form: FormData) -> rounds.RoundRequest:
    """The round the page carries, under the year chosen on it (else its own)."""
    return rounds.RoundRequest(
        _field(form, "round").encode(), CARRIED, _field(form, "year") or None, language()
    )


def round_context(
    ev: Evaluator, raw: bytes, name: str, year: str | None, log: DecisionRecorder | None
) -> dict[str, Any]:
    """Every application's outcome, the quotas, duplicates and totals, charts, the audit of
    a decided round, and the forms for an allocation and the downloads; for a workbook,
    which of its sheets was read. The file is opened once: a workbook is parsed once."""
    opened = open_round(raw, name)
    assumed = None
    if year is None and opened.year is None:
        # A spreadsheet names no year: the newest served, said on the page (its headings
        # may name that year's criteria, so it is read under that year from the start).
        assumed = max(views.served(ev))
    asked = rounds.RoundRequest(opened, name, year or assumed, language())
    try:
        done = rounds.evaluate_round(ev, asked, log=log)
    except InputError as under_newest:
        if assumed is None:
            raise
        said = {
            lang: text(
                "rounds.assumed_year.failed", lang, year=assumed, problem=under_newest.text(lang)
            )
            for lang in LANGS
        }
        raise InputError(LocalText(**said), under_newest.where) from None
    round_, policy_year, result = done.round, done.year, done.result
    decided = any(a.decision for a in round_.applications)
    audit = (
        auditing.audited(ev, round_, policy_year, result, language()).document if decided else None
    )
    return {
        "round": round_,
        "year": policy_year,
        "result": result,
        "report": round_view(round_, result),
        "audit": audit,
        "carried": to_json(round_),
        "charts": _round_charts(round_, result),
        "rows": _rows(round_, result),
        "quota_names": {
            q.id: q.description.get(language()) for q in ev.load_policy(policy_year).quotas
        },
        "decided": decided,
        "words": round_words(),
        "assumed_year": assumed,
        "years": sorted(views.served(ev), reverse=True),
        "sheet_read": sheet_read(opened),
        "tables": download_tables(decided),
    }


def sheet_read(opened: RoundFile) -> str | None:
    """For a workbook, which sheet's rows were read and that the others were not, in a
    sentence (None for a CSV or JSON file, which has one table)."""
    if opened.sheet is None:
        return None
    said = text("rounds.sheet_read", sheet=opened.sheet, name=opened.name)
    others = opened.sheets_not_read
    if others:
        said += " " + text(
            "rounds.sheets_not_read",
            sheets=", ".join(text("rounds.sheet_name", sheet=o) for o in others),
        )
    return said


def _rows(round_: Round, result: RoundEvaluation) -> list[tuple[Any, Evaluation]]:
    """Each application beside its evaluation, in the round's order."""
    by_id = {e.application_id: e for e in result.evaluations}
    return [(app, by_id[app.id]) for app in round_.applications]


def _round_charts(round_: Round, result: RoundEvaluation) -> list[dict[str, Any]]:
    """Applications per administration against its quota; maximum grants per
    administration; for a decided round, requested and granted per administration."""
    tallies = [a for a in result.administrations if a.quotas]
    out = []
    if tallies:
        bars = [
            charts.Bar(
                a.name,
                max(q.count for q in a.quotas),
                min(q.limit for q in a.quotas),
                a.over_quota,
            )
            for a in tallies
        ]
        title = text("chart.applications")
        svg = charts.bars_against_limit(bars, title, text("chart.count"), text("chart.limit"))
        columns = [text("round.administration"), text("chart.count"), text("chart.limit")]
        out.append(_chart(title, svg, bars, columns))
    by_id = {e.application_id: e for e in result.evaluations}
    grants: dict[str, float] = defaultdict(float)
    requested: dict[str, float] = defaultdict(float)
    granted: dict[str, float] = defaultdict(float)
    for app in round_.applications:
        e = by_id[app.id]
        for applicant in e.applicants:
            if applicant.name is None:
                continue
            if e.outcome == "eligible":
                grants[applicant.name] += e.max_grant_sek or 0
            requested[applicant.name] += app.requested_sek or 0
            if app.decision is not None:
                granted[applicant.name] += app.decision.granted
    if grants:
        title = text("chart.grants")
        bars = [charts.Bar(name, grants[name]) for name in sorted(grants)]
        svg = charts.bars_against_limit(
            bars, title, text("max_grant"), text("chart.limit"), money=True
        )
        columns = [text("round.administration"), text("max_grant")]
        out.append(_chart(title, svg, bars, columns, money=True))
    if any(a.decision for a in round_.applications):
        title = text("chart.decided")
        bars = [charts.Bar(n, requested[n], granted[n]) for n in sorted(requested)]
        svg = charts.paired_bars(bars, title, text("chart.requested"), text("chart.granted"))
        columns = [
            text("round.administration"),
            text("chart.requested"),
            text("chart.granted"),
        ]
        out.append(_chart(title, svg, bars, columns, money=True))
    return out


def _chart(
    title: str,
    svg: str,
    bars: list[charts.Bar],
    columns: list[str],
    *,
    money: bool = False,
    note: str | None = None,
) -> dict[str, Any]:
    """A chart and its figures as a table (nothing only in a picture); `columns` head the
    table, the first naming the bars."""

    def shown(value: float | None) -> str:
        if value is None:
            return "—"
        return format_sek(int(value)) if money else f"{value:g}"

    rows = [[b.label, *(shown(v) for v in (b.value, b.second)[: len(columns) - 1])] for b in bars]
    return {
        "title": title,
        "svg": svg,
        "note": text("chart.joint") if note is None else note,
        "columns": columns,
        "rows": rows,
    }


def _field(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


def _budget_amount(form: FormData, place: Place) -> int | None:
    """The amount typed for a budget (`place`, a domain key), as people write it."""
    value = read_amount(_field(form, FIELDS[place]))
    if isinstance(value, LocalText):
        raise InputError(value, place)
    return value


def _share(typed: str) -> float | None:
    """A share as people write it ("0,3" or "0.3"); empty: full grants only."""
    if not typed:
        return None
    try:
        share = float(typed.replace(",", "."))
    except ValueError:
        raise InputError(both("form.not_a_share", typed=typed), MIN_SHARE) from None
    return check_min_share(share)


def allocation_context(ev: Evaluator, form: FormData) -> dict[str, Any]:
    """A draft allocation of the carried round for the budget typed on the page (the same
    use case as `fourules allocate`), with the decision beside it on request."""
    asked = allocating.Terms.asked(
        budget=_budget_amount(form, BUDGET),
        budget_project=_budget_amount(form, BUDGET_PROJECT),
        budget_study_trip=_budget_amount(form, BUDGET_STUDY_TRIP),
        # The form offers the two; anything else posted is the use case's to refuse, at the field.
        method=_field(form, "method") or "ranked",
        min_share=_share(_field(form, "min_share")),
        compare=bool(form.get("compare")),
    )
    done = allocating.allocate(ev, _carried(form), asked)
    round_, allocation, budget = done.round, done.allocation, asked.budget
    view = allocation_view(round_, allocation)
    if done.comparison is not None:
        blocks = comparison_blocks(done.comparison.model_dump(mode="json"))
        view = View(view.title, (*view.blocks, *blocks))
    kinds: list[tuple[Kind, str]] = [
        ("project", initial(text("kind.short.project"))),
        ("study_trip", initial(text("kind.short.study_trip"))),
    ]
    bars = [
        charts.Bar(label, budget.for_kind(kind) or 0, allocation.proposed_sek[kind])
        for kind, label in kinds
        if budget.for_kind(kind) is not None
    ]
    bars.append(charts.Bar(text("total"), budget.total, allocation.proposed_sek["total"]))
    title = text("chart.budget")
    chart = charts.paired_bars(bars, title, text("chart.budget_bar"), text("chart.proposed"))
    columns = [text("kind"), text("chart.budget_bar"), text("chart.proposed")]
    return {
        "round": round_,
        "year": done.year,
        "allocation": allocation,
        "document": done.document,
        "report": view,
        "carried": to_json(round_),
        "chart": _chart(title, chart, bars, columns, money=True, note=""),
        "comparison": done.comparison,
        "decided": any(a.decision for a in round_.applications),
        "form": {k: _field(form, k) for k in form if k != "round"},
        "errors": {},
        "tables": download_tables(False, compared=done.comparison is not None),
    }


def record_round(ev: Evaluator, form: FormData, decisions: DecisionRecorder) -> dict[str, Any]:
    """The carried round evaluated again and each decision appended to the decision log:
    what the page says was recorded (how many, under which year, the ids)."""
    done = rounds.evaluate_round(ev, _carried(form), log=decisions)
    return {
        "year": done.year,
        "title": done.round.title,
        "recorded": len(done.decision_ids),
        "first_id": done.decision_ids[0] if done.decision_ids else None,
        "last_id": done.decision_ids[-1] if done.decision_ids else None,
    }


DOWNLOADS = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def round_download(ev: Evaluator, form: FormData) -> tuple[bytes, str, str]:
    """The carried round's evaluation (with `what=allocation`, the draft for the budget in
    the form; with `what=audit`, the audit of its decision) as a file: JSON and the report
    as `fourules round|allocate|audit --format F` writes them; XLSX as they write a
    workbook (a sheet per table: a row per application, amounts as numbers, dates as
    dates, each quota's use and limit as two numbers); CSV one of the workbook's sheets,
    the one `table` names (by default the first)."""
    chosen = _field(form, "format")
    if chosen not in DOWNLOADS:
        raise InputError(both("form.format_unknown", format=chosen), "format")
    what = _field(form, "what")
    if what == "allocation":
        stem, document, view, sheets = _allocation_download(ev, form)
    else:
        done = rounds.evaluate_round(ev, _carried(form))
        round_, result = done.round, done.result
        if what == "audit":
            audit = auditing.audited(ev, round_, done.year, result, language())
            stem, document = f"granskning-{done.year}", audit.document
            view = partial(audit_view, round_, audit.document)
            sheets = partial(audit_sheets, round_, audit.document, result)
        else:
            stem, document = f"omgang-{done.year}", done.document
            view = partial(round_view, round_, result)
            sheets = partial(round_sheets, round_, result)
    if chosen == "xlsx":
        body = workbook(sheets())
    elif chosen == "csv":
        table = _table(sheets(), _field(form, "table"))
        body = csv_text([table.header, *table.rows]).encode("utf-8")
        if _field(form, "table"):
            stem += f"-{table.name}"
    else:
        body = emit(Format(chosen), document, view).encode("utf-8")
    return body, DOWNLOADS[chosen], f"{stem}.{chosen}"


def _table(sheets: Sequence[Sheet], name: str) -> Sheet:
    """The sheet NAME names (no name: the first), else bad input naming the tables."""
    if not name:
        return sheets[0]
    found = next((sheet for sheet in sheets if sheet.name == name), None)
    if found is None:
        tables = ", ".join(sheet.name for sheet in sheets)
        raise InputError(both("form.table_unknown", table=name, tables=tables), "table")
    return found


def download_tables(decided: bool, compared: bool = False) -> dict[str, list[tuple[str, str]]]:
    """For each download (the round, its audit, a draft), each table as a CSV of its own:
    its sheet's name and what the page calls it."""

    def named(tables: Sequence[str]) -> list[tuple[str, str]]:
        return [(table, text(f"download.table.{table}")) for table in tables]

    return {
        "round": named(ROUND_TABLES),
        "audit": named(AUDIT_TABLES) if decided else [],
        "allocation": named(ALLOCATION_TABLES if compared else ALLOCATION_TABLES[:1]),
    }


def _allocation_download(
    ev: Evaluator, form: FormData
) -> tuple[str, Any, Callable[[], View], Callable[[], Sequence[Sheet]]]:
    try:
        context = allocation_context(ev, form)
    except InputError as exc:  # each problem at the form's name for what to fix
        raise InputError.together(
            [InputError(e.message, _field_of(e.where, e.where)) for e in exc.every]
        ) from None
    comparison = context["comparison"]
    compared = comparison.model_dump(mode="json") if comparison is not None else None
    report: View = context["report"]

    def view() -> View:
        return report

    return (
        f"fordelning-{context['year']}",
        context["document"],
        view,
        partial(allocation_sheets, context["round"], context["allocation"], compared),
    )
