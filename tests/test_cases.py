"""The decisions' concrete cases, as data (tests/cases/*.yaml), run by one parametrised test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from fourules import Evaluator

CASES_DIR = Path(__file__).parent / "cases"


def _load() -> list[Any]:
    out = []
    for file in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in data["cases"]:
            kind = case.get("kind", "project")
            application = {**data["defaults"][kind], **case["application"]}
            out.append(pytest.param(data["year"], application, case, id=case["name"]))
    return out


CASES = _load()


def test_enough_cases_cover_both_years() -> None:
    years = [p.values[0] for p in CASES]
    assert len(CASES) >= 30
    assert years.count("2018") >= 15 and years.count("2024") >= 15


@pytest.mark.parametrize(("year", "application", "case"), CASES)
def test_case(
    evaluator: Evaluator, year: str, application: dict[str, Any], case: dict[str, Any]
) -> None:
    result = evaluator.evaluate(application, year)
    assert result.outcome == case["outcome"]
    assert result.max_grant_sek == case["max_grant_sek"]
    by_rule = {f.rule: f for f in result.findings}
    for rule, status in case.get("findings", {}).items():
        assert by_rule[rule].status == status, by_rule[rule].message
    for rule, text in case.get("message_contains", {}).items():
        assert text in by_rule[rule].message
    if "score" in case:
        assert result.score == case["score"]
    if "applicants" in case:
        assert [a.administration for a in result.applicants] == case["applicants"]


def test_every_rule_of_both_years_is_exercised_by_a_case(evaluator: Evaluator) -> None:
    fired: dict[str, set[str]] = {"2018": set(), "2024": set()}
    for param in CASES:
        year, application, _ = param.values
        for f in evaluator.evaluate(application, year).findings:
            fired[year].add(f"{f.rule}:{f.status}")
    for year, seen in fired.items():
        rules = {r.id for r in evaluator.load_policy(year).rules}
        assert rules == {s.split(":")[0] for s in seen}
        # Every rule that can fail has a case where it fails. Both years fund both kinds,
        # so kind.funded cannot fail through the application contract.
        for rule in evaluator.load_policy(year).rules:
            if any(b.status == "fail" for b in rule.branches) and rule.id != "kind.funded":
                assert f"{rule.id}:fail" in seen, (year, rule.id)
