"""`fourules prove YEAR|PATH`: the policy's properties, proved for every application or
refuted with one that `fourules evaluate` reproduces."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from fourules.cli.command import Run, runs
from fourules.output.canonical import to_json
from fourules.output.labels import kinds_text
from fourules.output.view import Table, View
from fourules.texts import text

if TYPE_CHECKING:
    from fourules.use_cases.prove import ProofDocument


@runs(answers=True, of_year=True)
def prove_command(run: Run) -> None:
    """Prove the caps, that no rule leaves a gap, that every branch can fire and every
    mandatory criterion can fail, and the year's own properties (properties.yaml).

    Exit 0 when all are proved, 1 when one is refuted (with an application that shows it),
    2 when the policy cannot be read.
    """
    from fourules.use_cases.prove import ProveRequest, prove

    ev, policy_id, folder = run.year_or_folder()
    done = prove(ev, ProveRequest(policy_id, folder, run.lang))
    run.respond(done.document, lambda: _view(done.document))
    if not done.document.proved:
        raise typer.Exit(1)


def _view(report: ProofDocument) -> View:
    counts = report.counts
    summary = text("prove.summary", proved=counts["proved"], refuted=counts["refuted"])
    header = [text(k) for k in ("prove.property", "kind", "column.verdict", "prove.statement")]
    rows = [
        [p.property, kinds_text([p.kind] if p.kind else []), _verdict(p.verdict), p.statement]
        for p in report.proofs
    ]
    marks = ["fail" if p.verdict == "refuted" else None for p in report.proofs]
    blocks: list[str | Table] = [summary, Table.of("", header, rows, marks=marks)]
    for p in report.proofs:
        if p.verdict == "refuted":
            shown = to_json(p.counterexample) if p.counterexample else text("prove.no_application")
            kind = kinds_text([p.kind] if p.kind else [])
            blocks.append(f"{p.property} ({kind}): {p.detail or ''} {shown}".strip())
    return View(
        title=f"fourules prove {report.policy.id} v{report.policy.version}", blocks=tuple(blocks)
    )


def _verdict(verdict: str) -> str:
    return text(f"prove.verdict.{verdict}")
