"""`fourules prove YEAR|PATH`: the policy's properties, proved for every application or
refuted with one that `fourules evaluate` reproduces."""

from __future__ import annotations

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
from fourules.cli.state import year_or_folder
from fourules.output.canonical import to_json
from fourules.output.view import Table, View
from fourules.text import Lang

if TYPE_CHECKING:
    from fourules.authoring.proofs import ProofReport


def prove_command(
    ctx: typer.Context,
    year: Annotated[str, typer.Argument(help="A policy year (e.g. 2024) or a year folder.")],
    format: FormatOption = Format.table,
    lang: LangOption = None,
) -> None:
    """Prove the caps, that no rule leaves a gap, that every branch can fire and every
    mandatory criterion can fail, and the year's own properties (properties.yaml).

    Exit 0 when all are proved, 1 when one is refuted (with an application that shows it),
    2 when the policy cannot be read.
    """
    from fourules.authoring.proofs import prove

    chosen = resolve_lang(ctx, lang)
    with reported_errors(chosen):
        ev, policy_id, folder = year_or_folder(ctx, year)
        policy = ev.load_policy(policy_id)
        report = prove(policy, folder, lambda app: ev.evaluate(app, policy_id, lang=chosen))
    respond(format, report.as_json(), lambda: _view(report, chosen), chosen)
    if not report.proved:
        raise typer.Exit(1)


def _view(report: ProofReport, lang: Lang) -> View:
    sv = lang == "sv"
    counts = report.as_json()["counts"]
    summary = (
        f"{counts['proved']} bevisade, {counts['refuted']} motbevisade."
        if sv
        else f"{counts['proved']} proved, {counts['refuted']} refuted."
    )
    header = [
        "Egenskap" if sv else "Property",
        "Stödform" if sv else "Kind",
        "Utfall" if sv else "Verdict",
        "Påstående" if sv else "Statement",
    ]
    rows = [[p.property, p.kind, p.verdict, p.statement] for p in report.proofs]
    marks = ["fail" if p.verdict == "refuted" else None for p in report.proofs]
    blocks: list[str | Table] = [summary, Table.of("", header, rows, marks=marks)]
    for p in report.proofs:
        if p.verdict == "refuted":
            shown = (
                to_json(p.counterexample)
                if p.counterexample
                else ("ingen ansökan kan" if sv else "no application can")
            )
            blocks.append(f"{p.property} ({p.kind}): {p.detail or ''} {shown}".strip())
    return View(
        title=f"fourules prove {report.policy.id} v{report.policy.version}", blocks=tuple(blocks)
    )
