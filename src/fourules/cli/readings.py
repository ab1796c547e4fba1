"""`fourules readings YEAR [--replay ROUND]`: every rule that rests on a reading of the
decision, its alternatives, and what each alternative would change in a real round."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    read_input,
    reported_errors,
    resolve_lang,
    respond,
)
from fourules.cli.state import year_or_folder
from fourules.output.view import Table, View
from fourules.text import Lang, format_sek

if TYPE_CHECKING:
    from fourules.comparison.readings import Reading, ReadingsReport


def readings_command(
    ctx: typer.Context,
    year: Annotated[str, typer.Argument(help="A policy year (e.g. 2018) or a year folder.")],
    replay: Annotated[
        str | None,
        typer.Option(
            "--replay",
            help="A round (JSON, CSV or XLSX): what each alternative reading changes in it.",
            show_default=False,
        ),
    ] = None,
    budget_project: Annotated[
        int | None,
        typer.Option(
            "--budget-project",
            help="Budget for projects for the draft allocations (default: the round's stated).",
        ),
    ] = None,
    budget_study_trip: Annotated[
        int | None,
        typer.Option(
            "--budget-study-trip",
            help="Budget for study trips for the draft allocations (default: the round's stated).",
        ),
    ] = None,
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """List the rules that rest on a reading of the decision, with their alternatives; with
    --replay, the applications each alternative would decide differently (outcome, maximum
    grant, score), the administrations whose quota verdict changes, and the places in a draft
    allocation (ranked, within the given budgets or those the round's document states)."""
    from fourules.comparison.readings import readings_report, stated_budget
    from fourules.rounds.allocation import make_budget
    from fourules.rounds.files import load_round

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        _, _, folder = year_or_folder(ctx, year)
        round_ = budget = None
        if replay is not None:
            raw, name = read_input(replay)
            round_ = load_round(raw, name)
            budget = (
                make_budget(None, budget_project, budget_study_trip)
                if budget_project is not None or budget_study_trip is not None
                else stated_budget(round_)
            )
        report = readings_report(
            folder, round_=round_, round_name=replay, budget=budget, lang=chosen
        )
    respond(format, report.model_dump(mode="json"), lambda: _view(report, chosen), chosen)


_ASPECT = {
    "outcome": ("utfall", "outcome"),
    "max_grant_sek": ("högsta belopp", "maximum grant"),
    "score": ("poäng", "score"),
    "quota": ("kvot", "quota"),
    "allocation": ("utkast till fördelning", "draft allocation"),
}


def _view(report: ReadingsReport, lang: Lang) -> View:
    blocks: list[str | Table] = [_preamble(report, lang)]
    for reading in report.readings:
        blocks += _reading_blocks(reading, report.round is not None, lang)
    return View(
        title=(
            f"fourules readings {report.year} v{report.version}"
            + (f" --replay {report.round}" if report.round else "")
        ),
        blocks=tuple(blocks),
    )


def _preamble(report: ReadingsReport, lang: Lang) -> str:
    """What was replayed, and within which budget."""
    sv = lang == "sv"
    if report.round is None:
        return (
            "Ange --replay OMGÅNG för att se vad varje alternativ ändrar i en verklig omgång."
            if sv
            else "Give --replay ROUND to see what each alternative changes in a real round."
        )
    if report.budget is None:
        return (
            "Omgången anger ingen budget; utkasten till fördelning jämförs inte."
            if sv
            else "The round states no budget; draft allocations are not compared."
        )
    money = (
        f"{format_sek(report.budget.project or 0)} + {format_sek(report.budget.study_trip or 0)}"
    )
    return (
        f"{report.applications} ansökningar ur {report.round}; utkast (ranked) inom {money}."
        if sv
        else f"{report.applications} applications from {report.round}; drafts (ranked) within {money}."
    )


def _reading_blocks(reading: Reading, replayed: bool, lang: Lang) -> list[str | Table]:
    """One reading: its rule, quote and note, then each alternative and what it changes."""
    sv = lang == "sv"
    blocks: list[str | Table] = [
        f"{reading.rule} — {reading.title}\n"
        + ("Citat: " if sv else "Quote: ")
        + f"”{reading.quote}”\n"
        + (reading.note or ("(ingen not)" if sv else "(no note)"))
    ]
    if not reading.alternatives:
        blocks.append(
            "Inga alternativ deklarerade för regeln."
            if sv
            else "No alternatives declared for this rule."
        )
    header = (
        ["Ansökan/förvaltning", "Vad", "Nu", "Med alternativet"]
        if sv
        else ["Application/administration", "What", "Now", "With the alternative"]
    )
    for alt in reading.alternatives:
        title = f"{reading.rule} / {alt.id}: {alt.description}"
        if not replayed:
            blocks.append(title)
        elif not alt.differences:
            nothing = (
                "ingen ansökan i omgången får ett annat utfall"
                if sv
                else "no application of the round fares differently"
            )
            blocks.append(f"{title} — {nothing}.")
        else:
            rows = [
                [d.subject, _ASPECT[d.aspect][0 if sv else 1], d.before, d.after]
                for d in alt.differences
            ]
            blocks.append(Table.of(title, header, rows))
    return blocks
