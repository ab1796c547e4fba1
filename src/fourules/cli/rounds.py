"""`fourules round`, `audit`, `allocate` and `convert`: a whole round at a time."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
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
from fourules.cli.evaluate import DecisionLogOption, ScorerOption
from fourules.cli.state import evaluator
from fourules.errors import InputError
from fourules.output.canonical import to_json
from fourules.output.view import View
from fourules.text import LocalText

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator
    from fourules.rounds.evaluation import Progress, RoundEntry
    from fourules.rounds.model import Round

# The round machinery is imported inside each command: `fourules evaluate` starts faster.

PROGRESS_FROM = 500
"""Rounds at least this large show a progress bar on a terminal (never in JSON output)."""


RoundFile = Annotated[
    str, typer.Argument(help="A round: JSON, CSV or XLSX; - reads JSON from stdin.")
]
RoundYear = Annotated[
    str | None, typer.Option("--year", "-y", help="The policy year; default: the round's own year.")
]


def _load(ev: Evaluator, file: str, year: str | None) -> tuple[Round, str]:
    """Read and check a round; every applicant must exist in the round's own year."""
    from fourules.rounds.evaluation import read_round

    raw, name = read_input(file)
    return read_round(raw, name, ev, year)


def _progress(fmt: Format, size: int) -> Progress | None:
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
    format: FormatOption = Format.table,
    lang: LangOption = None,
    scorer: ScorerOption = None,
    decision_log: DecisionLogOption = None,
) -> None:
    """Evaluate every application of a round, with the round's quotas, duplicates and totals."""
    from fourules.rounds.evaluation import evaluate_round

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        round_, policy_year = _load(ev, file, year)
        result = evaluate_round(
            round_,
            policy_year,
            ev,
            lang=chosen,
            scorers=scorer,
            progress=_progress(format, len(round_.applications)),
        )
        if decision_log is not None:
            from fourules.service.decision_log import DecisionLog

            DecisionLog(decision_log).append_round(round_, result)
    from fourules.output.round_view import round_view

    respond(format, result, lambda: round_view(round_, result, chosen), chosen)


def audit_command(
    ctx: typer.Context,
    file: RoundFile,
    year: RoundYear = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any error or warning is found.")
    ] = False,
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """Audit a decided round against its year's rules: every discrepancy with its row."""
    from fourules.rounds.audit import audit_round
    from fourules.rounds.evaluation import evaluate_round

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev = evaluator(ctx)
        round_, policy_year = _load(ev, file, year)
        result = evaluate_round(round_, policy_year, ev, lang=chosen)
        audit = audit_round(round_, result, ev.load_policy(policy_year), lang=chosen)
    from fourules.output.round_view import audit_view

    respond(format, audit, lambda: audit_view(round_, audit, chosen), chosen)
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
    lang: LangOption = None,
    scorer: ScorerOption = None,
) -> None:
    """Draft an allocation proposal within the budget (method: docs/rounds.md)."""
    from fourules.output.documents import allocation_document
    from fourules.rounds.allocation import check_min_share, make_budget

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        if method not in ("ranked", "optimal"):
            raise InputError(
                LocalText(
                    sv=f"{method!r} är ingen metod; ange ranked eller optimal",
                    en=f"{method!r} is not a method; use ranked or optimal",
                ),
                "--method",
            )
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
            progress=_progress(format, len(round_.applications)),
        )
    from fourules.output.round_view import allocation_view, comparison_blocks

    def view() -> View:
        shown = allocation_view(round_, result, chosen)
        if not compare:
            return shown
        extra = comparison_blocks(document["comparison"], chosen)
        return View(shown.title, (*shown.blocks, *extra))

    respond(format, document, view, chosen)


def convert_command(
    ctx: typer.Context,
    file: RoundFile,
    output: Annotated[Path, typer.Argument(help="Where to write: .json or .csv.")],
    lang: LangOption = None,
) -> None:
    """Convert a round between JSON, CSV and XLSX (read) and JSON or CSV (written)."""
    from fourules.rounds.files import load_round, to_csv

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        raw, name = read_input(file)
        round_ = load_round(raw, name)
        suffix = output.suffix.casefold()
        if suffix == ".csv":
            # The round's own year names the criteria an assessor may fill in.
            ev = evaluator(ctx)
            year = round_.year if round_.year in ev.policy_ids() else None
            vocabulary = ev.load_policy(year).vocabulary if year else None
            criteria = [c.id for c in vocabulary.criteria] if vocabulary else []
            text = to_csv(round_, criteria)
        elif suffix == ".json":
            text = to_json(round_.model_dump(mode="json", exclude_defaults=True))
        else:
            raise InputError(
                LocalText(sv="skriv till .json eller .csv", en="write to .json or .csv"),
                str(output),
            )
        # Written beside the target and renamed: a failure never leaves half a file.
        folder = output.parent if str(output.parent) else Path(".")
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp"
        ) as tmp:
            tmp.write(text)
        os.replace(tmp.name, output)
