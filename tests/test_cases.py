"""Every year folder's cases (`policies/<year>/cases.yaml`), run by one parametrised test."""

from __future__ import annotations

from pathlib import Path

import pytest

from fourules import Evaluator
from fourules.authoring.cases import Cases, coverage_gaps, load_cases, run_case
from tests.years import EVALUATOR, YEARS

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
    for year in ("2018", "2024"):  # the decisions' own cases
        assert len(CASES[year].cases) >= 15, year


@pytest.mark.parametrize(("year", "index"), PARAMS)
def test_case(evaluator: Evaluator, year: str, index: int) -> None:
    cases = CASES[year]
    result = run_case(cases, cases.cases[index], evaluator, year)
    assert result.passed, result.problems


@pytest.mark.parametrize("year", YEARS)
def test_every_rule_is_exercised_by_a_case(evaluator: Evaluator, year: str) -> None:
    """Every rule reports in some case, and every rule an application can make fail has a
    case where it fails (what `fourules check` reports as coverage gaps)."""
    assert coverage_gaps(CASES[year], evaluator, year) == []


def test_a_missing_failing_case_is_a_gap(evaluator: Evaluator) -> None:
    cases = CASES["2024"]
    without = cases.model_copy(
        update={"cases": [c for c in cases.cases if c.findings.get("call_window") != "fail"]}
    )
    assert coverage_gaps(without, evaluator, "2024") == [
        "call_window: an application can make this rule fail, but no case shows it"
    ]
