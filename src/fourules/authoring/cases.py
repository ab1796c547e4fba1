"""A year's cases: the decision's concrete examples as data, beside the policy they test.

`policies/<year>/cases.yaml` holds `defaults` per kind and a list of `cases`, each with a
sentence as its name, the application (merged onto the defaults of its kind) and what the
decision implies: the outcome and maximum grant, and optionally the status of some rules,
words a message must contain, the score and the administrations the applicants resolve to.
Anyone who can read the decision can add a case; `fourules check` and the test suite run
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fourules.application import Kind
from fourules.errors import FourulesError, PolicyError
from fourules.evaluation.sharing import Memo
from fourules.policy.model import Status, first_problem, read_yaml
from fourules.text import LocalText
from fourules.texts import both

if TYPE_CHECKING:
    from fourules.evaluation.evaluator import Evaluator

CASES_FILE = "cases.yaml"


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="A sentence saying what the case shows.")
    kind: Kind = "project"
    application: dict[str, Any] = Field(default_factory=dict)
    outcome: str = Field(pattern="^(eligible|undetermined|ineligible)$")
    max_grant_sek: int | None
    findings: dict[str, Status] = Field(default_factory=dict)
    message_contains: dict[str, str] = Field(default_factory=dict)
    score: float | None = None
    applicants: list[str | None] | None = None


class Cases(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    year: str | None = Field(default=None, description="Optional; must match the folder.")
    defaults: dict[Kind, dict[str, Any]] = Field(default_factory=dict)
    cases: list[Case] = Field(min_length=1)

    def application(self, case: Case) -> dict[str, Any]:
        return {**self.defaults.get(case.kind, {}), **case.application}


def load_cases(folder: Path) -> Cases | None:
    """The year folder's cases, or None when it has none; a broken file raises PolicyError."""
    path = folder / CASES_FILE
    if not path.exists():
        return None
    shown = str(path)
    try:
        cases = Cases.model_validate(read_yaml(path))
    except ValidationError as exc:
        raise PolicyError(shown, *first_problem(exc)) from None
    if cases.year is not None and cases.year != folder.name:
        raise PolicyError(shown, "year", f"is {cases.year!r} but the folder is {folder.name!r}")
    return cases


@dataclass(frozen=True)
class CaseResult:
    """One case run: what differed from what the case expects (nothing when it passes)."""

    name: str
    problems: tuple[LocalText, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


def run_case(cases: Cases, case: Case, evaluator: Evaluator, year: str) -> CaseResult:
    try:
        result = evaluator.evaluate(cases.application(case), year)
    except FourulesError as exc:
        return CaseResult(case.name, (both("case.refused", error=str(exc)),))
    problems: list[LocalText] = []

    def expect(what: str, got: Any, wanted: Any) -> None:
        if got != wanted:
            problems.append(both("case.differs", field=what, wanted=repr(wanted), got=repr(got)))

    expect("outcome", result.outcome, case.outcome)
    expect("max_grant_sek", result.max_grant_sek, case.max_grant_sek)
    by_rule = {f.rule: f for f in result.findings}
    for rule, status in case.findings.items():
        finding = by_rule.get(rule)
        if finding is None:
            problems.append(both("case.no_finding", field=f"findings.{rule}"))
        else:
            expect(f"findings.{rule}", finding.status, status)
    for rule, text in case.message_contains.items():
        finding = by_rule.get(rule)
        if finding is None or text not in finding.message:
            field = f"message_contains.{rule}"
            problems.append(
                both("case.no_finding", field=field)
                if finding is None
                else both(
                    "case.message_differs", field=field, text=repr(text), got=repr(finding.message)
                )
            )
    if case.score is not None:
        expect("score", result.score, case.score)
    if case.applicants is not None:
        expect("applicants", [a.administration for a in result.applicants], case.applicants)
    return CaseResult(case.name, tuple(problems))


def run_cases(cases: Cases, evaluator: Evaluator, year: str) -> list[CaseResult]:
    return [run_case(cases, case, evaluator, year) for case in cases.cases]


def coverage_gaps(cases: Cases, evaluator: Evaluator, year: str) -> list[LocalText]:
    """Rules the cases leave untried: a rule no case reports, and a rule some application
    can make fail (tried on every boundary application) that no case shows failing."""
    policy = evaluator.load_policy(year)
    seen: set[tuple[str, str]] = set()
    for case in cases.cases:
        try:
            findings = evaluator.evaluate(cases.application(case), year).findings
        except FourulesError:
            continue  # reported by run_case
        seen.update((f.rule, f.status) for f in findings)
    gaps = [
        both("case.gap.unreported", rule=rule.id)
        for rule in policy.rules
        if not any(r == rule.id for r, _ in seen)
    ]
    gaps += [
        both("case.gap.never_fails", rule=rule)
        for rule in _failing(evaluator, year)
        if (rule, "fail") not in seen
    ]
    return gaps


_FAILING: Memo[str, tuple[str, ...]] = Memo(16)


def _failing(evaluator: Evaluator, year: str) -> tuple[str, ...]:
    """The rules some boundary application of the year makes fail, in the order found.
    Remembered by the policy's content hash: the boundary applications are most of a
    check's evaluations, and a draft is checked after every save, most of which leave
    policy.yaml as it was. A case of the 2026 example saved and checked: 55 ms without it,
    36 ms with it (`benchmarks/bench_calls_pages.py`, medians of 15)."""
    from fourules.policy.vocabulary import boundary_applications

    policy = evaluator.load_policy(year)
    found = _FAILING.get(policy.sha256)
    if found is not None:
        return found
    failing: dict[str, None] = {}
    for app in boundary_applications(policy.vocabulary, policy.boundaries()):
        for f in evaluator.evaluate(app, year).findings:
            if f.status == "fail":
                failing[f.rule] = None
    return _FAILING.store(policy.sha256, tuple(failing))
