"""What an evaluation reuses (outlines, findings by what their messages show, the built-in
scorer's items, applicant counts, results built without validation) gives exactly what
building everything anew gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, PrivateAttr

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_scorers import PriorityCriteriaScorer
from fourules.evaluation.inputs import parse_application
from fourules.evaluation.results import Evaluation, built
from fourules.testing import applications
from tests.years import POLICIES, YEARS


def _read(year: str, app: dict[str, Any]) -> Any:
    return parse_application(app, vocabulary=POLICIES[year].vocabulary)


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=60)
@given(data=st.data())
def test_a_reused_finding_is_the_one_its_message_renders(
    evaluator: Evaluator, year: str, data: st.DataObject
) -> None:
    """`prepare` renders every message that shows the application's values; `evaluate`
    finds the finding by those values, built for whichever application showed them first.
    Many applications in a row, so most findings are reused, in both languages."""
    apps = data.draw(st.lists(applications(POLICIES[year]), min_size=5, max_size=15))
    for app in apps:
        read = _read(year, app)
        for lang in ("sv", "en"):
            fresh = evaluator.assemble(read, year, evaluator.prepare(read, year, lang), lang=lang)
            assert evaluator.evaluate(app, year, lang=lang) == fresh


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=60)
@given(data=st.data())
def test_the_built_in_scorer_reuses_only_what_it_would_score_anew(
    evaluator: Evaluator, year: str, data: st.DataObject
) -> None:
    apps = data.draw(st.lists(applications(POLICIES[year]), min_size=5, max_size=15))
    policy = evaluator.load_policy(year)
    for app in apps:
        for lang in ("sv", "en"):
            result = evaluator.evaluate(app, year, lang=lang)
            anew = PriorityCriteriaScorer().score(
                application=_read(year, app), policy=policy, findings=result.findings, lang=lang
            )
            assert result.score_breakdown == anew


def test_a_result_built_is_the_one_model_construct_makes(evaluator: Evaluator) -> None:
    """`built` sets what `model_construct` sets, so nothing reading a result can tell them
    apart: fields, the fields set, no extra, no private state, the JSON."""
    for year in YEARS:
        result = evaluator.evaluate(
            {"id": "a", "kind": "project", "title": "t", "applicants": ["Farsta"],
             "requested_sek": 1000},
            year,
        )  # fmt: skip
        values = dict(result.__dict__)
        made, constructed = built(Evaluation, **values), Evaluation.model_construct(**values)
        assert made == constructed
        assert made.__dict__ == constructed.__dict__
        assert made.model_fields_set == constructed.model_fields_set == set(Evaluation.model_fields)
        assert made.__pydantic_extra__ is constructed.__pydantic_extra__ is None
        assert made.__pydantic_private__ is constructed.__pydantic_private__ is None
        assert made.model_dump_json() == constructed.model_dump_json()
        assert made.model_copy(update={"score": 9.0}).score == 9.0


def test_built_refuses_a_model_with_private_state() -> None:
    class Private(BaseModel):
        value: int
        _seen: int = PrivateAttr(default=0)

    with pytest.raises(TypeError, match="private"):
        built(Private, value=1)


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=5)
@given(data=st.data())
def test_a_new_evaluator_agrees_with_one_that_has_seen_many(
    evaluator: Evaluator, year: str, data: st.DataObject
) -> None:
    """The same applications through an evaluator whose memos hold many others' entries and
    through a new one, in the other order: every result the same."""
    apps = data.draw(st.lists(applications(POLICIES[year]), min_size=30, max_size=30))
    seen = [evaluator.evaluate(app, year) for app in apps]
    new = Evaluator(get_plugin_manager(load_entry_points=False))
    assert [new.evaluate(app, year) for app in reversed(apps)] == seen[::-1]
