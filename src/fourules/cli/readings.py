"""`fourules readings YEAR [--replay ROUND]`: every rule that rests on a reading of the
decision, its alternatives, and what each alternative would change in a real round."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.errors import InputError
from fourules.output.labels import changed_value
from fourules.output.view import Table, View
from fourules.text import format_sek
from fourules.texts import both, text

if TYPE_CHECKING:
    from fourules.comparison.readings import Reading, ReadingsReport


@runs(answers=True, of_year=True)
def readings_command(
    run: Run,
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
) -> None:
    """List the rules that rest on a reading of the decision, with their alternatives; with
    --replay, the applications each alternative would decide differently (outcome, maximum
    grant, score), the administrations whose quota verdict changes, and the places in a draft
    allocation (ranked, within the given budgets or those the round's document states)."""
    from fourules.comparison.readings import readings_report, stated_budget
    from fourules.rounds.allocation import make_budget
    from fourules.rounds.files import load_round

    ev, policy_id, folder = run.year_or_folder()
    round_ = budget = None
    if replay is not None:
        raw, name = run.read(replay)
        round_ = load_round(raw, name, ev.load_policy(policy_id).vocabulary)
        if (budget_project is None) != (budget_study_trip is None):
            raise InputError(
                both("readings.both_budgets"),
                "--budget-project" if budget_project is None else "--budget-study-trip",
            )
        budget = (
            stated_budget(round_)
            if budget_project is None or budget_study_trip is None
            else make_budget(None, budget_project, budget_study_trip)
        )
    report = readings_report(folder, round_=round_, round_name=replay, budget=budget, lang=run.lang)
    run.respond(report.model_dump(mode="json"), lambda: _view(report))


def _view(report: ReadingsReport) -> View:
    blocks: list[str | Table] = [_preamble(report)]
    first: dict[str, str] = {}  # an alternative that changes several rules: shown once
    for reading in report.readings:
        blocks += _reading_blocks(reading, report.round is not None, first)
    return View(
        title=(
            f"fourules readings {report.year} v{report.version}"
            + (f" --replay {report.round}" if report.round else "")
        ),
        blocks=tuple(blocks),
    )


def _preamble(report: ReadingsReport) -> str:
    """What was replayed, and within which budget."""
    if report.round is None:
        return text("readings.give_replay")
    if report.budget is None:
        return text("readings.no_budget")
    money = (
        f"{format_sek(report.budget.project or 0)} + {format_sek(report.budget.study_trip or 0)}"
    )
    return text(
        "readings.replayed_within",
        applications=report.applications,
        round=report.round,
        money=money,
    )


def _reading_blocks(reading: Reading, replayed: bool, first: dict[str, str]) -> list[str | Table]:
    """One reading: its rule, quote and note, then each alternative and what it changes (an
    alternative already shown under an earlier rule, `first`, is referred to)."""
    blocks: list[str | Table] = [
        f"{reading.rule} — {reading.title}\n"
        + text("readings.quote", quote=reading.quote)
        + "\n"
        + (reading.note or text("readings.no_note"))
    ]
    if not reading.alternatives:
        blocks.append(text("readings.none_declared"))
    header = [text(f"readings.{k}") for k in ("subject", "aspect", "now", "with")]
    for alt in reading.alternatives:
        title = f"{reading.rule} / {alt.id}: {alt.description}"
        if alt.id in first:
            blocks.append(f"{title} — " + text("readings.see_above", rule=first[alt.id]))
            continue
        first[alt.id] = reading.rule
        if not replayed:
            blocks.append(title)
        elif not alt.differences:
            blocks.append(f"{title} — {text('readings.unchanged')}")
        else:
            rows = [
                [
                    d.subject,
                    text(f"aspect.{d.aspect}"),
                    changed_value(d.aspect, d.before, d.before_sek),
                    changed_value(d.aspect, d.after, d.after_sek),
                ]
                for d in alt.differences
            ]
            blocks.append(Table.of(title, header, rows))
    return blocks
