"""What an evaluation reuses or computes its own way (outlines, findings by what their
messages show, the built-in scorer's items, applicant counts, the fact derived in loops by
kind of reading, results built without validation) gives exactly what building everything
anew, one piece at a time, gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, PrivateAttr

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.default_scorers import PriorityCriteriaScorer
from fourules.evaluation.evaluator import _finding
from fourules.evaluation.inputs import parse_application
from fourules.evaluation.results import Evaluation, Finding, built
from fourules.policy.conditions import holds
from fourules.testing import applications
from tests.declared import RESEARCH_PARTNER, year_folder
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


@pytest.mark.parametrize("year", YEARS)
def test_the_scoring_of_an_outline_is_reused_only_for_the_same_criteria_findings(
    evaluator: Evaluator, year: str
) -> None:
    """Joint applications of 1 to 5 administrations, in both kinds, and again in the other
    order: where a criterion's finding shows the count (2018: "Omfattar 3
    stadsdelsförvaltningar"), the same outline gives other items for another count, and
    each application's items are those the built-in scorer gives it anew."""
    policy = evaluator.load_policy(year)
    names = [adm.name for adm in policy.administrations.members][:5]
    apps = [
        {"id": f"a{n}", "kind": kind, "title": "t", "applicants": names[:n], "requested_sek": 1000}
        for kind in ("project", "study_trip")
        for n in range(1, len(names) + 1)
    ]
    for app in apps + apps[::-1]:
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
        made, constructed = built(Evaluation, dict(values)), Evaluation.model_construct(**values)
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
        built(Private, {"value": 1})


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


def _fact_by_fact(vocabulary: Any, app: Any, index: Any) -> dict[str, Any]:
    """The fact as each fact's own `derive` gives it, then the facts derived by condition:
    what `Vocabulary.derive` computes in its loops."""
    resolutions = tuple(index.resolve(name) for name in app.applicants)
    fact = {
        name: value
        for name, f in vocabulary.facts.items()
        if app.kind in f.kinds and (value := f.derive(app, resolutions)) is not None
    }
    for name, condition in vocabulary.derived_conditions.items():
        if app.kind in vocabulary.facts[name].kinds:
            fact[name] = "yes" if holds(condition, fact) else "no"
    return fact


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=300)
@given(data=st.data())
def test_the_fact_derived_is_each_facts_own_derivation_and_shaped_as_the_engine_shapes_it(
    evaluator: Evaluator, year: str, data: st.DataObject
) -> None:
    loaded = evaluator.loaded(year)
    app = _read(year, data.draw(applications(loaded.policy)))
    vocabulary = loaded.policy.vocabulary
    expected = _fact_by_fact(vocabulary, app, loaded.index)
    shaped = vocabulary.derive(app, loaded.index, loaded.engine.shape)
    assert shaped.fact == vocabulary.derive(app, loaded.index).fact == expected
    assert shaped.plain == loaded.engine.plain(expected)


CLIMATE_SMART = {
    "id": "climate_smart",
    "type": "yes_no",
    "kinds": ["study_trip"],
    "derived": {"when": {"field": "travel_modes", "none_of": ["flight", "car"]}},
    "label": {"sv": "Klimatsmart", "en": "Climate-smart"},
    "help": {"sv": "inget flyg och ingen bil", "en": "no flight and no car"},
}
_DECLARED: dict[str, Evaluator] = {}


def _declared_year(tmp_path_factory: pytest.TempPathFactory) -> Evaluator:
    """2099: a year that states a fact of its own and derives another by a condition."""
    if "2099" not in _DECLARED:
        folder = tmp_path_factory.mktemp("declared")
        year_folder(folder, RESEARCH_PARTNER, CLIMATE_SMART)
        manager = get_plugin_manager(load_entry_points=False)
        _DECLARED["2099"] = Evaluator(manager, policy_path=[folder])
    return _DECLARED["2099"]


@settings(max_examples=150)
@given(data=st.data())
def test_a_years_own_facts_are_derived_as_their_declarations_say(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    loaded = _declared_year(tmp_path_factory).loaded("2099")
    vocabulary = loaded.policy.vocabulary
    assert {"research_partner", "climate_smart"} <= set(vocabulary.facts)
    app = parse_application(data.draw(applications(loaded.policy)), vocabulary=vocabulary)
    expected = _fact_by_fact(vocabulary, app, loaded.index)
    shaped = vocabulary.derive(app, loaded.index, loaded.engine.shape)
    assert shaped.fact == vocabulary.derive(app, loaded.index).fact == expected
    assert shaped.plain == loaded.engine.plain(expected)


def test_a_finding_built_is_the_one_validation_makes(evaluator: Evaluator) -> None:
    for year in YEARS:
        policy = evaluator.load_policy(year)
        for r, rule in enumerate(policy.rules):
            for b, branch in enumerate(rule.branches):
                made = _finding(policy, r, b, "Sökt belopp: 1 000 kr.")
                validated = Finding(
                    rule=rule.id,
                    status=branch.status,
                    message="Sökt belopp: 1 000 kr.",
                    source=rule.source,
                    effect=branch.outcome,
                    basis=policy.branch_basis(r, b),
                )
                assert made == validated
                assert made.model_dump_json() == validated.model_dump_json()
                assert made.model_fields_set == validated.model_fields_set
