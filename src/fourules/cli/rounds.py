"""`fourules round`, `audit`, `allocate` and `convert`: a whole round at a time."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    OutputOption,
    output_format,
    read_input,
    reported_errors,
    resolve_lang,
    respond,
    write_file,
)
from fourules.cli.evaluate import DecisionLogOption, ScorerOption
from fourules.cli.state import evaluator
from fourules.errors import InputError
from fourules.output.canonical import to_json
from fourules.output.view import View
from fourules.text import Lang, LocalText

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator
    from fourules.rounds.evaluation import Progress, RoundEntry
    from fourules.rounds.model import Round
    from fourules.spreadsheets import Sheet

# The round machinery is imported inside each command: `fourules evaluate` starts faster.

PROGRESS_FROM = 500
"""Rounds at least this large show a progress bar on a terminal (never in JSON output)."""


RoundFile = Annotated[
    str, typer.Argument(help="A round: JSON, CSV or XLSX; - reads JSON from stdin.")
]
RoundYear = Annotated[
    str | None, typer.Option("--year", "-y", help="The policy year; default: the round's own year.")
]


def _load(ev: Evaluator, file: str, year: str | None, strict: bool = False) -> tuple[Round, str]:
    """Read a round; with `strict`, refuse one naming an applicant that is not an
    administration of the round's own year (else such an application is ineligible)."""
    from fourules.rounds.evaluation import read_round

    raw, name = read_input(file)
    return read_round(raw, name, ev, year, strict=strict)


def _respond(
    fmt: Format | None,
    output: Path | None,
    document: object,
    view: Callable[[], View],
    sheets: Callable[[], Sequence[Sheet]],
    lang: Lang,
) -> None:
    """The result on standard output, or written whole to --output: a workbook (fmt None)
    or the format's text."""
    from fourules.output.renderers import emit
    from fourules.spreadsheets import workbook

    if output is None:
        respond(fmt or Format.table, document, view, lang)
    elif fmt is None:
        write_file(output, workbook(sheets()))
    else:
        write_file(output, emit(fmt, document, view, lang).encode("utf-8"))


def _progress(fmt: Format | None, size: int) -> Progress | None:
    """A progress bar on stderr for a long round on a terminal; never with JSON output."""
    if fmt is Format.json or size < PROGRESS_FROM or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import track

    def show(items: Iterable[RoundEntry]) -> Iterable[RoundEntry]:
        return track(
            items, description="Bedömer", total=size, console=Console(stderr=True), transient=True
        )

    return show


def round_command(
    ctx: typer.Context,
    file: RoundFile,
    year: RoundYear = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse the round (exit 2) when an application names an applicant that is not "
            "an administration of the round's year, instead of evaluating it as ineligible.",
        ),
    ] = False,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    lang: LangOption = None,
    scorer: ScorerOption = None,
    decision_log: DecisionLogOption = None,
) -> None:
    """Evaluate every application of a round, with the round's quotas, duplicates and totals."""
    from fourules.rounds.evaluation import evaluate_round

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        fmt = output_format(ctx, format, output)
        ev = evaluator(ctx)
        round_, policy_year = _load(ev, file, year, strict)
        result = evaluate_round(
            round_,
            policy_year,
            ev,
            lang=chosen,
            scorers=scorer,
            progress=_progress(fmt, len(round_.applications)),
        )
        if decision_log is not None:
            from fourules.decision_log.log import DecisionLog

            DecisionLog(decision_log).append_round(round_, result)
        from fourules.output.round_sheets import round_sheets
        from fourules.output.round_view import round_view

        _respond(
            fmt,
            output,
            result,
            lambda: round_view(round_, result, chosen),
            lambda: round_sheets(round_, result),
            chosen,
        )


