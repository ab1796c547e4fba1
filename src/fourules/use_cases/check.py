"""A year's call checked before it ships (`fourules check`): the policy validates, every
quote and number is the decision's own, the rules have no gap or dead branch, the coverage
map cannot swallow, every case holds — each problem with its place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from fourules.authoring.check import CHECKS, CheckName, CheckReport, check_year
from fourules.evaluation.results import PolicyRef
from fourules.text import Lang
from fourules.use_cases.documents import Document, policy_ref


class CheckProblem(Document):
    """One thing to fix: which check found it, where (file, line, field) and what."""

    check: CheckName
    file: str
    line: int | None
    field: str
    message: str = Field(description="In the request's language.")


class CheckDocument(Document):
    """`fourules check --format json`: whether the year is clean, the count per check, and
    every problem."""

    folder: str
    policy: PolicyRef | None = Field(description="None when the policy does not load.")
    ok: bool
    summary: dict[str, int] = Field(
        description="problems; one count per check (" + ", ".join(CHECKS) + "); sources, "
        "cases and cases_passed."
    )
    problems: list[CheckProblem]


@dataclass(frozen=True)
class CheckRequest:
    """The year folder to check, and the language of the problems' messages."""

    folder: Path
    lang: Lang = "sv"


@dataclass(frozen=True)
class Checked:
    report: CheckReport
    document: CheckDocument


def check(request: CheckRequest) -> Checked:
    """Every check of the year folder (`authoring.check.check_year`), as a document."""
    report = check_year(request.folder)
    problems = report.problems
    document = CheckDocument(
        folder=report.folder,
        policy=None if report.policy is None else policy_ref(report.policy),
        ok=report.ok,
        summary={
            "problems": len(problems),
            **{name: sum(p.check == name for p in problems) for name in CHECKS},
            "sources": report.sources,
            "cases": report.cases,
            "cases_passed": report.cases_passed,
        },
        problems=[CheckProblem.model_validate(p.as_json(request.lang)) for p in problems],
    )
    return Checked(report, document)
