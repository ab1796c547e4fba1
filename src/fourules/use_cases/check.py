"""A year's call checked before it ships (`fourules check`): the policy validates, every
quote and number is the decision's own, the rules have no gap or dead branch, the coverage
map cannot swallow, every case holds — each problem with its place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from fourules.authoring.check import CHECKS, CheckName, CheckReport, check_year
from fourules.policy.model import Policy
from fourules.text import Lang


class PolicyStamp(BaseModel):
    """Which policy a document is about: its id, version and content hash."""

    model_config = ConfigDict(frozen=True)

    id: str
    version: str
    sha256: str

    @classmethod
    def of(cls, policy: Policy) -> PolicyStamp:
        return cls(id=policy.id, version=policy.version, sha256=policy.sha256)


class CheckProblem(BaseModel):
    """One thing to fix: which check found it, where (file, line, field) and what."""

    model_config = ConfigDict(frozen=True)

    check: CheckName
    file: str
    line: int | None
    field: str
    message: str = Field(description="In the request's language.")


class CheckDocument(BaseModel):
    """`fourules check --format json`: whether the year is clean, the count per check, and
    every problem."""

    model_config = ConfigDict(frozen=True)

    folder: str
    policy: PolicyStamp | None = Field(description="None when the policy does not load.")
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
        policy=None if report.policy is None else PolicyStamp.of(report.policy),
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
