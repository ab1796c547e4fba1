"""Invariants of single evaluations: caps, outcomes, determinism, independence."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from fourules import Evaluator
from fourules.output import to_json
from tests.strategies import applications, years


def _cap(evaluator: Evaluator, year: str, kind: str) -> int | None:
    value = evaluator.load_policy(year).parameters[f"cap.{kind}"].value
    assert value is None or isinstance(value, int)
    return value


@settings(max_examples=800)
@given(app=applications(), year=years)
def test_grant_never_above_a_stated_cap(
    evaluator: Evaluator, app: dict[str, Any], year: str
) -> None:
    result = evaluator.evaluate(app, year)
    cap = _cap(evaluator, year, app["kind"])
    if cap is not None and result.max_grant_sek is not None:
        assert result.max_grant_sek <= cap


@settings(max_examples=800)
@given(app=applications(), year=years)
def test_outcome_fixes_the_maximum_grant(
    evaluator: Evaluator, app: dict[str, Any], year: str
) -> None:
    result = evaluator.evaluate(app, year)
    requested = app["requested_sek"]
    cap = _cap(evaluator, year, app["kind"])
    if result.outcome == "ineligible":
        assert result.max_grant_sek == 0
        assert any(f.status == "fail" for f in result.findings)
    else:
        assert not any(f.status == "fail" for f in result.findings)
        expected = (
            None if requested is None else min(requested, cap) if cap is not None else requested
        )
        assert result.max_grant_sek == expected
    if result.outcome == "undetermined":
        assert any(f.status == "unknown" for f in result.findings)


@settings(max_examples=300)
@given(app=applications(), year=years)
def test_same_input_gives_byte_identical_json(
    evaluator: Evaluator, app: dict[str, Any], year: str
) -> None:
    assert to_json(evaluator.evaluate(app, year)) == to_json(evaluator.evaluate(dict(app), year))


@settings(max_examples=300)
@given(app=applications(), year=years)
def test_every_applicable_rule_reports_once(
    evaluator: Evaluator, app: dict[str, Any], year: str
) -> None:
    result = evaluator.evaluate(app, year)
    policy = evaluator.load_policy(year)
    rules = [f.rule for f in result.findings]
    expected = [r.id for r in policy.rules if r.applies_to is None or app["kind"] in r.applies_to]
    assert rules == expected
    assert result.score == sum(i.points for i in result.score_breakdown)


@settings(max_examples=25)
@given(app=applications())
def test_a_fresh_evaluator_gives_the_same_result(evaluator: Evaluator, app: dict[str, Any]) -> None:
    """Nothing depends on what the shared evaluator did before."""
    fresh = Evaluator(evaluator.plugin_manager)
    for year in ("2018", "2024"):
        assert fresh.evaluate(app, year) == evaluator.evaluate(app, year)
