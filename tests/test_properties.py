"""Invariants of single evaluations: caps, outcomes, determinism, independence."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules import Evaluator
from fourules.output.canonical import to_json
from fourules.testing import applications
from tests.years import ALL_POLICIES, POLICIES, YEARS, caps


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=400)
@given(data=st.data())
def test_grant_never_above_a_stated_cap(
    evaluator: Evaluator, data: st.DataObject, year: str
) -> None:
    app = data.draw(applications(POLICIES[year]))
    result = evaluator.evaluate(app, year)
    if result.max_grant_sek is not None:
        for cap in caps(POLICIES[year], app["kind"]):
            assert result.max_grant_sek <= cap


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=400)
@given(data=st.data())
def test_outcome_fixes_the_maximum_grant(
    evaluator: Evaluator, data: st.DataObject, year: str
) -> None:
    app = data.draw(applications(POLICIES[year]))
    result = evaluator.evaluate(app, year)
    requested = app["requested_sek"]
    if result.outcome == "ineligible":
        assert result.max_grant_sek == 0
        assert any(f.status == "fail" for f in result.findings)
    else:
        assert not any(f.status == "fail" for f in result.findings)
        expected = (
            None if requested is None else min([requested, *caps(POLICIES[year], app["kind"])])
        )
        assert result.max_grant_sek == expected
    if result.outcome == "undetermined":
        assert any(f.status == "unknown" for f in result.findings)


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=150)
@given(data=st.data())
def test_same_input_gives_byte_identical_json(
    evaluator: Evaluator, data: st.DataObject, year: str
) -> None:
    app = data.draw(applications(POLICIES[year]))
    assert to_json(evaluator.evaluate(app, year)) == to_json(evaluator.evaluate(dict(app), year))


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=150)
@given(data=st.data())
def test_every_applicable_rule_reports_once(
    evaluator: Evaluator, data: st.DataObject, year: str
) -> None:
    app = data.draw(applications(POLICIES[year]))
    result = evaluator.evaluate(app, year)
    policy = evaluator.load_policy(year)
    rules = [f.rule for f in result.findings]
    expected = [r.id for r in policy.rules if r.applies_to is None or app["kind"] in r.applies_to]
    assert rules == expected
    assert result.score == sum(i.points for i in result.score_breakdown)


@settings(max_examples=25)
@given(app=applications(ALL_POLICIES))
def test_a_fresh_evaluator_gives_the_same_result(evaluator: Evaluator, app: dict[str, Any]) -> None:
    """Nothing depends on what the shared evaluator did before."""
    fresh = Evaluator(evaluator.plugin_manager)
    for year, policy in POLICIES.items():
        mine = policy.vocabulary.restrict(app)
        assert fresh.evaluate(mine, year) == evaluator.evaluate(mine, year)
