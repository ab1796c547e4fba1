"""`fourules check PATH`: validate a year folder, find its quotes, lint its rules, run its cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fourules.cli.common import (
    Format,
    FormatOption,
    LangOption,
    reported_errors,
    resolve_lang,
    write,
)
from fourules.output.canonical import to_json


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
    if format is Format.json:
        write(to_json(report.as_json(chosen)))
    elif format is Format.markdown:
        from fourules.cli.render import markdown_table

        sv = chosen == "sv"
        header = [
            "Kontroll" if sv else "Check",
            "Fil" if sv else "File",
            "Rad" if sv else "Line",
            "Fält" if sv else "Field",
            "Problem",
        ]
        rows = [
            [p.check, p.file, str(p.line or ""), p.field, p.message.get(chosen)]
            for p in report.problems
        ]
        write(
            f"# fourules check {report.folder}\n\n{_summary(report, chosen)}\n\n"
            + (markdown_table(header, rows) if rows else "")
        )
    else:
        lines = [p.text(chosen) for p in report.problems]
        write("".join(f"{line}\n" for line in lines) + _summary(report, chosen) + "\n")
    if not report.ok:
        raise typer.Exit(1)


def _summary(report: object, lang: str) -> str:
    from fourules.authoring.check import CheckReport

    assert isinstance(report, CheckReport)
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
