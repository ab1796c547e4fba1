"""The third reading (a solver's) agrees with the oracle and the engine on generated
applications, for every year found."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules import Evaluator
from fourules.engine.symbolic import SymbolicPolicy, decide
from fourules.evaluation.inputs import parse_application
from fourules.testing import applications
from tests.years import POLICIES, YEARS


@functools.cache
def _symbolic(year: str) -> SymbolicPolicy:
    return SymbolicPolicy(POLICIES[year])


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=150)
@given(data=st.data())
def test_the_three_readings_agree(evaluator: Evaluator, year: str, data: st.DataObject) -> None:
    app = data.draw(applications(POLICIES[year]))
    result = evaluator.evaluate(app, year)
    loaded = evaluator.loaded(year)
    fact = loaded.policy.vocabulary.derive(parse_application(app), loaded.index).fact
    assert decide(_symbolic(year), fact) == (result.outcome, result.max_grant_sek)
