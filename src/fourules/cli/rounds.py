"""`fourules round`, `audit`, `allocate` and `convert`: a whole round at a time."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.cli.common import Format, write_file
from fourules.cli.evaluate import DecisionLogOption, ScorerOption
from fourules.output.view import View
from fourules.texts import text

if TYPE_CHECKING:
    from fourules.rounds.evaluation import Progress, RoundEntry
    from fourules.use_cases.rounds import RoundRequest

# The round machinery is imported inside each command: `fourules evaluate` starts faster.

PROGRESS_FROM = 500
"""Rounds at least this large show a progress bar on a terminal (never in JSON output)."""


RoundFile = Annotated[
    str, typer.Argument(help="A round: JSON, CSV or XLSX; - reads JSON from stdin.")
]
Strict = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Refuse the round (exit 2) when an application names an applicant that is not an "
        "administration of its year, instead of evaluating it as ineligible; audit also exits 1 "
        "when any error or warning is found.",
    ),
]
RoundYear = Annotated[
    str | None, typer.Option("--year", "-y", help="The policy year; default: the round's own year.")
]


def _request(
    run: Run,
    file: str,
    year: str | None,
    *,
    strict: bool = False,
    scorers: Sequence[str] | None = None,
) -> RoundRequest:
    """The round asked about: FILE's bytes, under --year (else its own); with `strict`,
    refusing an applicant that is not an administration of its year."""
    from fourules.use_cases.rounds import RoundRequest

    raw, name = run.read(file)
    return RoundRequest(raw, name, year, run.lang, strict=strict, scorers=scorers)


def _progress(run: Run) -> Callable[[int], Progress | None]:
    """A progress bar on stderr for a long round (its size known once it is read) on a
    terminal; never with JSON output."""

    def bar(size: int) -> Progress | None:
        if run.target is Format.json or size < PROGRESS_FROM or not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import track

        def show(items: Iterable[RoundEntry]) -> Iterable[RoundEntry]:
            return track(
                items,
                description=text("cli.progress.round"),
                total=size,
                console=Console(stderr=True),
                transient=True,
            )

        return show

    return bar


@runs(answers=True, writes=True)
def round_command(
    run: Run,
    file: RoundFile,
    year: RoundYear = None,
    strict: Strict = False,
    scorer: ScorerOption = None,
    decision_log: DecisionLogOption = None,
) -> None:
    """Evaluate every application of a round, with the round's quotas, duplicates and totals."""
    from fourules.use_cases.rounds import evaluate_round

    request = _request(run, file, year, strict=strict, scorers=scorer)
    log = run.decision_log(decision_log)
    done = evaluate_round(run.evaluator(), request, log=log, progress=_progress(run))
    from fourules.output.round_sheets import round_sheets
    from fourules.output.round_view import round_view

    run.deliver(
        done.document,
        lambda: round_view(done.round, done.result),
        lambda: round_sheets(done.round, done.result),
    )


@runs(answers=True, writes=True)
def audit_command(
    run: Run,
    file: RoundFile,
    year: RoundYear = None,
    strict: Strict = False,
) -> None:
    """Audit a decided round against its year's rules: every discrepancy with its row."""
    from fourules.use_cases.audit import audit

    done = audit(run.evaluator(), _request(run, file, year, strict=strict))
    from fourules.output.round_sheets import audit_sheets
    from fourules.output.round_view import audit_view

    run.deliver(
        done.document,
        lambda: audit_view(done.round, done.document),
        lambda: audit_sheets(done.round, done.document, done.result),
    )
    if strict and not done.document.clean:
        raise typer.Exit(1)


@runs(answers=True, writes=True)
def allocate_command(
    run: Run,
    file: RoundFile,
    budget: Annotated[int | None, typer.Option("--budget", help="Total budget in kronor.")] = None,
    budget_project: Annotated[
        int | None, typer.Option("--budget-project", help="Budget for projects (LUM) in kronor.")
    ] = None,
    budget_study_trip: Annotated[
        int | None,
        typer.Option("--budget-study-trip", help="Budget for study trips (MUL) in kronor."),
    ] = None,
    year: RoundYear = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="ranked (in order while budget and quotas allow) or optimal (the best "
            "combination within them, solved exactly).",
        ),
    ] = "ranked",
    min_share: Annotated[
        float | None,
        typer.Option(
            "--min-share",
            help="Allow partial grants of at least this share of min(requested, cap), e.g. "
            "0.3, in whole thousands of kronor (a drafting aid: the decisions state no method).",
        ),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option("--compare", help="Set the draft beside the decision the round records."),
    ] = False,
    scorer: ScorerOption = None,
) -> None:
    """Draft an allocation proposal within the budget (method: docs/rounds.md)."""
    from fourules.use_cases.allocation import Terms, allocate

    asked = Terms.asked(
        budget=budget,
        budget_project=budget_project,
        budget_study_trip=budget_study_trip,
        method=method,
        min_share=min_share,
        compare=compare,
    )
    request = _request(run, file, year, scorers=scorer)
    done = allocate(run.evaluator(), request, asked, progress=_progress(run))
    comparison = None if done.comparison is None else done.comparison.model_dump(mode="json")
    from fourules.output.round_sheets import allocation_sheets
    from fourules.output.round_view import allocation_view, comparison_blocks

    def view() -> View:
        shown = allocation_view(done.round, done.allocation)
        if comparison is None:
            return shown
        extra = comparison_blocks(comparison)
        return View(shown.title, (*shown.blocks, *extra))

    run.deliver(
        done.document,
        view,
        lambda: allocation_sheets(done.round, done.allocation, comparison),
    )


@runs()
def convert_command(
    run: Run,
    file: RoundFile,
    output: Annotated[Path, typer.Argument(help="Where to write: .json, .csv or .xlsx.")],
    year: RoundYear = None,
) -> None:
    """Convert a round between JSON, CSV and XLSX, under a year (--year, else the round's own
    when the run knows it): its own fields and the criteria an assessor may fill in."""
    from fourules.use_cases.convert import ConvertRequest, convert

    raw, name = run.read(file)
    request = ConvertRequest(raw, name, str(output), year)
    write_file(output, convert(run.evaluator(), request))
