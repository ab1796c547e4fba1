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
    gaps = coverage_gaps(without, evaluator, "2024")
    assert [g.en for g in gaps] == [
        "call_window: an application can make this rule fail, but no case shows it"
    ]
    assert [g.sv for g in gaps] == [
        "call_window: en ansökan kan göra att regeln inte uppfylls, men inget fall visar det"
    ]


def test_a_case_that_fails_says_what_differed_in_each_language(evaluator: Evaluator) -> None:
    """What a case expected and what the evaluation gave, in the check's language (the
    pages show it in Swedish)."""
    cases = CASES["2024"]
    case = cases.cases[0].model_copy(
        update={"outcome": "undetermined", "findings": {"nothing": "pass"}}
    )
    problems = run_case(cases, case, evaluator, "2024").problems
    assert [p.sv.split(":")[0] for p in problems] == ["outcome", "findings.nothing"]
    assert "väntat 'undetermined'" in problems[0].sv and "expected 'undetermined'" in problems[0].en
    assert problems[1].sv.endswith("ingen sådan bedömning för ansökan")
    assert problems[1].en.endswith("no such finding for this application")
