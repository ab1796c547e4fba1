"""Every year folder's cases (`policies/<year>/cases.yaml`), run by one parametrised test."""

from __future__ import annotations

from pathlib import Path

import pytest

from fourules import Evaluator
from fourules.cases import Cases, load_cases, run_case
from fourules.testing import boundaries
from fourules.vocabulary import Vocabulary, base_application
from tests.years import EVALUATOR, POLICIES, YEARS

FOLDERS: dict[str, Path] = {year: path.parent for year, path in EVALUATOR.policy_paths().items()}
CASES: dict[str, Cases] = {
    year: cases for year in YEARS if (cases := load_cases(FOLDERS[year])) is not None
}
PARAMS = [
    pytest.param(year, i, id=f"{year}: {case.name}")
    for year, cases in CASES.items()
    for i, case in enumerate(cases.cases)
]


def test_every_year_has_cases() -> None:
    assert set(CASES) == set(YEARS)
    for year, cases in CASES.items():
        assert len(cases.cases) >= 15, year


@pytest.mark.parametrize(("year", "index"), PARAMS)
def test_case(evaluator: Evaluator, year: str, index: int) -> None:
    cases = CASES[year]
    result = run_case(cases, cases.cases[index], evaluator, year)
    assert result.passed, result.problems


def _reachable_failures(evaluator: Evaluator, year: str) -> set[str]:
    """Rules some application can make fail: tried on every boundary application."""
    policy = POLICIES[year]
    bounds = boundaries(policy)
    vocabulary: Vocabulary = policy.vocabulary
    failing: set[str] = set()
    for kind in ("project", "study_trip"):
        base = base_application(kind, bounds)
        for name in vocabulary.facts:
            for app in [base, *vocabulary.variations(name, base, bounds)]:
                for f in evaluator.evaluate(app, year).findings:
                    if f.status == "fail":
                        failing.add(f.rule)
    return failing


@pytest.mark.parametrize("year", YEARS)
def test_every_rule_is_exercised_by_a_case(evaluator: Evaluator, year: str) -> None:
    """Every rule reports in some case, and every rule an application can make fail has a
    case where it fails."""
    cases = CASES[year]
    seen: set[str] = set()
    for case in cases.cases:
        for f in evaluator.evaluate(cases.application(case), year).findings:
            seen.add(f"{f.rule}:{f.status}")
    policy = POLICIES[year]
    assert {r.id for r in policy.rules} == {s.split(":")[0] for s in seen}
    for rule in sorted(_reachable_failures(evaluator, year)):
        assert f"{rule}:fail" in seen, (year, rule)
