"""`fourules check PATH`: validate a year folder, find its quotes, lint its rules, run its cases."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fourules.cli.command import Run, runs
from fourules.output.view import View
from fourules.texts import language, text

if TYPE_CHECKING:
    from fourules.authoring.check import CheckReport


@runs(answers=True)
def check_command(
    run: Run,
    path: Annotated[
        str,
        typer.Argument(
            help="A year folder (e.g. policies/2024), its policy.yaml, or a year the run knows "
            "(e.g. 2024, or 2026 with --policies examples/calls)."
        ),
    ],
) -> None:
    """Check a year's call before it ships: the policy validates, every quote is in the
    decision's text, no rule is dead or has a gap, and every case holds.

    Exit 0 when clean, 1 with problems, 2 when PATH cannot be read.
    """
    from fourules.use_cases.check import CheckRequest, check

    done = check(CheckRequest(_folder(run, path), run.lang))
    report = done.report
    run.respond(done.document, lambda: _view(report))
    if not report.ok:
        raise typer.Exit(1)


def _folder(run: Run, path: str) -> Path:
    """The path as given when it exists (or is no year the run knows: `check_year` then says
    what is missing); a year id, the folder the run finds it in."""
    given = Path(path)
    if given.exists() or not re.fullmatch(r"[A-Za-z0-9_-]+", path):
        return given
    found = run.evaluator().policy_paths().get(path)
    return given if found is None else found.parent


def _view(report: CheckReport) -> View:
    """The summary, then each problem as `file:line: field: message` (as linters write them,
    so an editor can jump to it)."""
    return View(
        title=f"fourules check {report.folder}",
        blocks=(_summary(report),),
        notes_title=text("check.problems"),
        notes=tuple(p.text(language()) for p in report.problems),
    )


def _summary(report: CheckReport) -> str:
    policy = f" (policy {report.policy.id} {report.policy.version})" if report.policy else ""
    verdict = (
        text("check.no_problems")
        if report.ok
        else text("check.problem_count", count=len(report.problems))
    )
    return text(
        "check.summary",
        folder=report.folder,
        policy=policy,
        verdict=verdict,
        sources=report.sources,
        passed=report.cases_passed,
        cases=report.cases,
    )
