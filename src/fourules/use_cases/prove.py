"""A year's properties proved for every application (`fourules prove`): the caps, that no
rule leaves a gap, that every branch can fire and every mandatory criterion can fail, and
the year's own properties — each proved, or refuted with an application that shows it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from fourules.authoring.proofs import ProofReport, Verdict
from fourules.evaluation.evaluator import Evaluator
from fourules.evaluation.results import PolicyRef
from fourules.text import Lang
from fourules.use_cases.documents import Document, policy_ref


class ProofEntry(Document):
    """One property for one kind."""

    property: str
    kind: str
    verdict: Verdict
    statement: str
    counterexample: dict[str, Any] | None = Field(
        description="An application that refutes it, when there is one."
    )
    reproduced: bool | None = Field(
        description="Whether `fourules evaluate` of the counterexample shows the same."
    )
    detail: str


class ProofDocument(Document):
    """`fourules prove --format json`."""

    policy: PolicyRef
    proved: bool
    counts: dict[str, int] = Field(description="proved and refuted.")
    proofs: list[ProofEntry]


@dataclass(frozen=True)
class ProveRequest:
    """The year (known to the evaluator) and its folder (for its own properties)."""

    year: str
    folder: Path | None
    lang: Lang = "sv"


@dataclass(frozen=True)
class Proved:
    report: ProofReport
    document: ProofDocument


def prove(evaluator: Evaluator, request: ProveRequest) -> Proved:
    """Every property of the year, each counterexample reproduced by a normal evaluation."""
    from fourules.authoring.proofs import prove as proofs

    policy = evaluator.load_policy(request.year)
    report = proofs(
        policy, request.folder, lambda app: evaluator.evaluate(app, request.year, lang=request.lang)
    )
    document = ProofDocument(
        policy=policy_ref(policy),
        proved=report.proved,
        counts={
            verdict: sum(p.verdict == verdict for p in report.proofs)
            for verdict in ("proved", "refuted")
        },
        proofs=[
            ProofEntry(
                property=p.property,
                kind=p.kind,
                verdict=p.verdict,
                statement=p.statement,
                counterexample=p.counterexample,
                reproduced=p.reproduced,
                detail=p.detail,
            )
            for p in report.proofs
        ],
    )
    return Proved(report, document)