def audit_command(
    ctx: typer.Context,
    file: RoundFile,
    year: RoundYear = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 when any error or warning is found; refuse the round (exit 2) when an "
            "application names an applicant that is not an administration of its year.",
        ),
    ] = False,
    format: FormatOption = Format.table,
    output: OutputOption = None,
    lang: LangOption = None,
) -> None:
    """Audit a decided round against its year's rules: every discrepancy with its row."""
    from fourules.rounds.audit import audit_round
    from fourules.rounds.evaluation import evaluate_round

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        fmt = output_format(ctx, format, output)
        ev = evaluator(ctx)
        round_, policy_year = _load(ev, file, year, strict)
        result = evaluate_round(round_, policy_year, ev, lang=chosen)
        audit = audit_round(round_, result, ev.load_policy(policy_year), lang=chosen)
        from fourules.output.round_sheets import audit_sheets
        from fourules.output.round_view import audit_view

        _respond(
            fmt,
            output,
            audit,
            lambda: audit_view(round_, audit, chosen),
            lambda: audit_sheets(round_, audit, result),
            chosen,
        )
    if strict and not audit.clean:
        raise typer.Exit(1)


def allocate_command(
    ctx: typer.Context,
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
    format: FormatOption = Format.table,
    output: OutputOption = None,
    lang: LangOption = None,
    scorer: ScorerOption = None,
) -> None:
    """Draft an allocation proposal within the budget (method: docs/rounds.md)."""
    from fourules.output.documents import allocation_document
    from fourules.rounds.allocation import METHODS, check_min_share, make_budget

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        if method not in METHODS:
            raise InputError(
                LocalText(
                    sv=f"{method!r} är ingen metod; ange ranked eller optimal",
                    en=f"{method!r} is not a method; use ranked or optimal",
                ),
                "--method",
            )
        fmt = output_format(ctx, format, output)
        money = make_budget(budget, budget_project, budget_study_trip)
        check_min_share(min_share)
        ev = evaluator(ctx)
        round_, policy_year = _load(ev, file, year)
        result, document = allocation_document(
            ev,
            round_,
            policy_year,
            money,
            lang=chosen,
            method="optimal" if method == "optimal" else "ranked",
            min_share=min_share,
            compare=compare,
            scorers=scorer,
            progress=_progress(fmt, len(round_.applications)),
        )
        comparison = document.get("comparison") if isinstance(document, dict) else None
        from fourules.output.round_sheets import allocation_sheets
        from fourules.output.round_view import allocation_view, comparison_blocks

        def view() -> View:
            shown = allocation_view(round_, result, chosen)
            if comparison is None:
                return shown
            extra = comparison_blocks(comparison, chosen)
            return View(shown.title, (*shown.blocks, *extra))

        _respond(
            fmt,
            output,
            document,
            view,
            lambda: allocation_sheets(round_, result, comparison),
            chosen,
        )


def convert_command(
    ctx: typer.Context,
    file: RoundFile,
    output: Annotated[Path, typer.Argument(help="Where to write: .json, .csv or .xlsx.")],
    year: RoundYear = None,
    lang: LangOption = None,
) -> None:
    """Convert a round between JSON, CSV and XLSX, under a year (--year, else the round's own
    when the run knows it): its own fields and the criteria an assessor may fill in."""
    from fourules.rounds.files import open_round, to_csv, to_xlsx

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        suffix = output.suffix.casefold()
        if suffix not in (".json", ".csv", ".xlsx"):
            raise InputError(
                LocalText(
                    sv="skriv till .json, .csv eller .xlsx", en="write to .json, .csv or .xlsx"
                ),
                str(output),
            )
        raw, name = read_input(file)
        opened = open_round(raw, name)
        ev = evaluator(ctx)
        if year is not None:
            ev.require(year)  # an unknown year is bad input, named with the years there are
        chosen_year = year or (opened.year if opened.year in ev.policy_ids() else None)
        vocabulary = ev.load_policy(chosen_year).vocabulary if chosen_year else None
        round_ = opened.round(vocabulary)
        if suffix == ".json":
            data = to_json(round_.model_dump(mode="json", exclude_defaults=True)).encode("utf-8")
        else:
            criteria = [c.id for c in vocabulary.criteria] if vocabulary else []
            if suffix == ".csv":
                data = to_csv(round_, criteria, vocabulary).encode("utf-8")
            else:
                data = to_xlsx(round_, criteria, vocabulary)
        write_file(output, data)
