"""`fourules check PATH`: validate a year folder, find its quotes, lint its rules, run its cases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    reported_errors,
    resolve_lang,
    respond,
)
from fourules.output.view import View
from fourules.text import Lang

if TYPE_CHECKING:
    from fourules.authoring.check import CheckReport


def check_command(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="A year folder (e.g. policies/2024) or its policy.yaml.")
    ],
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """Check a year's call before it ships: the policy validates, every quote is in the
    decision's text, no rule is dead or has a gap, and every case holds.

    Exit 0 when clean, 1 with problems, 2 when PATH cannot be read.
    """
    from fourules.authoring.check import check_year

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        report = check_year(path)
    respond(format, report.as_json(chosen), lambda: _view(report, chosen), chosen)
    if not report.ok:
        raise typer.Exit(1)


def _view(report: CheckReport, lang: Lang) -> View:
    """The summary, then each problem as `file:line: field: message` (as linters write them,
    so an editor can jump to it)."""
    return View(
        title=f"fourules check {report.folder}",
        blocks=(_summary(report, lang),),
        notes_title="Problem" if lang == "sv" else "Problems",
        notes=tuple(p.text(lang) for p in report.problems),
    )


def _summary(report: CheckReport, lang: Lang) -> str:
    policy = f" (policy {report.policy.id} {report.policy.version})" if report.policy else ""
    if lang == "sv":
        verdict = "inga problem" if report.ok else f"{len(report.problems)} problem"
        return (
            f"{report.folder}{policy}: {verdict}; {report.sources} källor, "
            f"{report.cases_passed} av {report.cases} fall håller."
        )
    verdict = "no problems" if report.ok else f"{len(report.problems)} problems"
    return (
        f"{report.folder}{policy}: {verdict}; {report.sources} sources, "
        f"{report.cases_passed} of {report.cases} cases hold."
    )
